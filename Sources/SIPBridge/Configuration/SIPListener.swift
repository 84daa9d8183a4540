/// `<listen>`: a local address the bridge accepts SIP on.
public struct SIPListener: Sendable, Equatable {
    /// `transport`. Default udp.
    public var transport: SIPTransportKind
    /// `address`: local IP address to bind. Default `0.0.0.0`.
    public var address: String
    /// `port`. Default ``SIPTransportKind/defaultPort``.
    public var port: Int
    /// `certificate`: PEM certificate chain (resolved path); tls and wss only.
    public var certificate: String?
    /// `private-key`: PEM private key (resolved path); tls and wss only.
    public var privateKey: String?

    /// Creates a listener; `port` defaults to the transport's default port.
    public init(
        transport: SIPTransportKind = .udp,
        address: String = "0.0.0.0",
        port: Int? = nil,
        certificate: String? = nil,
        privateKey: String? = nil
    ) {
        self.transport = transport
        self.address = address
        self.port = port ?? transport.defaultPort
        self.certificate = certificate
        self.privateKey = privateKey
    }
}
