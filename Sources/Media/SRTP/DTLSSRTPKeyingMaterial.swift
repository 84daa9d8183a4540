/// The SRTP master keys a DTLS-SRTP handshake yields, split from the TLS exporter output (RFC 5764 section 4.2).
///
/// The exporter (label `EXTRACTOR-dtls_srtp`, no context) gives `2 * (key + salt)` octets laid out as
/// client_write_SRTP_master_key || server_write_SRTP_master_key || client_write_SRTP_master_salt ||
/// server_write_SRTP_master_salt. Each side protects with its own write key and unprotects with the peer's:
/// `keys(for:)` picks them by DTLS role, so the two legs of a call cannot both use one key.
public struct DTLSSRTPKeyingMaterial: Hashable, Sendable {
    /// The side of the DTLS handshake (the `setup` attribute decides it: RFC 5763 section 5).
    public enum Role: Hashable, Sendable {
        case client
        case server
    }

    /// The exporter label RFC 5764 section 4.2 registers.
    public static let exporterLabel = "EXTRACTOR-dtls_srtp"

    /// The profile the handshake selected.
    public let profile: SRTPProfile
    /// What the DTLS client sends with.
    public let clientWriteKey: SRTPMasterKey
    /// What the DTLS server sends with.
    public let serverWriteKey: SRTPMasterKey

    /// Octets to ask the exporter for: `2 * (masterKeyLength + masterSaltLength)`.
    public static func exportedLength(for profile: SRTPProfile) -> Int {
        2 * (profile.masterKeyLength + profile.masterSaltLength)
    }

    /// Splits exporter output; throws `.srtpInvalidKey` when its length does not fit the profile.
    public init(profile: SRTPProfile, exported: [UInt8]) throws(MediaError) {
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        guard exported.count == Self.exportedLength(for: profile) else {
            throw MediaError(
                .srtpInvalidKey,
                "\(profile) needs \(Self.exportedLength(for: profile)) octets of DTLS-SRTP keying material, "
                    + "not \(exported.count)")
        }
        let saltsStart = 2 * keyLength
        self.profile = profile
        clientWriteKey = try SRTPMasterKey(
            profile: profile, key: Array(exported[0..<keyLength]),
            salt: Array(exported[saltsStart..<(saltsStart + saltLength)]))
        serverWriteKey = try SRTPMasterKey(
            profile: profile, key: Array(exported[keyLength..<saltsStart]),
            salt: Array(exported[(saltsStart + saltLength)..<(saltsStart + 2 * saltLength)]))
    }

    /// The keys of the side that played `role`: it protects with `outbound` and unprotects with `inbound`.
    public func keys(for role: Role) -> (outbound: SRTPMasterKey, inbound: SRTPMasterKey) {
        switch role {
        case .client: (clientWriteKey, serverWriteKey)
        case .server: (serverWriteKey, clientWriteKey)
        }
    }
}
