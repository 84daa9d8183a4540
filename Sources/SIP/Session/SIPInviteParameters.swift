/// What an outgoing call's initial INVITE is made of (RFC 3261 8.1.1, 13.2.1), for
/// `SIPInviteClientSession.makeInvite(_:configuration:)` and `SIPUserAgent.placeCall`.
public struct SIPInviteParameters: Sendable {
    /// The Request-URI (the callee, at the trunk).
    public var requestURI: SIPAnyURI
    /// The From address (our identity); the session adds the tag.
    public var from: SIPNameAddress
    /// The To address (the callee), without tag.
    public var to: SIPNameAddress
    /// The SDP offer.
    public var sdp: [UInt8]
    /// A pre-loaded route set (an outbound proxy), written as Route headers in this order.
    public var routes: [SIPNameAddress]
    /// More header fields (P-Asserted-Identity, Privacy, ...), added as given.
    public var extraHeaders: SIPHeaders
    /// The Call-ID; nil makes a random one.
    public var callID: String?

    /// Creates parameters; `to` defaults to the Request-URI.
    public init(
        requestURI: SIPAnyURI, from: SIPNameAddress, to: SIPNameAddress? = nil, sdp: [UInt8],
        routes: [SIPNameAddress] = [], extraHeaders: SIPHeaders = [], callID: String? = nil
    ) {
        self.requestURI = requestURI
        self.from = from
        self.to = to ?? SIPNameAddress(uri: requestURI)
        self.sdp = sdp
        self.routes = routes
        self.extraHeaders = extraHeaders
        self.callID = callID
    }
}
