/// `<sip>`: the SIP side of the bridge.
public struct SIPSettings: Sendable, Equatable {
    /// The listeners used when `<sip>` has no `<listen>`: UDP and TCP on
    /// `0.0.0.0:5060` (RFC 3261 requires both).
    public static let defaultListeners = [
        SIPListener(transport: .udp),
        SIPListener(transport: .tcp),
    ]

    /// `external-address`: IP address advertised in Via and Contact when the
    /// bridge is behind NAT. Default: none (use the local address).
    public var externalAddress: String?
    /// `t1`: RFC 3261 round-trip time estimate. Default 500 ms.
    public var t1: Duration = .milliseconds(500)
    /// `t2`: RFC 3261 maximum retransmit interval. Default 4000 ms.
    public var t2: Duration = .milliseconds(4000)
    /// `t4`: RFC 3261 maximum time a message stays in the network. Default 5000 ms.
    public var t4: Duration = .milliseconds(5000)
    /// `keepalive-interval`: interval of NAT keepalives toward trunks. Default 25 s.
    public var keepaliveInterval: Duration = .seconds(25)
    /// `user-agent`: the User-Agent / Server header. Default "jingle-sip-bridge".
    public var userAgent: String = "jingle-sip-bridge"
    /// `session-timer`: the RFC 4028 session interval in seconds asked of every call; refreshed
    /// at half of it (UPDATE when the peer allows it, else re-INVITE), and a call whose peer
    /// stops refreshing is hung up. 0 turns our own timer off (a peer asking for one still gets
    /// it). Default 1800; at least 90 otherwise.
    public var sessionTimer: Int = 1800
    /// `reliable-provisionals`: RFC 3262 100rel: PRACK the trunk's reliable 18x and send ours
    /// reliably when an INVITE requires it. Default true.
    public var reliableProvisionals = true
    /// `connection-idle-timeout`: a TCP or TLS connection that carries nothing for this long is
    /// closed. Default 120 s.
    public var connectionIdleTimeout: Duration = .seconds(120)
    /// `<listen>` elements; ``defaultListeners`` when there are none.
    public var listeners: [SIPListener] = SIPSettings.defaultListeners
    /// `<trunk>` elements, in file order.
    public var trunks: [TrunkConfiguration] = []
    /// `<route>` elements (outbound, XMPP to SIP), in file order; the first match wins.
    public var routes: [RouteConfiguration] = []
    /// `<inbound>` elements (SIP to XMPP), in file order; the first match wins.
    public var inbound: [InboundRoute] = []
    /// `<user>` elements: caller identities.
    public var users: [UserMapping] = []
    /// `<limits>`.
    public var limits: CallLimits = CallLimits()

    /// Creates settings with every value at its documented default.
    public init() {}

    /// The trunk with the given `name`, if any.
    public func trunk(named name: String) -> TrunkConfiguration? {
        trunks.first { $0.name == name }
    }
}
