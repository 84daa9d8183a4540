/// The SRTP protection profiles the media engine speaks, with the transform parameters each one fixes.
///
/// DTLS-SRTP negotiates them by identifier (RFC 5764 section 4.1.2, RFC 7714 section 14.2), SDES by crypto-suite
/// name (RFC 4568 section 6.2, RFC 7714 section 14.1). All three use a 128-bit master key and the AES-CM key
/// derivation of RFC 3711 section 4.3 with a key derivation rate of zero.
public enum SRTPProfile: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// AES-128 in counter mode with an 80-bit HMAC-SHA1 tag on SRTP and SRTCP (RFC 3711 sections 4.1.1, 4.2).
    case aes128CMHMACSHA1_80
    /// AES-128 in counter mode with a 32-bit HMAC-SHA1 tag on SRTP and an 80-bit one on SRTCP
    /// (RFC 5764 section 4.1.2, RFC 4568 section 6.2.2).
    case aes128CMHMACSHA1_32
    /// AES-128 in Galois/counter mode with a 16-octet tag on SRTP and SRTCP (RFC 7714).
    case aeadAES128GCM

    /// The DTLS-SRTP protection profile identifier (RFC 5764 section 4.1.2, RFC 7714 section 14.2).
    public var dtlsProfileID: UInt16 {
        switch self {
        case .aes128CMHMACSHA1_80: 0x0001
        case .aes128CMHMACSHA1_32: 0x0002
        case .aeadAES128GCM: 0x0007
        }
    }

    /// The profile with a DTLS-SRTP identifier, or nil for one this engine does not speak.
    public init?(dtlsProfileID: UInt16) {
        guard let profile = Self.allCases.first(where: { $0.dtlsProfileID == dtlsProfileID }) else { return nil }
        self = profile
    }

    /// The profile name OpenSSL takes in `SSL_CTX_set_tlsext_use_srtp` and returns from
    /// `SSL_get_selected_srtp_profile`.
    public var openSSLName: String {
        switch self {
        case .aes128CMHMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aes128CMHMACSHA1_32: "SRTP_AES128_CM_SHA1_32"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// The profile with an OpenSSL profile name, or nil.
    public init?(openSSLName: some StringProtocol) {
        guard let profile = Self.allCases.first(where: { $0.openSSLName == openSSLName }) else { return nil }
        self = profile
    }

    /// The SDES crypto-suite name (RFC 4568 section 6.2, RFC 7714 section 14.1).
    public var sdesName: String {
        switch self {
        case .aes128CMHMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aes128CMHMACSHA1_32: "AES_CM_128_HMAC_SHA1_32"
        case .aeadAES128GCM: "AEAD_AES_128_GCM"
        }
    }

    /// The profile with an SDES crypto-suite name (compared exactly, as RFC 4568 section 9.2 registers them).
    public init?(sdesName: some StringProtocol) {
        guard let profile = Self.allCases.first(where: { $0.sdesName == sdesName }) else { return nil }
        self = profile
    }

    public var description: String { sdesName }

    /// Octets of master key: 16 for every profile here.
    public var masterKeyLength: Int { 16 }

    /// Octets of master salt: 14 for AES-CM (RFC 3711 section 8.2), 12 for AES-GCM (RFC 7714).
    public var masterSaltLength: Int { isAEAD ? 12 : 14 }

    /// Whether the profile is an AEAD transform (RFC 7714) rather than AES-CM with HMAC-SHA1.
    public var isAEAD: Bool { self == .aeadAES128GCM }

    /// Octets the SRTP tag adds to an RTP packet.
    public var rtpTagLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: 10
        case .aes128CMHMACSHA1_32: 4
        case .aeadAES128GCM: 16
        }
    }

    /// Octets of the SRTCP tag: 80 bits for both AES-CM profiles (RFC 5764 section 4.1.2), 16 octets for GCM.
    public var rtcpTagLength: Int { isAEAD ? 16 : 10 }

    /// Octets a protected RTP packet grows by: the room a caller's buffer needs after the packet.
    public var rtpOverhead: Int { rtpTagLength }

    /// Octets a protected RTCP packet grows by: the tag and the 32-bit E flag and SRTCP index
    /// (RFC 3711 section 3.4, RFC 7714 section 9).
    public var rtcpOverhead: Int { rtcpTagLength + 4 }

    /// Octets of the session salt: 112 bits for AES-CM, 96 bits for AES-GCM (RFC 7714 section 11).
    var sessionSaltLength: Int { masterSaltLength }
}
