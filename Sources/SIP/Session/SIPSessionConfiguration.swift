import NIOCore

/// What a call session needs to know about us: the address it advertises in Via and Contact,
/// the timers, the headers describing our capabilities, where in-dialog requests go, and the
/// randomness of the glare back-off (injected so tests control it).
public struct SIPSessionConfiguration: Sendable {
    /// Where requests inside a dialog are sent.
    public enum InDialogRouting: Hashable, Sendable {
        /// Always to the peer the call was set up with (the trunk or outbound proxy).
        case peer
        /// To the next hop of the dialog (first route, else remote target, RFC 3261 12.2.1.1)
        /// when its host is an IP address; to the peer when it is a name (no DNS here).
        case routeSet
    }

    /// Our Contact URI (the advertised address: never a private bind address behind NAT).
    public var contact: SIPURI
    /// The sent-by host of our Via.
    public var viaHost: SIPHost
    /// The sent-by port of our Via; nil leaves it out.
    public var viaPort: UInt16?
    /// The Via transport ("UDP").
    public var transport: String
    /// RFC 3261 timers; T1 paces 2xx retransmission, 64*T1 bounds waits for ACK and CANCEL.
    public var timers: SIPTimers
    /// User-Agent (requests) and Server (responses) header value; nil leaves them out.
    public var userAgent: String?
    /// The methods listed in Allow.
    public var allow: [SIPMethod]
    /// The option tags we support (Supported; a Require outside this list gets 420).
    public var supported: [String]
    /// Where in-dialog requests go.
    public var inDialogRouting: InDialogRouting
    /// The session interval (RFC 4028) we ask for in seconds, nil for no session timer of our
    /// own; a peer that asks for one still gets it. With it, Supported lists `timer`.
    public var sessionInterval: UInt32?
    /// The smallest session interval we accept or use (Min-SE, RFC 4028 5): 90 by that RFC, lower only
    /// for tests that need quick refreshes.
    public var minimumSessionInterval: UInt32
    /// Reliable provisional responses (RFC 3262): we PRACK the peer's, and send ours reliably
    /// when the INVITE requires it. With it, Supported lists `100rel`.
    public var reliableProvisionals: Bool
    /// Returns a uniformly random integer in the range (the glare timer of RFC 3261 14.1 asks
    /// for one in units of 10 ms).
    public var random: @Sendable (ClosedRange<Int>) -> Int

    /// Creates a configuration. Without `viaHost`, Via takes the host and port of `contact`.
    public init(
        contact: SIPURI, viaHost: SIPHost? = nil, viaPort: UInt16? = nil, transport: String = "UDP",
        timers: SIPTimers = SIPTimers(), userAgent: String? = "jingle-sip-bridge",
        allow: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .update, .info], supported: [String] = [],
        inDialogRouting: InDialogRouting = .routeSet, sessionInterval: UInt32? = nil,
        minimumSessionInterval: UInt32 = 90, reliableProvisionals: Bool = false,
        random: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) {
        self.contact = contact
        self.viaHost = viaHost ?? contact.host
        self.viaPort = viaHost == nil ? contact.port : viaPort
        self.transport = transport
        self.timers = timers
        self.userAgent = userAgent
        self.allow = allow
        self.supported = supported
        self.inDialogRouting = inDialogRouting
        self.sessionInterval = sessionInterval
        self.minimumSessionInterval = max(1, minimumSessionInterval)
        self.reliableProvisionals = reliableProvisionals
        self.random = random
    }

    /// A Via for a new client transaction: our sent-by, a fresh RFC 3261 branch, `rport`
    /// (RFC 3581) so that responses find us behind NAT.
    public func makeVia() -> SIPVia {
        SIPVia(
            transport: transport, host: viaHost, port: viaPort,
            branch: SIPVia.magicCookie + DigestAlgorithm.randomHex(12), parameters: ["rport": nil])
    }

    /// A new tag (RFC 3261 19.3: at least 32 random bits).
    public static func makeTag() -> String { DigestAlgorithm.randomHex(8) }

    /// The option tags we support: `supported`, `timer` (we always honour a peer's session timer, even
    /// without one of our own) and `100rel` when enabled.
    public var optionTags: [String] {
        var tags = supported
        func add(_ tag: String) {
            if !tags.contains(where: { SIPGrammar.equalsIgnoringCase($0, tag) }) { tags.append(tag) }
        }
        add("timer")
        if reliableProvisionals { add("100rel") }
        return tags
    }

    /// Adds Allow, Supported and User-Agent or Server.
    func addCapabilities(to message: inout SIPMessage) {
        message.headers.add(.allow, allow.map(\.rawValue).joined(separator: ", "))
        let tags = optionTags
        if !tags.isEmpty { message.headers.add(.supported, tags.joined(separator: ", ")) }
        if let userAgent { message.headers.add(message.isRequest ? .userAgent : "Server", userAgent) }
    }

    /// Our Contact header value.
    var contactHeader: String { SIPNameAddress(uri: contact).description }

    /// Where a request in `dialog` goes (see `InDialogRouting`).
    func destination(in dialog: SIPDialog, peer: SocketAddress) -> SocketAddress {
        guard inDialogRouting == .routeSet, case .sip(let uri) = dialog.nextHopURI, uri.host.isIPAddress else {
            return peer
        }
        let host = uri.maddr ?? uri.host.address
        let port = Int(uri.port ?? (uri.scheme == .sips ? 5061 : 5060))
        return (try? SocketAddress(ipAddress: host, port: port)) ?? peer
    }
}
