import NIOCore
import NIOSSL

extension SIPEndpoint {
    /// The sockets, timers, capabilities and connection policy of an endpoint.
    public struct Configuration: Sendable {
        /// The UDP address to bind ("0.0.0.0" for all interfaces).
        public var host: String
        /// The UDP port; 0 picks a free one.
        public var port: Int
        public var timers: SIPTimers
        public var userAgent: String
        public var allow: [SIPMethod]
        public var supported: [String]
        /// TCP and TLS listeners. Default none: connections are then only opened by us.
        public var streamListeners: [StreamListener]
        /// A stream connection carrying nothing for this long is closed. Default 120 s.
        public var idleTimeout: TimeAmount
        /// How long opening a connection may take. Default 5 s.
        public var connectTimeout: TimeAmount
        /// A UDP request larger than this many bytes is sent over TCP when the destination accepts
        /// a connection (RFC 3261 18.1.1: 1300 bytes when the path MTU is unknown). nil: never.
        public var streamThreshold: Int?
        /// The base of outgoing TLS connections (trust roots, versions); a peer with
        /// `verifyCertificate` false turns verification off. Default: the system's trust roots.
        public var tlsClient: TLSConfiguration
        /// What the parsers accept.
        public var limits: SIPLimits

        public init(
            host: String = "0.0.0.0", port: Int = 5060, timers: SIPTimers = SIPTimers(),
            userAgent: String = "jingle-sip-bridge",
            allow: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .prack, .update, .info],
            supported: [String] = ["100rel", "timer", "replaces"], streamListeners: [StreamListener] = [],
            idleTimeout: TimeAmount = .seconds(120), connectTimeout: TimeAmount = .seconds(5),
            streamThreshold: Int? = 1300, tlsClient: TLSConfiguration = .makeClientConfiguration(),
            limits: SIPLimits = .default
        ) {
            self.host = host
            self.port = port
            self.timers = timers
            self.userAgent = userAgent
            self.allow = allow
            self.supported = supported
            self.streamListeners = streamListeners
            self.idleTimeout = idleTimeout
            self.connectTimeout = connectTimeout
            self.streamThreshold = streamThreshold
            self.tlsClient = tlsClient
            self.limits = limits
        }
    }

    /// A TCP or TLS listening socket.
    public struct StreamListener: Sendable {
        /// `.tcp`, `.tls`, `.ws` or `.wss`.
        public var transport: SIPTransport
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// The server side of TLS (certificate and key); required for `.tls` and `.wss`.
        public var tls: NIOSSLContext?

        public init(transport: SIPTransport, host: String = "0.0.0.0", port: Int? = nil, tls: NIOSSLContext? = nil) {
            self.transport = transport
            self.host = host
            self.port = port ?? transport.defaultPort
            self.tls = tls
        }

        /// A TLS (or, with `transport` `.wss`, secure WebSocket) listener with the PEM certificate
        /// chain and private key at these paths (read now: call it off the event loop).
        public static func tls(
            _ transport: SIPTransport = .tls, host: String = "0.0.0.0", port: Int? = nil, certificate: String,
            privateKey: String
        ) throws -> StreamListener {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return StreamListener(
                transport: transport, host: host, port: port, tls: try NIOSSLContext(configuration: tls))
        }
    }

    /// How to reach a peer address (a trunk): the transport of requests to it and, for TLS,
    /// the name its certificate must carry.
    public struct Peer: Hashable, Sendable {
        public var transport: SIPTransport
        /// The host name checked against the certificate and sent in SNI; nil checks the IP address.
        public var serverName: String?
        /// False accepts any certificate (self-signed test peers only).
        public var verifyCertificate: Bool

        public init(transport: SIPTransport, serverName: String? = nil, verifyCertificate: Bool = true) {
            self.transport = transport
            self.serverName = serverName
            self.verifyCertificate = verifyCertificate
        }
    }
}

/// A transport could not be set up (a listener without its certificate, a TLS context error).
public struct SIPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "SIP transport: \(reason)" }
}
