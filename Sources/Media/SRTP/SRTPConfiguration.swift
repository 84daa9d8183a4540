/// Settings of an SRTP context that are not key material.
public struct SRTPConfiguration: Hashable, Sendable {
    /// SSRCs tracked per direction, each with its rollover counter, replay windows and SRTCP index. The table is
    /// allocated once; see `EVPSRTPContext` for what happens when it is full.
    public var streamCapacity: Int
    /// Whether SRTCP is encrypted (E flag set). `false` is RFC 4568's `UNENCRYPTED_SRTCP` session parameter:
    /// RTCP is then only authenticated (RFC 3711 section 3.4). Outbound packets follow it; inbound,
    /// `EVPSRTPContext` accepts either form since the E flag is covered by the tag, while libsrtp refuses
    /// packets whose E flag differs from it.
    public var encryptsRTCP: Bool

    /// The default: 16 SSRCs per direction, SRTCP encrypted.
    public init(streamCapacity: Int = 16, encryptsRTCP: Bool = true) {
        self.streamCapacity = streamCapacity
        self.encryptsRTCP = encryptsRTCP
    }
}
