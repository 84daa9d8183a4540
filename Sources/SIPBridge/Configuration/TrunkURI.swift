/// A `sip:` or `sips:` URI naming a host and an optional port, as used by
/// `<trunk uri>` and `<failover uri>`.
public struct TrunkURI: Sendable, Equatable, CustomStringConvertible {
    /// The URI scheme.
    public enum Scheme: String, Sendable, Equatable {
        /// `sip:`
        case sip
        /// `sips:`: TLS on every hop.
        case sips
    }

    /// `sip` or `sips`.
    public var scheme: Scheme
    /// Host name, IPv4 address, or IPv6 address (without brackets).
    public var host: String
    /// The port, if the URI has one.
    public var port: Int?

    /// Creates a URI from its parts.
    public init(scheme: Scheme = .sip, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `sip:host`, `sip:host:port`, `sips:[2001:db8::1]:5061` and the
    /// like. User parts, parameters and headers are not accepted.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"),
              let scheme = Scheme(rawValue: text[..<colon].lowercased()),
              let (host, port) = HostPort.parse(String(text[text.index(after: colon)...])),
              HostPort.isHost(host)
        else { return nil }
        self.init(scheme: scheme, host: host, port: port)
    }

    /// The URI as text, e.g. `sip:sip.example.com:5060`.
    public var description: String {
        "\(scheme.rawValue):" + (port.map { HostPort.format(host: host, port: $0) } ?? HostPort.format(host: host))
    }
}
