import NIOCore
import NIOSSL

/// How a `SIPUserAgent` listens and presents itself.
public struct SIPUserAgentConfiguration: Sendable {
    /// The address to bind ("0.0.0.0" for all interfaces).
    public var host: String
    /// The UDP port to bind; 0 picks a free one.
    public var port: Int
    /// The address written in Via and Contact: the external address behind NAT. When set, the
    /// bind address never appears in our messages (a nil port keeps the bound port); when nil,
    /// the bind host and the bound port are used, so a wildcard bind needs it.
    public var advertisedAddress: SIPRegistrationConfiguration.Address?
    /// The user part of our Contact URI; nil leaves it out.
    public var contactUser: String?
    /// RFC 3261 timers.
    public var timers: SIPTimers
    /// User-Agent / Server header value.
    public var userAgent: String
    /// The methods we accept (Allow in OPTIONS answers, INVITEs and 2xx).
    public var allow: [SIPMethod]
    /// The option tags we support (Supported; an INVITE requiring others gets 420).
    public var supported: [String]
    /// Where in-dialog requests go.
    public var inDialogRouting: SIPSessionConfiguration.InDialogRouting
    /// What challenges to the requests of incoming calls (BYE, re-INVITE) are answered with.
    public var credentials: SIPCredentials?
    /// The RFC 4028 session interval our calls ask for, nil for none (see
    /// `SIPSessionConfiguration.sessionInterval`).
    public var sessionInterval: UInt32? = nil
    /// The smallest session interval we accept (Min-SE).
    public var minimumSessionInterval: UInt32 = 90
    /// RFC 3262 reliable provisional responses (PRACK).
    public var reliableProvisionals = false
    /// Randomness for the glare back-off (RFC 3261 14.1).
    public var random: @Sendable (ClosedRange<Int>) -> Int
    /// TCP and TLS listeners (on `host`). Default none.
    public var streamListeners: [SIPEndpoint.StreamListener] = []
    /// A stream connection carrying nothing for this long is closed. Default 120 s.
    public var idleTimeout: TimeAmount = .seconds(120)
    /// UDP requests larger than this go over TCP when possible (RFC 3261 18.1.1); nil: never.
    /// Default 1300 bytes.
    public var streamThreshold: Int? = 1300
    /// The base of outgoing TLS connections. Default: the system's trust roots.
    public var tlsClient: TLSConfiguration = .makeClientConfiguration()

    /// Creates a configuration.
    public init(
        host: String = "0.0.0.0", port: Int = 5060, advertisedAddress: SIPRegistrationConfiguration.Address? = nil,
        contactUser: String? = nil, timers: SIPTimers = SIPTimers(), userAgent: String = "jingle-sip-bridge",
        allow: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .update, .info], supported: [String] = [],
        inDialogRouting: SIPSessionConfiguration.InDialogRouting = .routeSet, credentials: SIPCredentials? = nil,
        random: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) {
        self.host = host
        self.port = port
        self.advertisedAddress = advertisedAddress
        self.contactUser = contactUser
        self.timers = timers
        self.userAgent = userAgent
        self.allow = allow
        self.supported = supported
        self.inDialogRouting = inDialogRouting
        self.credentials = credentials
        self.random = random
    }

    /// The endpoint configuration: same sockets, timers and capabilities.
    public var endpoint: SIPEndpoint.Configuration {
        SIPEndpoint.Configuration(
            host: host, port: port, timers: timers, userAgent: userAgent, allow: allow,
            supported: supported + ["timer"] + (reliableProvisionals ? ["100rel"] : []),
            streamListeners: streamListeners, idleTimeout: idleTimeout, streamThreshold: streamThreshold,
            tlsClient: tlsClient)
    }
}
