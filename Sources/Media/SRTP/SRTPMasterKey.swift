internal import COpenSSL

/// A master key and master salt for one direction of an SRTP session, checked against its profile's lengths
/// (RFC 3711 section 8.2, RFC 7714).
///
/// Both SRTP and SRTCP keys derive from it (RFC 3711 section 4.3). `description` never shows the secret.
public struct SRTPMasterKey: Hashable, Sendable, CustomStringConvertible {
    /// The profile whose lengths the key and salt have.
    public let profile: SRTPProfile
    /// The master key (`profile.masterKeyLength` octets).
    public let key: [UInt8]
    /// The master salt (`profile.masterSaltLength` octets).
    public let salt: [UInt8]

    /// A master key from its parts; throws `.srtpInvalidKey` when a length does not fit the profile.
    public init(profile: SRTPProfile, key: [UInt8], salt: [UInt8]) throws(MediaError) {
        guard key.count == profile.masterKeyLength else {
            throw MediaError(
                .srtpInvalidKey, "\(profile) needs a \(profile.masterKeyLength)-octet master key, not \(key.count)")
        }
        guard salt.count == profile.masterSaltLength else {
            throw MediaError(
                .srtpInvalidKey,
                "\(profile) needs a \(profile.masterSaltLength)-octet master salt, not \(salt.count)")
        }
        self.profile = profile
        self.key = key
        self.salt = salt
    }

    /// A master key from `key || salt`, the layout of SDES key-params (RFC 4568 section 6.1) and of libsrtp.
    public init(profile: SRTPProfile, concatenated: [UInt8]) throws(MediaError) {
        guard concatenated.count == profile.masterKeyLength + profile.masterSaltLength else {
            throw MediaError(
                .srtpInvalidKey,
                "\(profile) needs \(profile.masterKeyLength + profile.masterSaltLength) octets of key and salt, "
                    + "not \(concatenated.count)")
        }
        try self.init(
            profile: profile, key: Array(concatenated.prefix(profile.masterKeyLength)),
            salt: Array(concatenated.dropFirst(profile.masterKeyLength)))
    }

    /// A fresh key and salt from OpenSSL's CSPRNG (RFC 4568 section 6.1: SDES keys are random and per session).
    public static func random(for profile: SRTPProfile) throws(MediaError) -> SRTPMasterKey {
        var bytes = [UInt8](repeating: 0, count: profile.masterKeyLength + profile.masterSaltLength)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) == 1 }
        guard ok else { throw MediaError(.srtpCryptoFailure, "RAND_bytes failed to produce an SRTP master key") }
        return try SRTPMasterKey(profile: profile, concatenated: bytes)
    }

    /// `key || salt`.
    public var concatenated: [UInt8] { key + salt }

    /// The profile only: key material stays out of logs.
    public var description: String { "SRTPMasterKey(\(profile), <redacted>)" }
}
