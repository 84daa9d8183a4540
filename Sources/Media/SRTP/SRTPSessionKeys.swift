internal import COpenSSL

/// The session keys of one direction for either SRTP or SRTCP, derived from a master key (RFC 3711 section 4.3).
struct SRTPSessionKeys {
    /// The 16-octet AES key.
    var encryptionKey: [UInt8]
    /// The session salt: 14 octets for AES-CM, 12 for AES-GCM.
    var salt: [UInt8]
    /// The 20-octet HMAC-SHA1 key (RFC 3711 section 4.2.1); empty for AES-GCM, which needs none.
    var authenticationKey: [UInt8]

    /// Keys given directly (RFC 7714's test vectors give session keys, not master keys).
    init(encryptionKey: [UInt8], salt: [UInt8], authenticationKey: [UInt8] = []) {
        self.encryptionKey = encryptionKey
        self.salt = salt
        self.authenticationKey = authenticationKey
    }

    /// Derives the SRTP keys (labels 0 to 2) or the SRTCP keys (labels 3 to 5) of `master`.
    init(deriving master: SRTPMasterKey, forRTCP rtcp: Bool) throws(MediaError) {
        let profile = master.profile
        encryptionKey = try SRTPKeyDerivation.derive(
            master, label: rtcp ? .rtcpEncryption : .rtpEncryption, length: 16)
        salt = try SRTPKeyDerivation.derive(
            master, label: rtcp ? .rtcpSalt : .rtpSalt, length: profile.sessionSaltLength)
        authenticationKey =
            profile.isAEAD
            ? []
            : try SRTPKeyDerivation.derive(
                master, label: rtcp ? .rtcpAuthentication : .rtpAuthentication, length: SRTPHMACSHA1.outputLength)
    }

    /// Overwrites the key octets (the arrays are about to be released).
    mutating func clear() {
        OPENSSL_cleanse(&encryptionKey, encryptionKey.count)
        OPENSSL_cleanse(&salt, salt.count)
        OPENSSL_cleanse(&authenticationKey, authenticationKey.count)
    }
}
