import NIOCore

/// Places and receives calls over a `SIPEndpoint` (UDP, TCP, TLS): the driver of `SIPInviteClientSession`
/// and `SIPInviteServerSession`. It routes what the endpoint's transaction layer delivers to the
/// sessions (responses by Call-ID and From tag, requests by Call-ID and To tag, CANCEL by the
/// INVITE's branch, ACKs for 2xx outside any transaction), answers 481 for requests in no dialog,
/// carries out the sessions' actions and keeps one timer per call armed for its deadline.
/// Registration clients can share its socket, and the endpoint keeps answering OPTIONS.
///
/// A call keeps one transport for its life: an outgoing call the transport recorded for its
/// destination with `SIPEndpoint.setPeer` (UDP when none), an incoming call the transport its
/// INVITE came over. Its Via names that transport and its Contact carries `transport=tcp|tls`
/// (a `sips:` Contact when the Request-URI is `sips:`, RFC 3261 8.1.1.8).
///
/// Confined to its event loop (call everything there); not `Sendable`.
public final class SIPUserAgent {
    /// The loop every call of this agent runs on.
    public let eventLoop: EventLoop
    /// The configuration.
    public let configuration: SIPUserAgentConfiguration
    /// The endpoint (sockets, connections and transaction layers).
    public let endpoint: SIPEndpoint
    /// Called for each new INVITE that passed `SIPInviteServerSession.check`. The application
    /// sets the call's `onEvent` and rings, answers or rejects it (now or later, on the loop).
    /// Without a handler, INVITEs get 480.
    public var onIncomingCall: ((SIPServerCall) -> Void)?
    /// Endpoint events no call or registration took (malformed datagrams, stray responses).
    public var onUnhandledEvent: ((SIPEndpoint.Event) -> Void)?

    /// Calls by Call-ID and local tag.
    private var calls: [CallKey: any SIPUserAgentCall] = [:]
    private var registrations: [SIPRegistrationClient] = []
    private var qualifiers: [SIPQualifyClient] = []

    struct CallKey: Hashable {
        var callID: String
        var localTag: String
    }

    /// Creates an agent; nothing is bound before `start()`.
    public init(configuration: SIPUserAgentConfiguration, eventLoop: EventLoop) {
        let router = Router()
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.endpoint = SIPEndpoint(configuration: configuration.endpoint, eventLoop: eventLoop) { event in
            router.userAgent?.handle(event)
        }
        router.userAgent = self
    }

    /// Binds the UDP socket and the TCP and TLS listeners.
    public func start() -> EventLoopFuture<Void> { endpoint.start() }

    /// Closes the socket, stops every call's timer and drops the calls' event closures (calls are
    /// not hung up: do that first; registrations are not stopped either).
    public func stop() -> EventLoopFuture<Void> {
        for call in calls.values { call.stopTimer() }
        calls = [:]
        return endpoint.stop()
    }

    /// The number of calls the agent still tracks (including ended ones within their 64*T1
    /// retransmission window).
    public var callCount: Int { calls.count }

    /// The host and port written in Via and Contact (see `advertisedAddress` in the
    /// configuration).
    public var advertisedAddress: SIPRegistrationConfiguration.Address { advertisedAddress(for: .udp) }

    /// The host and port written in Via and Contact for a transport: the port of its listener
    /// (the UDP port when it has none; an external address's port applies to UDP only).
    public func advertisedAddress(for transport: SIPTransport) -> SIPRegistrationConfiguration.Address {
        let udpPort =
            endpoint.localAddress?.port.map { UInt16(truncatingIfNeeded: $0) } ?? UInt16(clamping: configuration.port)
        let listenerPort = endpoint.localAddress(for: transport)?.port.map { UInt16(truncatingIfNeeded: $0) }
        let bound = transport == .udp ? udpPort : listenerPort ?? udpPort
        if let external = configuration.advertisedAddress {
            return .init(host: external.host, port: transport == .udp ? external.port ?? bound : bound)
        }
        let host = (try? SIPHost(parsing: configuration.host)) ?? .domain(configuration.host)
        return .init(host: host, port: bound)
    }

    /// What the UDP sessions of this agent are configured with.
    public var sessionConfiguration: SIPSessionConfiguration { sessionConfiguration(for: .udp) }

    /// What the sessions of this agent over `transport` are configured with: Via names the
    /// transport, Contact carries `transport=` (or is a `sips:` URI when `secure`).
    public func sessionConfiguration(for transport: SIPTransport, secure: Bool = false) -> SIPSessionConfiguration {
        let address = advertisedAddress(for: transport)
        var contact = SIPURI(scheme: secure && transport == .tls ? .sips : .sip, host: address.host, port: address.port)
        contact.user = configuration.contactUser
        if transport != .udp && contact.scheme == .sip { contact.transport = transport.rawValue }
        return SIPSessionConfiguration(
            contact: contact, viaHost: address.host, viaPort: address.port, transport: transport.viaName,
            timers: configuration.timers, userAgent: configuration.userAgent, allow: configuration.allow,
            supported: configuration.supported, inDialogRouting: configuration.inDialogRouting,
            sessionInterval: configuration.sessionInterval,
            minimumSessionInterval: configuration.minimumSessionInterval,
            reliableProvisionals: configuration.reliableProvisionals, random: configuration.random)
    }

    // MARK: - Calls

    /// Calls out: builds the INVITE from `parameters` (`SIPInviteClientSession.makeInvite`) and
    /// sends it to `destination`, over `transport` (nil: the transport recorded for the
    /// destination with `SIPEndpoint.setPeer`, else UDP). Events arrive on `onEvent`, on the loop.
    public func placeCall(
        _ parameters: SIPInviteParameters, to destination: SocketAddress, transport: SIPTransport? = nil,
        credentials: SIPCredentials? = nil, onEvent: @escaping (SIPSessionEvent) -> Void
    ) throws -> SIPClientCall {
        let configuration = callConfiguration(to: destination, transport: transport, requestURI: parameters.requestURI)
        let invite = SIPInviteClientSession.makeInvite(parameters, configuration: configuration)
        return try placeCall(
            invite: invite, to: destination, transport: transport, credentials: credentials, onEvent: onEvent)
    }

    /// Calls out with a prepared INVITE (see `SIPInviteClientSession.init`); throws when it
    /// lacks what a call needs. Its Via should name the transport (see the other `placeCall`).
    public func placeCall(
        invite: SIPMessage, to destination: SocketAddress, transport: SIPTransport? = nil,
        credentials: SIPCredentials? = nil, onEvent: @escaping (SIPSessionEvent) -> Void
    ) throws -> SIPClientCall {
        let requestURI = invite.requestURI ?? .sip(SIPURI(host: .domain("invalid")))
        let configuration = callConfiguration(to: destination, transport: transport, requestURI: requestURI)
        let session = try SIPInviteClientSession(
            invite: invite, peer: destination, configuration: configuration, credentials: credentials)
        let call = SIPClientCall(userAgent: self, session: session, onEvent: onEvent)
        calls[call.key] = call
        call.start()
        return call
    }

    /// Adds a registration client sharing this agent's socket; it is not started.
    public func addRegistration(
        _ configuration: SIPRegistrationConfiguration, registrar: SocketAddress,
        onStatus: @escaping (SIPRegistrationStatus) -> Void = { _ in }
    ) -> SIPRegistrationClient {
        let client = SIPRegistrationClient(
            configuration: configuration, endpoint: endpoint, registrar: registrar, onStatus: onStatus)
        registrations.append(client)
        return client
    }

    /// Adds an OPTIONS qualifier of `target` at `peer` sharing this agent's socket; it is not
    /// started.
    public func addQualify(
        target: SIPURI, peer: SocketAddress, interval: TimeAmount,
        onStatus: @escaping (SIPQualifyStatus) -> Void = { _ in }
    ) -> SIPQualifyClient {
        let transport = endpoint.peer(at: peer)?.transport ?? .udp
        let qualify = SIPQualify(
            target: target, interval: interval, configuration: sessionConfiguration(for: transport))
        let client = SIPQualifyClient(qualify: qualify, endpoint: endpoint, peer: peer, onStatus: onStatus)
        qualifiers.removeAll { $0.isStopped }
        qualifiers.append(client)
        return client
    }

    private func callConfiguration(to destination: SocketAddress, transport: SIPTransport?, requestURI: SIPAnyURI)
        -> SIPSessionConfiguration
    {
        let transport = transport ?? endpoint.peer(at: destination)?.transport ?? .udp
        return sessionConfiguration(for: transport, secure: requestURI.scheme == "sips")
    }

    func forget(_ key: CallKey) {
        calls[key] = nil
    }

    // MARK: - Routing

    private func handle(_ event: SIPEndpoint.Event) {
        for registration in registrations where registration.handle(event) { return }
        for qualifier in qualifiers where qualifier.handle(event) { return }
        switch event {
        case .request(let request, let source):
            route(request, from: source)
        case .response(let response):
            guard let id = SIPDialogID(receivedResponse: response),
                let call = calls[CallKey(callID: id.callID, localTag: id.localTag)]
            else {
                onUnhandledEvent?(event)
                return
            }
            call.receive(response: response)
        case .requestTimedOut(let request):
            guard let callID = (try? request.callID) ?? nil, let tag = ((try? request.from) ?? nil)?.tag,
                let call = calls[CallKey(callID: callID, localTag: tag)]
            else {
                onUnhandledEvent?(event)
                return
            }
            call.requestTimedOut(request)
        case .malformed:
            onUnhandledEvent?(event)
        }
    }

    private func route(_ request: SIPMessage, from source: SocketAddress) {
        guard let method = request.method, let callID = (try? request.callID) ?? nil else { return }
        if let toTag = ((try? request.to) ?? nil)?.tag {
            // In a dialog (or a CANCEL of a re-INVITE, which carries the To tag too).
            if let call = calls[CallKey(callID: callID, localTag: toTag)] {
                call.receive(request: request)
            } else if method != .ack {
                // 12.2.2: a request that matches no dialog.
                respond(to: request, status: 481)
            }
            return
        }
        switch method {
        case .invite:
            incomingCall(request, from: source)
        case .cancel:
            // 9.2: the CANCEL matches the INVITE's server transaction (same branch and sent-by).
            if let call = calls.values.first(where: { $0.matchesTransaction(of: request) }) {
                call.receive(request: request)
            } else {
                respond(to: request, status: 481)
            }
        case .ack:
            break
        case .bye, .update, .info, .prack:
            respond(to: request, status: 481)
        default:
            respond(to: request, status: 405)
        }
    }

    private func incomingCall(_ invite: SIPMessage, from source: SocketAddress) {
        // The call answers and calls back over the transport its INVITE came over.
        let transport = SIPEndpoint.transport(of: invite)
        let secure = invite.requestURI?.scheme == "sips"
        let sessionConfiguration = self.sessionConfiguration(for: transport, secure: secure)
        if let refusal = SIPInviteServerSession.check(invite, configuration: sessionConfiguration) {
            endpoint.respond(refusal, to: invite)
            return
        }
        // A retransmission whose transaction is gone: the call has it already.
        if calls.values.contains(where: { $0.matchesTransaction(of: invite) }) { return }
        // 8.2.2.2: the same request arriving again by another path (same Call-ID, From tag and
        // CSeq, other branch) is a merged request.
        if calls.values.contains(where: { $0.isMerged(with: invite) }) {
            respond(to: invite, status: 482)
            return
        }
        guard let onIncomingCall else {
            respond(to: invite, status: 480)
            return
        }
        guard
            let session = try? SIPInviteServerSession(
                invite: invite, source: source, configuration: sessionConfiguration,
                credentials: configuration.credentials)
        else {
            respond(to: invite, status: 400)
            return
        }
        let call = SIPServerCall(userAgent: self, session: session)
        calls[call.key] = call
        onIncomingCall(call)
    }

    private func respond(to request: SIPMessage, status: Int) {
        var response = SIPMessage.makeResponse(to: request, status: status)
        if status == 405 { response.headers.add(.allow, configuration.allow.map(\.rawValue).joined(separator: ", ")) }
        SIPSessionConfiguration.moveContentLengthLast(&response)
        endpoint.respond(response, to: request)
    }

    /// Carries out session actions for a call.
    func perform(_ actions: [SIPSessionAction], onEvent: ((SIPSessionEvent) -> Void)?) {
        for action in actions {
            switch action {
            case .sendRequest(let request, let destination): endpoint.send(request: request, to: destination)
            case .sendResponse(let response, let request): endpoint.respond(response, to: request)
            case .event(let event): onEvent?(event)
            }
        }
    }

    /// Lets the endpoint's callback, made before `self` exists, reach the agent.
    private final class Router {
        weak var userAgent: SIPUserAgent?
    }
}

/// What the agent needs from its two kinds of call handle.
protocol SIPUserAgentCall: AnyObject {
    var key: SIPUserAgent.CallKey { get }
    func receive(request: SIPMessage)
    func receive(response: SIPMessage)
    func requestTimedOut(_ request: SIPMessage)
    /// True for a CANCEL of this call's INVITE (server calls only).
    func matchesTransaction(of request: SIPMessage) -> Bool
    /// True when `invite` is this call's INVITE arriving by another path (RFC 3261 8.2.2.2).
    func isMerged(with invite: SIPMessage) -> Bool
    /// Stops the timer and drops the event closure (the agent is stopping).
    func stopTimer()
}
