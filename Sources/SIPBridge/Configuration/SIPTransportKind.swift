/// A SIP transport, as used by `<listen transport>` and `<trunk transport>`.
public enum SIPTransportKind: String, Sendable, Equatable, CaseIterable {
    /// SIP over UDP.
    case udp
    /// SIP over TCP.
    case tcp
    /// SIP over TLS.
    case tls
    /// SIP over WebSocket (RFC 7118).
    case ws
    /// SIP over secure WebSocket.
    case wss

    /// The port a `<listen>` uses when it has no `port` attribute:
    /// 5060 for udp and tcp, 5061 for tls (RFC 3261), 5066 for ws and 7443
    /// for wss (the ports FreeSWITCH uses, clear of common HTTP ports).
    public var defaultPort: Int {
        switch self {
        case .udp, .tcp: 5060
        case .tls: 5061
        case .ws: 5066
        case .wss: 7443
        }
    }

    /// Whether the transport is encrypted (tls, wss).
    public var isSecure: Bool { self == .tls || self == .wss }

    /// Whether the transport runs over a stream (everything but udp).
    public var isStream: Bool { self != .udp }
}
