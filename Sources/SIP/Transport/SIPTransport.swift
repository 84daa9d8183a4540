/// A transport a SIP message travels over (RFC 3261 18, RFC 7118): what the Via names, whether it
/// is reliable, and its default port.
public enum SIPTransport: String, Hashable, Sendable, CaseIterable {
    /// UDP datagrams.
    case udp
    /// A TCP stream.
    case tcp
    /// TLS over TCP.
    case tls
    /// WebSocket (RFC 7118): one SIP message per WebSocket message. Accepted only, never opened.
    case ws
    /// Secure WebSocket (RFC 7118).
    case wss

    /// The transport a Via's sent-protocol names ("UDP", "tcp"...); nil for others (SCTP).
    public init?(via name: String) {
        self.init(rawValue: SIPGrammar.asciiLowercased(name))
    }

    /// The token written in Via (`SIP/2.0/TCP`).
    public var viaName: String { rawValue.uppercased() }

    /// Everything but UDP: no retransmissions, Timers A, E and G off (RFC 3261 17).
    public var isReliable: Bool { self != .udp }

    /// 5061 for TLS, 5060 for UDP and TCP (RFC 3261 19.1.2); 80 and 443 for WebSocket (RFC 6455).
    public var defaultPort: Int {
        switch self {
        case .udp, .tcp: 5060
        case .tls: 5061
        case .ws: 80
        case .wss: 443
        }
    }

    /// WebSocket transports: SIP messages are WebSocket messages, not a byte stream.
    public var isWebSocket: Bool { self == .ws || self == .wss }
}
