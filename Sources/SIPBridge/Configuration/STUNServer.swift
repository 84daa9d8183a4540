/// `<stun server="host:port"/>`: the STUN server used to learn the public address.
public struct STUNServer: Sendable, Equatable, CustomStringConvertible {
    /// Host name or IP address (IPv6 without brackets).
    public var host: String
    /// Port. Default 3478.
    public var port: Int

    /// Creates a STUN server entry.
    public init(host: String, port: Int = 3478) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`.
    public init?(parsing text: String) {
        guard let (host, port) = HostPort.parse(text), HostPort.isHost(host) else { return nil }
        self.init(host: host, port: port ?? 3478)
    }

    /// `host:port`, with IPv6 addresses in brackets.
    public var description: String { HostPort.format(host: host, port: port) }
}
