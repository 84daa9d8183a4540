/// The SRTP key derivation function: AES-128 in counter mode keyed with the master key, as the pseudo-random
/// function of RFC 3711 section 4.3.3, with a key derivation rate of zero (section 4.3.1), so keys are derived
/// once per master key. RFC 7714 section 11 uses the same function for AES-GCM.
enum SRTPKeyDerivation {
    /// The labels that separate the six session keys (RFC 3711 section 4.3.2).
    enum Label: UInt8 {
        case rtpEncryption = 0x00
        case rtpAuthentication = 0x01
        case rtpSalt = 0x02
        case rtcpEncryption = 0x03
        case rtcpAuthentication = 0x04
        case rtcpSalt = 0x05
    }

    /// `length` octets of PRF output for `label` under `master`.
    ///
    /// RFC 3711 section 4.3.1: key_id = label || (index DIV kdr), 56 bits, zero after the label since kdr is 0;
    /// x = key_id XOR master_salt, right-aligned in 112 bits; the PRF input block is x * 2^16. AES-GCM's 96-bit
    /// master salt is taken as the leading octets of the 112 bits, the rest zero (RFC 7714 section 11, as libsrtp
    /// does).
    static func derive(_ master: SRTPMasterKey, label: Label, length: Int) throws(MediaError) -> [UInt8] {
        var iv = [UInt8](repeating: 0, count: 16)
        iv.replaceSubrange(0..<master.salt.count, with: master.salt)
        iv[7] ^= label.rawValue
        let cipher = try SRTPCipher(mode: .aes128CounterMode, key: master.key)
        var output = [UInt8](repeating: 0, count: length)
        let ok = iv.withUnsafeBytes { iv in
            output.withUnsafeMutableBytes { out in
                cipher.applyKeystream(iv: iv.baseAddress!, to: out.baseAddress!, count: out.count)
            }
        }
        guard ok else { throw MediaError(.srtpCryptoFailure, "AES-CM key derivation failed") }
        return output
    }
}
