import Foundation
import Jingle
import Logging
import Media
import NIOCore
import XMPPComponent
import XMPPCore

/// Every call of the bridge, on the component's event loop: takes Jingle IQs and JMI messages addressed
/// to the component's contacts, creates calls, allocates their media on a media loop and ends them.
///
/// Built-in extensions (`echo@domain`) need no SIP trunk, so a new deployment can be checked with one call.
final class CallManager {
    /// The resource our side of every call uses: JMI replies come from `number@domain/bridge`, and the
    /// client sends its session-initiate there (XEP-0353 section 3.4).
    static let resource = "bridge"

    struct Counters {
        var total = 0
        var failed: [String: Int] = [:]
    }

    let component: XMPPComponent
    let mediaGroup: any EventLoopGroup
    let certificate: DTLSCertificate
    let logger: Logger
    var media: MediaSettings
    var limits: CallLimits
    var ports: RTPPortAllocator
    /// When each user's recent calls started, for `calls-per-minute`.
    private var callStarts: [JID: [NIODeadline]] = [:]
    /// Whether a JID may place calls (the `<access>` policy).
    var isAllowed: (JID) -> Bool = { _ in false }
    /// Presence with caps from a contact to a user, so clients see Jingle support (XEP-0115).
    var presenceWithCaps: (JID, JID) -> XMLElement = { from, to in XMLElement.presence(from: from, to: to) }

    /// Where finished calls are recorded.
    var store: BridgeStore?
    /// The SIP side; nil when no UDP listener is configured (built-in extensions still work).
    var sip: SIPGateway?
    var routing: OutboundRouting
    /// The `<sip>` settings, for inbound routing.
    var sipSettings = SIPSettings()
    var calls: [String: Call] = [:]
    /// Keys the stateless nonces of Digest challenges to inbound INVITEs (`InboundAuthentication`).
    let digestSecret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    /// `<media><stun server>` resolved: each call gathers a server-reflexive candidate from it.
    private(set) var stunServers: [TransportAddress] = []
    private(set) var recent: [Call] = []
    var counters = Counters()

    init(
        component: XMPPComponent, mediaGroup: any EventLoopGroup, media: MediaSettings, limits: CallLimits,
        certificate: DTLSCertificate, logger: Logger
    ) throws {
        self.component = component
        self.mediaGroup = mediaGroup
        self.media = media
        self.limits = limits
        self.routing = OutboundRouting(settings: SIPSettings())
        self.certificate = certificate
        self.logger = logger
        guard let low = UInt16(exactly: media.rtpPorts.lowerBound), let high = UInt16(exactly: media.rtpPorts.upperBound)
        else { throw MediaError(.invalidConfiguration, "rtp-ports \(media.rtpPorts) is outside 1-65535") }
        // Shuffled: a restarted bridge (or a neighbour using the same range) rarely meets a port in use.
        var generator = SystemRandomNumberGenerator()
        self.ports = RTPPortAllocator(range: try RTPPortRange(lower: low, upper: high), using: &generator)
        resolveSTUNServer()
    }

    /// An IP address is used as it is; a name is looked up once off the event loops (getaddrinfo blocks)
    /// and used by calls from then on. A name that does not resolve is logged and ICE goes on without it.
    private func resolveSTUNServer() {
        guard let server = media.stun, let port = UInt16(exactly: server.port) else { return }
        if let address = TransportAddress(server.host, port: port) {
            stunServers = [address]
            return
        }
        let managerBox = NIOLoopBound(self, eventLoop: component.eventLoop)
        let loop = component.eventLoop
        let logger = logger
        Thread.detachNewThread {
            let resolved = (try? SocketAddress.makeAddressResolvingHost(server.host, port: server.port))
                .flatMap { $0.ipAddress }.flatMap { TransportAddress($0, port: port) }
            loop.execute {
                guard let resolved else {
                    return logger.error("STUN server \(server) does not resolve; no server-reflexive candidates")
                }
                logger.info("STUN server \(server) is \(resolved)")
                managerBox.value.stunServers = [resolved]
            }
        }
    }

    func install(on router: StanzaRouter) {
        router.registerIQ(namespace: JingleNamespace.jingle) { [weak self] iq, responder in
            self?.handleJingle(iq, responder: responder)
        }
        router.onMessage { [weak self] message in self?.handleMessage(message) }
        router.onPresence { [weak self] presence in self?.handlePresence(presence) }
    }

    var activeCount: Int { calls.count }

    // MARK: Stanzas

    private func handleJingle(_ iq: XMLElement, responder: IQResponder) {
        guard let payload = try? JinglePayload.find(in: iq) else {
            return responder.error(.badRequest("the IQ carries no valid <jingle/> element"))
        }
        if let call = calls[payload.sid] {
            guard iq.from == call.caller else {
                return responder.error(JingleErrorCondition.unknownSession.stanzaError)
            }
            return handleSessionIQ(iq, call: call)
        }
        guard payload.action == .sessionInitiate, let from = iq.from, let to = iq.to else {
            return responder.error(JingleErrorCondition.unknownSession.stanzaError)
        }
        guard isAllowed(from) else {
            logger.notice("refused call from \(from) to \(to): not allowed by <access>")
            return responder.error(StanzaError(.auth, "forbidden", text: "you are not allowed to call through this bridge"))
        }
        let farEnd: Call.FarEnd
        switch resolveFarEnd(to, caller: from) {
        case .success(let resolved): farEnd = resolved
        case .failure(let refusal):
            logger.notice("refused call from \(from) to \(to): \(refusal)")
            return responder.error(StanzaError(.cancel, "item-not-found", text: refusal.description))
        }
        if let refusal = admissionRefusal(for: from) {
            logger.notice("refused call from \(from) to \(to): \(Self.describe(refusal))")
            return responder.error(StanzaError(.wait, "resource-constraint", text: refusal.text))
        }
        let call = Call(sid: payload.sid, farEnd: farEnd, caller: from, callee: to, now: component.eventLoop.now)
        counters.total += 1
        calls[call.sid] = call
        logger.info("call \(call.sid): session-initiate from \(from) to \(to) (\(farEnd))")
        let (session, actions) = JingleSession.receiveInitiate(iq)
        call.session = session
        perform(actions, call: call)
    }

    private func handleSessionIQ(_ iq: XMLElement, call: Call) {
        if call.session == nil, var proposal = call.proposal {
            guard let (session, actions) = proposal.startSession(iq) else {
                component.send(iq.errorReply(JingleErrorCondition.unknownSession.stanzaError))
                return
            }
            call.proposal = proposal
            call.session = session
            return perform(actions, call: call)
        }
        guard var session = call.session else { return }
        let actions = session.handle(iq)
        call.session = session
        perform(actions, call: call)
    }

    private func handleMessage(_ message: XMLElement) {
        guard message.type != "error" else { return handleBounce(message) }
        guard let jmi = try? JingleMessage.find(in: message) else { return }
        if let call = calls[jmi.id] {
            if call.outgoingProposal != nil { return handleOutgoingProposalMessage(message, call: call) }
            guard var proposal = call.proposal else { return }
            let actions = proposal.handle(message)
            call.proposal = proposal
            for action in actions {
                switch action {
                case .send(let stanza): component.send(stanza)
                case .event(.retracted(let reason)):
                    logger.info("call \(call.sid): retracted by \(call.caller)")
                    end(call, reason: reason ?? JingleReason(.cancel), notifyPeer: false)
                case .event(.finished(let reason)):
                    end(call, reason: reason ?? JingleReason(.success), notifyPeer: true)
                }
            }
            return
        }
        guard case .propose = jmi.kind, let from = message.from, let to = message.to else { return }
        // Our replies come from a full JID so the client sends its session-initiate there.
        var addressed = message
        let local = (try? to.bare.with(resource: Self.resource)) ?? to
        addressed[attribute: "to"] = local.description
        let proposal: JingleIncomingProposal
        do {
            guard let parsed = try JingleIncomingProposal(message: addressed) else { return }
            proposal = parsed
        } catch {
            logger.notice("malformed propose from \(from): \(error)")
            return
        }
        var incoming = proposal
        guard isAllowed(from) else {
            logger.notice("refused proposed call from \(from) to \(to): not allowed by <access>")
            let reason = JingleReason(.decline, text: "you are not allowed to call through this bridge")
            if let actions = try? incoming.reject(reason: reason) { sendAll(actions) }
            return
        }
        let farEnd: Call.FarEnd
        switch resolveFarEnd(to, caller: from) {
        case .success(let resolved): farEnd = resolved
        case .failure(let refusal):
            logger.notice("refused proposed call from \(from) to \(to): \(refusal)")
            let reason = JingleReason(.connectivityError, text: refusal.description)
            if let actions = try? incoming.reject(reason: reason) { sendAll(actions) }
            return
        }
        if let refusal = admissionRefusal(for: from) {
            logger.notice("refused proposed call from \(from) to \(to): \(Self.describe(refusal))")
            if let actions = try? incoming.reject(reason: refusal) { sendAll(actions) }
            return
        }
        let call = Call(sid: proposal.id, farEnd: farEnd, caller: from, callee: local, now: component.eventLoop.now)
        counters.total += 1
        calls[call.sid] = call
        logger.info("call \(call.sid): propose from \(from) to \(to) (\(farEnd))")
        // Directed presence with caps first: clients check the callee's Jingle support (XEP-0115).
        component.send(presenceWithCaps(local, from))
        guard let actions = try? incoming.proceed() else { return }
        call.proposal = incoming
        call.state = .proceeding
        sendAll(actions)
    }

    /// The device in a call went unavailable: it may come back (XEP-0198 resumption, a network change),
    /// so the call waits `offline-grace` before hanging up; presence from it again cancels that.
    private func handlePresence(_ presence: XMLElement) {
        guard let from = presence.from, !from.isBare else { return }
        let unavailable = presence.type == "unavailable"
        guard unavailable || presence.type == nil else { return }
        for call in calls.values where call.caller == from && call.session != nil {
            if unavailable {
                guard call.offlineTimer == nil else { continue }
                logger.info("call \(call.sid): \(from) went unavailable; waiting \(limits.offlineGrace)")
                let sid = call.sid
                call.offlineTimer = component.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.offlineGrace)) {
                    [weak self] in
                    guard let self, let call = self.calls[sid] else { return }
                    self.logger.info("call \(sid): \(from) did not come back")
                    self.terminate(call, reason: JingleReason(.gone, text: "the device went offline"))
                }
            } else if let timer = call.offlineTimer {
                timer.cancel()
                call.offlineTimer = nil
                logger.info("call \(call.sid): \(from) is back")
            }
        }
    }

    /// A JMI message of ours bounced: the device is gone.
    private func handleBounce(_ message: XMLElement) {
        guard let jmi = try? JingleMessage.find(in: message), let call = calls[jmi.id], call.session == nil else { return }
        if call.outgoingProposal != nil { return handleOutgoingProposalMessage(message, call: call) }
        end(call, reason: JingleReason(.connectivityError, text: "the caller's device is unreachable"), notifyPeer: false)
    }

    private func sendAll(_ actions: [JingleIncomingProposal.Action]) {
        for case .send(let stanza) in actions { component.send(stanza) }
    }

    /// The `<limits>` check for a new call from `caller`: nil to go ahead, else the reason to refuse with.
    func admissionRefusal(for caller: JID) -> JingleReason? {
        let now = component.eventLoop.now
        let user = caller.bare
        if calls.count >= limits.calls {
            return JingleReason(.busy, text: "the bridge is at its limit of \(limits.calls) concurrent calls")
        }
        if calls.values.filter({ $0.caller.bare == user }).count >= limits.callsPerUser {
            return JingleReason(.busy, text: "you already have \(limits.callsPerUser) calls through this bridge")
        }
        let recent = (callStarts[user] ?? []).filter { now - $0 < .seconds(60) }
        guard recent.count < limits.callsPerMinute else {
            callStarts[user] = recent
            return JingleReason(.busy, text: "more than \(limits.callsPerMinute) calls in a minute; try again shortly")
        }
        callStarts[user] = recent + [now]
        return nil
    }

    /// What a call to `jid` reaches: a built-in extension, or a SIP destination through a route.
    func resolveFarEnd(_ jid: JID, caller: JID) -> Result<Call.FarEnd, OutboundRouting.Refusal> {
        guard let localpart = jid.localpart else { return .failure(.noRoute(jid.description)) }
        if localpart.lowercased() == "echo" { return .success(.echo) }
        if localpart.lowercased() == "tone" { return .success(.tone) }
        guard let sip else { return .failure(.noRoute("\(localpart) (no SIP listener configured)")) }
        guard sip.isRunning else { return .failure(.noRoute("\(localpart) (the SIP listener is not running; see the log)")) }
        do {
            return .success(.sip(try routing.route(localpart: localpart, caller: caller)))
        } catch {
            return .failure(error)
        }
    }

    // MARK: Session actions and events

    func perform(_ actions: [JingleSession.Action], call: Call) {
        for action in actions {
            switch action {
            case .send(let stanza):
                if stanza.name == "iq", stanza.type == "set" {
                    request(stanza, call: call)
                } else {
                    component.send(stanza)
                }
            case .event(let event):
                handle(event, call: call)
            }
        }
    }

    /// Sends one of the session's IQ-sets and feeds the answer back into the session.
    private func request(_ iq: XMLElement, call: Call) {
        component.request(iq).assumeIsolated().whenComplete { [weak self] result in
            guard let self, var session = call.session else { return }
            let response: XMLElement
            switch result {
            case .success(let result): response = result
            case .failure(let error):
                response = iq.errorReply(error as? StanzaError ?? StanzaError(.cancel, "remote-server-timeout"))
            }
            let actions = session.handle(response)
            call.session = session
            self.perform(actions, call: call)
        }
    }

    private func handle(_ event: JingleSession.Event, call: Call) {
        switch event {
        case .incoming(let payload):
            switch call.farEnd {
            case .echo: startEcho(call, offer: payload.contents)
            case .tone: startTone(call, offer: payload.contents)
            case .sip(let decision): startOutbound(call, offer: payload.contents, decision: decision)
            case .inbound: break  // we initiate inbound sessions; a session-initiate cannot reach one
            }
        case .transportInfo(_, let transport):
            let candidates = transport.candidates.compactMap(JingleMediaOffer.mediaCandidate)
            call.media?.execute { media in
                media.withSecureTransport(.jingle) { secure in
                    for candidate in candidates { secure.addRemoteCandidate(candidate) }
                }
            }
        case .terminated(let reason):
            logger.info("call \(call.sid): session-terminate from \(call.caller): \(reason.map(Self.describe) ?? "no reason")")
            end(call, reason: reason ?? JingleReason(.success), notifyPeer: false)
        case .ended(let reason):
            end(call, reason: reason, notifyPeer: false)
        case .requestFailed(let action, let error):
            logger.warning("call \(call.sid): \(action) failed: \(error)")
            if action == .sessionAccept {
                end(call, reason: JingleReason(.failedApplication, text: "session-accept refused"), notifyPeer: false)
            }
        case .info(let info):
            switch info {
            case .hold: clientHold(call, held: true)
            case .unhold, .active: clientHold(call, held: false)
            default: logger.debug("call \(call.sid): session-info \(info) (nothing to do)")
            }
        case .accepted(let payload):
            if case .inbound = call.farEnd { inboundAccepted(call, answer: payload.contents) }
        case .iceRestart, .contentAddRequested, .contentAccepted, .contentRejected, .contentRemoved,
            .contentModified, .descriptionInfo, .securityInfo, .lostTieBreak:
            logger.debug("call \(call.sid): \(event) ignored")
        }
    }

    // MARK: Media

    /// The echo extension: answer at once and loop the caller's media back.
    private func startEcho(_ call: Call, offer contents: [JingleContent]) {
        guard let offer = parseOffer(call, contents) else { return }
        let codec = offer.codecs[0]
        call.codec = codec.name ?? "PT \(codec.id)"
        var payloadTypes: [UInt8: UInt8] = [codec.id: codec.id]
        if let event = offer.telephoneEvent { payloadTypes[event.id] = event.id }
        let map = payloadTypes
        setUpMedia(call, offer: offer, sipLeg: false) { [weak self] setup in
            guard let self else { return }
            setup.handle.execute { media in
                media.setPayloadTypeMap(on: .jingle, map)
                media.setMode(.echo(.jingle))
            }
            self.accept(call, offer: offer, codec: codec, setup: setup)
        }
    }

    /// The tone extension: answer and send a 1 kHz tone in the client's favourite codec.
    private func startTone(_ call: Call, offer contents: [JingleContent]) {
        guard let offer = parseOffer(call, contents) else { return }
        guard let (codec, audio) = offer.codecs.lazy.compactMap({ pt in AudioCodec(pt).map { (pt, $0) } }).first else {
            return terminate(call, reason: JingleReason(.failedApplication, text: "no codec the tone can be encoded in"))
        }
        call.codec = codec.name
        setUpMedia(call, offer: offer, sipLeg: false) { [weak self] setup in
            guard let self else { return }
            setup.handle.execute { media in
                try? media.startTone(on: .jingle, codec: audio, payloadType: codec.id, frequency: 1000)
            }
            self.accept(call, offer: offer, codec: codec, setup: setup)
        }
    }

    func parseOffer(_ call: Call, _ contents: [JingleContent]) -> JingleMediaOffer? {
        do {
            return try JingleMediaOffer(contents: contents)
        } catch {
            logger.notice("call \(call.sid): refusing the offer: \(error)")
            terminate(call, reason: error.reason)
            return nil
        }
    }

    /// Binds the call's media on a media loop: the Jingle leg (ICE + DTLS-SRTP toward the client, set up
    /// from its offer) and, for SIP calls, the plain RTP leg. Continues on the component loop; on failure
    /// the call is terminated with a reason.
    func setUpMedia(
        _ call: Call, offer: JingleMediaOffer?, sipLeg: Bool, attempt: Int = 1,
        then body: @escaping (MediaSetup) -> Void
    ) {
        let allocation: RTPPortAllocator.Allocation
        var sipAllocation: RTPPortAllocator.Allocation?
        if ports.availableCount < (sipLeg ? 2 : 1) { ports.restoreUnusable() }
        do {
            allocation = try ports.allocate()
            call.ports = allocation
            if sipLeg {
                sipAllocation = try ports.allocate()
                call.sipPorts = sipAllocation
            }
        } catch {
            logger.error("call \(call.sid): no media port free in \(media.rtpPorts): \(error)")
            return terminate(call, reason: JingleReason(.generalError, text: "the bridge has no media port free"))
        }
        call.state = .connecting
        var ice = ICEConfiguration()
        // The offerer controls (RFC 8445 section 6.1.1): the client when it offered, else we do.
        ice.role = offer == nil ? .controlling : .controlled
        ice.lite = media.iceLite
        ice.stunServers = stunServers
        let iceConfiguration = ice
        let certificate = self.certificate
        let bindAddress = media.bindAddress
        let advertised = media.publicAddress.flatMap { TransportAddress($0, port: 0) }
        let remote = offer.map { offer in
            (credentials: ICECredentials(ufrag: offer.transport.ufrag!, password: offer.transport.pwd!),
             candidates: offer.remoteCandidates, fingerprints: offer.fingerprints,
             role: offer.localSetup == .active ? DTLSRole.client : .server)
        }
        let loop = mediaGroup.next()
        let componentLoop = component.eventLoop
        let sid = call.sid
        let managerBox = NIOLoopBound(self, eventLoop: componentLoop)
        let timeout = TimeAmount(limits.rtpTimeout)
        let sipPorts = sipAllocation
        let setup = loop.flatSubmit { () -> EventLoopFuture<MediaSetup> in
            let callMedia = CallMedia(eventLoop: loop, inactivityTimeout: timeout)
            callMedia.onEvent = { event in
                componentLoop.execute { managerBox.value.mediaEvent(event, sid: sid) }
            }
            let transport = SecureMediaTransport(ice: iceConfiguration, certificate: certificate)
            var bound = callMedia.addLeg(
                .jingle, transport: .secure(transport), bindAddress: bindAddress, port: Int(allocation.rtpPort),
                advertisedAddress: advertised
            ).map { _ -> TransportAddress? in nil }
            if let sipAllocation = sipPorts {
                bound = bound.assumeIsolated().flatMap { _ in
                    callMedia.addLeg(
                        .sip, transport: .plain(PlainRTPTransport()), bindAddress: bindAddress,
                        port: Int(sipAllocation.rtpPort), rtcpPort: Int(sipAllocation.rtcpPort)
                    ).map { Optional($0) }
                }.nonisolated()
            }
            return bound.assumeIsolated().flatMapError { error in
                // Release whatever did bind before reporting the failure.
                callMedia.close().flatMapThrowing { throw error }
            }.map { sipAddress in
                if let remote {
                    callMedia.withSecureTransport(.jingle) { secure in
                        secure.setRemoteCredentials(remote.credentials)
                        for candidate in remote.candidates { secure.addRemoteCandidate(candidate) }
                        secure.setRemoteFingerprints(remote.fingerprints, now: loop.now)
                        secure.setDTLSRole(remote.role, now: loop.now)
                    }
                }
                return MediaSetup(
                    handle: MediaHandle(loop: loop, media: NIOLoopBound(callMedia, eventLoop: loop)),
                    credentials: transport.ice.localCredentials, candidates: transport.ice.localCandidates,
                    sipAddress: sipAddress.map { local in
                        advertised.map { TransportAddress(ip: $0.ip, port: local.port) } ?? local
                    })
            }.nonisolated()
        }
        setup.hop(to: componentLoop).assumeIsolated().whenComplete { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(var setup):
                call.media = setup.handle
                // Candidates gathered while the set-up hopped here (a STUN answer on loopback is that fast).
                setup.candidates += call.earlyCandidates.filter { !setup.candidates.contains($0) }
                call.earlyCandidates = []
                call.setup = setup
                guard call.state == .connecting else { return self.releaseMedia(call) }
                body(setup)
            case .failure(let error):
                // Another process holds the port: take the pair out of circulation and try another.
                if let io = error as? IOError, io.errnoCode == EADDRINUSE, attempt < 5, call.state == .connecting {
                    self.logger.warning("call \(call.sid): media port in use by another process, trying another")
                    for allocation in [call.ports, call.sipPorts].compactMap({ $0 }) {
                        try? self.ports.markUnusable(allocation)
                    }
                    call.ports = nil
                    call.sipPorts = nil
                    return self.setUpMedia(call, offer: offer, sipLeg: sipLeg, attempt: attempt + 1, then: body)
                }
                self.logger.error("call \(call.sid): media setup failed: \(error)")
                self.terminate(call, reason: JingleReason(.generalError, text: "media setup failed: \(error)"))
            }
        }
    }

    /// Sends session-accept with our ICE/DTLS answer in `codec`.
    func accept(_ call: Call, offer: JingleMediaOffer, codec: JinglePayloadType, setup: MediaSetup, early: Bool = false) {
        guard var session = call.session else { return }
        let answer = offer.answer(
            codec: codec, credentials: setup.credentials, candidates: setup.candidates,
            fingerprint: certificate.fingerprint)
        do {
            let actions = try session.accept(contents: [answer])
            call.session = session
            call.transportSignalled = true
            call.state = .active
            if !early {
                call.answeredAt = component.eventLoop.now
                call.ringTimer?.cancel()
            }
            logger.info("call \(call.sid): accepted with \(codec.name ?? "PT \(codec.id)")\(early ? " (early media)" : "")")
            perform(actions, call: call)
        } catch {
            logger.error("call \(call.sid): cannot accept: \(error)")
            terminate(call, reason: JingleReason(.generalError, text: "\(error)"))
        }
    }

    struct MediaSetup: Sendable {
        let handle: MediaHandle
        let credentials: ICECredentials
        /// Our candidates so far; server-reflexive ones gathered before our transport is signalled join.
        var candidates: [Media.ICECandidate]
        /// The SIP leg's address as the SIP peer must see it (the public address behind NAT).
        let sipAddress: TransportAddress?
    }

    func mediaEvent(_ event: CallMedia.Event, sid: String) {
        guard let call = calls[sid] else { return }
        switch event {
        case .transport(_, .securityFailed(let error)):
            logger.warning("call \(sid): DTLS failed: \(error)")
            terminate(call, reason: JingleReason(.securityError, text: error.reason))
        case .transport(_, .consentLost):
            logger.warning("call \(sid): ICE consent lost")
            terminate(call, reason: JingleReason(.failedTransport, text: "ICE consent lost (RFC 7675)"))
        case .transport(_, .iceStateChanged(.failed)):
            logger.warning("call \(sid): ICE failed")
            terminate(call, reason: JingleReason(.failedTransport, text: "no ICE candidate pair works"))
        case .transport(_, .secured(let profile)):
            logger.info("call \(sid): media secured with \(profile)")
        case .transport(_, .selectedPairChanged(let pair)):
            logger.info("call \(sid): ICE selected \(pair)")
        case .inactive(let leg):
            logger.warning("call \(sid): no RTP on the \(leg) leg")
            terminate(call, reason: JingleReason(.failedTransport, text: "no media received"))
        case .transport(.jingle, .gatheringComplete):
            logger.debug("call \(sid): ICE gathering complete")
        case .transport(.jingle, .localCandidate(let candidate)):
            logger.debug("call \(sid): local candidate \(candidate)")
            if candidate.kind != .host { trickle(candidate, call: call) }
        case .transport, .latched:
            break
        }
    }

    /// A candidate gathered after set-up (server-reflexive, from `<stun>`): part of our transport when
    /// that is not signalled yet, else sent in a transport-info (XEP-0176 section 2.2, trickle ICE).
    func trickle(_ candidate: Media.ICECandidate, call: Call) {
        guard var setup = call.setup else { return call.earlyCandidates.append(candidate) }
        guard !setup.candidates.contains(candidate) else { return }
        setup.candidates.append(candidate)
        call.setup = setup
        guard call.transportSignalled, var session = call.session else { return }
        let transport = JingleICEUDPTransport(
            ufrag: setup.credentials.ufrag, pwd: setup.credentials.password,
            candidates: [JingleMediaOffer.jingleCandidate(candidate, id: "c\(setup.candidates.count - 1)")])
        let content = session.contents.first?.name ?? "0"
        do {
            let actions = try session.sendTransportInfo(content: content, transport: transport)
            call.session = session
            logger.info("call \(call.sid): trickled \(candidate.kind) candidate \(candidate.address)")
            perform(actions, call: call)
        } catch {
            logger.warning("call \(call.sid): cannot send transport-info: \(error)")
        }
    }

    // MARK: Ending

    /// Ends a call from our side: session-terminate to the client, then cleanup.
    func terminate(_ call: Call, reason: JingleReason) {
        if var session = call.session {
            let actions = session.terminate(reason: reason)
            call.session = session
            perform(actions, call: call)
        } else if var proposal = call.proposal, proposal.state == .proposed {
            if let actions = try? proposal.reject(reason: reason) { sendAll(actions) }
            call.proposal = proposal
        }
        end(call, reason: reason, notifyPeer: true)
    }

    func end(_ call: Call, reason: JingleReason, notifyPeer: Bool) {
        guard call.state != .ended else { return }
        call.state = .ended
        call.endReason = reason
        call.endedAt = component.eventLoop.now
        if var proposal = call.proposal {
            sendAll(proposal.finish(reason: reason))
            call.proposal = proposal
        }
        if reason.condition != .success {
            counters.failed[reason.condition.name, default: 0] += 1
        }
        calls[call.sid] = nil
        call.offlineTimer?.cancel()
        endSIP(call, reason: reason)
        endInboundSIP(call, reason: reason)
        recent.append(call)
        if recent.count > 100 { recent.removeFirst(recent.count - 100) }
        logger.info("call \(call.sid) ended: \(Self.describe(reason))")
        releaseMedia(call)
    }

    func releaseMedia(_ call: Call) {
        let ports = [call.ports, call.sipPorts].compactMap { $0 }
        call.ports = nil
        call.sipPorts = nil
        guard let handle = call.media else {
            for allocation in ports { try? self.ports.release(allocation) }
            if call.state == .ended { record(call) }
            return
        }
        call.media = nil
        let managerBox = NIOLoopBound(self, eventLoop: component.eventLoop)
        let componentLoop = component.eventLoop
        handle.submit { media in
            let statistics = media.statistics()
            _ = media.close()
            return statistics
        }.hop(to: componentLoop).assumeIsolated().whenComplete { result in
            if case .success(let statistics) = result { call.statistics = statistics }
            managerBox.value.record(call)
            // The sockets are closed by now (close runs before the next loop tick); the ports can go back.
            for allocation in ports { try? managerBox.value.ports.release(allocation) }
        }
    }

    /// Writes the finished call to the store (once its media statistics are in).
    func record(_ call: Call) {
        guard let store, let endedAt = call.endedAt else { return }
        let now = component.eventLoop.now
        func wall(_ deadline: NIODeadline) -> Date {
            Date(timeIntervalSinceNow: -Double((now - deadline).nanoseconds) / 1e9)
        }
        let jingle = call.statistics.first { $0.leg == .jingle }
        let inbound: Bool
        let party: String
        switch call.farEnd {
        case .inbound(let decision):
            inbound = true
            party = decision.caller.description
        default:
            inbound = false
            party = "\(call.farEnd)"
        }
        store.add(
            CallRecord(
                sid: call.sid, direction: inbound ? "inbound" : "outbound", user: call.caller.bare.description,
                party: party, started: wall(call.startedAt), answered: call.answeredAt.map(wall), ended: wall(endedAt),
                reason: call.endReason.map(Self.describe) ?? "unknown", jingleCodec: call.codec, sipCodec: call.sipCodec,
                transcoded: call.transcoding, packetsReceived: jingle?.packetsReceived ?? 0,
                packetsSent: jingle?.packetsSent ?? 0, packetsLost: Int(jingle?.rtcp.lost ?? 0)))
    }

    /// Ends every call (shutdown).
    func terminateAll(reason: JingleReason) {
        for call in calls.values { terminate(call, reason: reason) }
    }

    static func describe(_ reason: JingleReason) -> String {
        reason.text.map { "\(reason.condition.name) (\($0))" } ?? reason.condition.name
    }
}
