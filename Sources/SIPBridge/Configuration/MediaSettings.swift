/// `<media>`: RTP, ICE and codec settings.
public struct MediaSettings: Sendable, Equatable {
    /// `public-address`: IP address offered in ICE candidates and SDP when
    /// the bridge is behind NAT. Default: none.
    public var publicAddress: String?
    /// `bind-address`: local IP address for RTP sockets. Default `0.0.0.0`.
    public var bindAddress: String = "0.0.0.0"
    /// `rtp-ports`: the local port range for RTP. Default 20000...29999.
    public var rtpPorts: ClosedRange<Int> = 20000...29999
    /// `<stun server>`. Default: none.
    public var stun: STUNServer?
    /// `ice-lite`: act as an ICE-lite agent (for a bridge with a public
    /// address). Default false.
    public var iceLite: Bool = false
    /// `allow-unencrypted`: accept Jingle sessions without DTLS-SRTP. Default false.
    public var allowUnencrypted: Bool = false
    /// `opus-bitrate`: Opus encoder bitrate in bit/s. Default 32000.
    public var opusBitrate: Int = 32000
    /// `opus-complexity`: Opus encoder complexity, 0 to 10. Default 5.
    public var opusComplexity: Int = 5
    /// `jitter-buffer`: maximum jitter-buffer depth. Default 200 ms.
    public var jitterBuffer: Duration = .milliseconds(200)

    /// Creates settings with every value at its documented default.
    public init() {}
}
