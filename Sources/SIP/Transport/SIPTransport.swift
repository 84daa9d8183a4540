/// A transport a SIP message travels over (RFC 3261 18): what the Via names, whether it is
/// reliable, and its default port.
public enum SIPTransport: String, Hashable, Sendable, CaseIterable {
    /// UDP datagrams.
    case udp
    /// A TCP stream.
    case tcp
    /// TLS over TCP.
    case tls

    /// The transport a Via's sent-protocol names ("UDP", "tcp"...); nil for others (SCTP, WS).
    public init?(via name: String) {
        self.init(rawValue: SIPGrammar.asciiLowercased(name))
    }

    /// The token written in Via (`SIP/2.0/TCP`).
    public var viaName: String { rawValue.uppercased() }

    /// TCP and TLS: no retransmissions, Timers A, E and G off (RFC 3261 17).
    public var isReliable: Bool { self != .udp }

    /// 5061 for TLS, 5060 otherwise (RFC 3261 19.1.2).
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }
}
