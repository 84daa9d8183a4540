#if canImport(XMPPCore)
    import XMPPCore
#endif

/// One Jingle session (XEP-0166), for either role, as a sans-IO state machine.
///
/// Inputs are stanzas received from the peer (`handle(_:)`) and local commands (`accept`, `terminate`,
/// `sendTransportInfo`...); every input returns the actions to carry out: stanzas to send (acks, errors,
/// Jingle requests) and events for the caller. Nothing here does I/O or reads a clock; what the peer
/// must see (an IQ result, a Jingle error) is always a returned `.send`, never a thrown error. Local
/// commands given in a state where they cannot apply throw `JingleError.invalidState`.
///
/// States follow XEP-0166 section 5.1: `pending` after session-initiate, `active` after session-accept,
/// `ended` after session-terminate (sent or received). Only the session's peer full JID may act on
/// the session; anything else gets `<unknown-session/>` (`item-not-found`).
public struct JingleSession: Sendable {
    /// Our role in the session.
    public enum Role: Sendable, Hashable {
        /// We sent the session-initiate.
        case initiator
        /// We received it.
        case responder
    }

    /// XEP-0166 section 5.1 session states.
    public enum State: Sendable, Hashable {
        case pending
        case active
        case ended
    }

    /// Local policy.
    public struct Configuration: Sendable, Hashable {
        /// Accept sessions without an XEP-0320 DTLS fingerprint (plain RTP for legacy clients).
        /// Off by default: such sessions are refused with `<security-error/>`.
        public var allowUnencryptedMedia: Bool
        /// Media types (`audio`, `video`) the bridge can carry; other contents are refused
        /// (`unsupported-applications`, or a content-reject for a content-add).
        public var supportedMedia: Set<String>

        public init(allowUnencryptedMedia: Bool = false, supportedMedia: Set<String> = ["audio"]) {
            self.allowUnencryptedMedia = allowUnencryptedMedia
            self.supportedMedia = supportedMedia
        }
    }

    /// What the caller must do.
    public enum Action: Sendable, Equatable {
        /// Send this stanza to the XMPP server.
        case send(XMLElement)
        /// Tell the call logic.
        case event(Event)
    }

    /// What happened, for the call logic.
    public enum Event: Sendable, Equatable {
        /// A new incoming session-initiate was acknowledged; decide, then `accept` or `terminate`.
        case incoming(JinglePayload)
        /// The responder accepted our session (the payload is its session-accept).
        case accepted(JinglePayload)
        /// The peer ended the session.
        case terminated(JingleReason?)
        /// We ended the session because a protocol rule demanded it (the session-terminate was sent).
        case ended(JingleReason)
        /// Trickled candidates (or other transport information) for a content.
        case transportInfo(content: String, transport: JingleICEUDPTransport)
        /// New ICE credentials for a content: an ICE restart (XEP-0176 section 8).
        case iceRestart(content: String, transport: JingleICEUDPTransport)
        /// An XEP-0167 informational message (ringing, hold, mute...).
        case info(JingleRTPInfo)
        /// The peer offers contents we can carry; answer with `acceptContent` or `rejectContent`.
        case contentAddRequested([JingleContent])
        /// The peer accepted contents we added.
        case contentAccepted([JingleContent])
        /// The peer rejected contents we added.
        case contentRejected([JingleContent], JingleReason?)
        /// The peer removed these contents.
        case contentRemoved([String])
        /// The peer changed the direction of a content (hold is `senders` without the holder).
        case contentModified(name: String, senders: JingleSenders)
        /// An XEP-0166 description-info (application parameters), acknowledged.
        case descriptionInfo(JinglePayload)
        /// An XEP-0166 security-info, acknowledged.
        case securityInfo(JinglePayload)
        /// The peer refused one of our requests with this error.
        case requestFailed(JingleAction, StanzaError)
        /// Our session-initiate or content-add lost an XEP-0166 section 7.2.16 tie break.
        case lostTieBreak(JingleAction)
    }

    public let sid: String
    public let role: Role
    /// Our full JID.
    public let local: JID
    /// The peer's full JID: the only address allowed to act on this session.
    public let peer: JID
    public let configuration: Configuration
    public private(set) var state: State
    /// The current content definitions (XEP-0166 section 7.2.2: each party keeps its own copy).
    public private(set) var contents: [JingleContent]
    /// The peer's content definitions as last described by it (session-initiate or session-accept).
    public private(set) var remoteContents: [JingleContent]

    /// Remote ICE ufrag per content name, to tell trickled candidates from an ICE restart.
    private var remoteUfrags: [String: String] = [:]
    /// Our IQ-sets awaiting a result, by stanza id.
    private var pendingRequests: [String: JingleAction] = [:]
    /// Names of contents we added and the peer has not answered yet.
    private var outstandingContentAdd: [JingleContent]?
    /// Contents the peer added that await our answer.
    private var requestedContentAdd: [JingleContent] = []
    private var requestCounter = 0

    private init(
        sid: String, role: Role, local: JID, peer: JID, configuration: Configuration, contents: [JingleContent]
    ) {
        self.sid = sid
        self.role = role
        self.local = local
        self.peer = peer
        self.configuration = configuration
        self.state = .pending
        self.contents = contents
        self.remoteContents = []
    }

    // MARK: - Starting a session

    /// Starts a session as initiator: the returned actions send the session-initiate (XEP-0166 section 6.2).
    public static func initiate(
        sid: String, local: JID, peer: JID, contents: [JingleContent], groups: [JingleGroup] = [],
        configuration: Configuration = Configuration()
    ) -> (session: JingleSession, actions: [Action]) {
        var session = JingleSession(
            sid: sid, role: .initiator, local: local, peer: peer, configuration: configuration, contents: contents)
        let payload = JinglePayload(
            action: .sessionInitiate, sid: sid, initiator: local.description, contents: contents, groups: groups)
        let send = session.request(payload)
        return (session, [send])
    }

    /// Handles a session-initiate received for a session that does not exist yet.
    ///
    /// Returns the new session (in `pending`, or already `ended` if it was refused after the ack) and
    /// the actions. Refusals follow XEP-0166: malformed requests get `bad-request` (section 6.3.2); any
    /// other action for an unknown sid gets `unknown-session`; a well-formed request is acknowledged
    /// and then, if it cannot go on, terminated with a reason (section 6.3.1): no supported application
    /// (`unsupported-applications`), no ICE-UDP transport (`unsupported-transports`), or no DTLS
    /// fingerprint while unencrypted media is not allowed (`security-error`).
    public static func receiveInitiate(
        _ iq: XMLElement, configuration: Configuration = Configuration()
    ) -> (session: JingleSession?, actions: [Action]) {
        guard iq.name == "iq", iq.type == "set" else { return (nil, []) }
        guard let from = iq.from, let local = iq.to else {
            return (nil, [.send(iq.errorReply(.badRequest("the IQ has no valid 'from' or 'to' address")))])
        }
        let payload: JinglePayload
        do {
            guard let parsed = try JinglePayload.find(in: iq) else {
                return (nil, [.send(iq.errorReply(.badRequest("the IQ carries no <jingle/> element")))])
            }
            payload = parsed
        } catch {
            return (nil, [.send(iq.errorReply(.badRequest(error.reason)))])
        }
        guard payload.action == .sessionInitiate else {
            return (nil, [.send(iq.errorReply(JingleErrorCondition.unknownSession.stanzaError))])
        }
        if let problem = validateContentSet(payload.contents, action: .sessionInitiate) {
            return (nil, [.send(iq.errorReply(.badRequest(problem)))])
        }
        // XEP-0166 section 7.2.10: at least one content must have the disposition "session".
        guard payload.contents.contains(where: \.isSessionDisposition) else {
            return (
                nil,
                [.send(iq.errorReply(.badRequest("no <content/> has disposition 'session' (XEP-0166 section 7.2.10)")))]
            )
        }
        var session = JingleSession(
            sid: payload.sid, role: .responder, local: local, peer: from, configuration: configuration,
            contents: payload.contents)
        session.remoteContents = payload.contents
        session.rememberRemoteUfrags(payload.contents)
        var actions: [Action] = [.send(iq.iqResult())]
        if let reason = session.refusal(for: payload.contents) {
            actions += session.end(reason)
        } else {
            actions.append(.event(.incoming(payload)))
        }
        return (session, actions)
    }

    /// XEP-0166 section 7.2.16, "No existing session": of two session-initiates crossing between the
    /// same parties, the one with the lower sid (i;octet order, RFC 4790 section 9.3) wins; equal sids
    /// are decided by the lower JID. Returns true if the session-initiate we sent wins.
    public static func ourInitiateWins(ourSid: String, ourJID: JID, theirSid: String, theirJID: JID) -> Bool {
        if ourSid != theirSid { return Array(ourSid.utf8).lexicographicallyPrecedes(theirSid.utf8) }
        return Array(ourJID.description.utf8).lexicographicallyPrecedes(theirJID.description.utf8)
    }

    /// A session-initiate with another sid arrived from our peer while our own session-initiate is
    /// pending. If ours wins the tie break this returns the `conflict`/`<tie-break/>` error to send;
    /// if theirs wins it returns nil: hand the IQ to `receiveInitiate` (our own session will then end
    /// with `.lostTieBreak` when the peer's conflict error arrives).
    public func answerCompetingInitiate(_ iq: XMLElement) -> [Action]? {
        guard role == .initiator, state == .pending, let payload = try? JinglePayload.find(in: iq),
            payload.action == .sessionInitiate, payload.sid != sid, let from = iq.from, from.bare == peer.bare
        else { return nil }
        guard Self.ourInitiateWins(ourSid: sid, ourJID: local, theirSid: payload.sid, theirJID: from) else {
            return nil
        }
        return [.send(iq.errorReply(JingleErrorCondition.tieBreak.stanzaError))]
    }

    // MARK: - Stanzas from the peer

    /// Handles an IQ from the network: a Jingle IQ-set for this session, or the result/error answering
    /// one of our requests. Stanzas that are neither return no actions.
    public mutating func handle(_ iq: XMLElement) -> [Action] {
        guard iq.name == "iq" else { return [] }
        switch iq.type {
        case "result", "error": return handleResponse(iq)
        case "set": return handleSet(iq)
        default: return []
        }
    }

    private mutating func handleResponse(_ iq: XMLElement) -> [Action] {
        guard let id = iq.id, iq.from == peer, let action = pendingRequests.removeValue(forKey: id) else { return [] }
        guard iq.type == "error" else { return [] }
        let error = StanzaError(stanza: iq) ?? StanzaError(.cancel, "undefined-condition")
        let condition = JingleErrorCondition(error)
        switch (action, condition) {
        case (.sessionInitiate, .tieBreak?):
            state = .ended
            return [.event(.lostTieBreak(.sessionInitiate))]
        case (.contentAdd, .tieBreak?):
            outstandingContentAdd = nil
            return [.event(.lostTieBreak(.contentAdd))]
        case (.sessionInitiate, _), (.sessionAccept, _), (_, .unknownSession?):
            // The peer does not (or no longer) hold this session: it is over.
            let wasLive = state != .ended
            state = .ended
            return wasLive ? [.event(.requestFailed(action, error))] : []
        case (.contentAdd, _):
            outstandingContentAdd = nil
            return [.event(.requestFailed(action, error))]
        default:
            return state == .ended ? [] : [.event(.requestFailed(action, error))]
        }
    }

    private mutating func handleSet(_ iq: XMLElement) -> [Action] {
        // Only the peer's full JID may act on the session; to anyone else it does not exist.
        guard iq.from == peer else { return [.send(iq.errorReply(JingleErrorCondition.unknownSession.stanzaError))] }
        let payload: JinglePayload
        do {
            guard let parsed = try JinglePayload.find(in: iq) else { return [] }
            payload = parsed
        } catch {
            // XEP-0166 section 7.2 (unknown action) and 6.3.2 (malformed request): bad-request.
            return [.send(iq.errorReply(.badRequest(error.reason)))]
        }
        guard payload.sid == sid else {
            return [.send(iq.errorReply(JingleErrorCondition.unknownSession.stanzaError))]
        }
        // XEP-0166 section 6.7: after session-terminate, further IQ-sets get <unknown-session/>.
        guard state != .ended else {
            return [.send(iq.errorReply(JingleErrorCondition.unknownSession.stanzaError))]
        }
        switch payload.action {
        case .sessionInitiate: return [outOfOrder(iq)]
        case .sessionAccept: return receiveSessionAccept(iq, payload)
        case .sessionTerminate:
            state = .ended
            return [.send(iq.iqResult()), .event(.terminated(payload.reason))]
        case .sessionInfo: return receiveSessionInfo(iq, payload)
        case .transportInfo: return receiveTransportInfo(iq, payload)
        case .contentAdd: return receiveContentAdd(iq, payload)
        case .contentAccept: return receiveContentAnswer(iq, payload, accepted: true)
        case .contentReject: return receiveContentAnswer(iq, payload, accepted: false)
        case .contentRemove: return receiveContentRemove(iq, payload)
        case .contentModify: return receiveContentModify(iq, payload)
        case .descriptionInfo: return [.send(iq.iqResult()), .event(.descriptionInfo(payload))]
        case .securityInfo: return [.send(iq.iqResult()), .event(.securityInfo(payload))]
        case .transportReplace:
            // We only speak ICE-UDP: refuse the replacement explicitly (XEP-0166 section 7.2.15).
            let contents = payload.contents.map {
                JingleContent(creator: $0.creator, name: $0.name, transport: $0.transport)
            }
            let reject = JinglePayload(
                action: .transportReject, sid: sid, contents: contents, reason: JingleReason(.unsupportedTransports))
            return [.send(iq.iqResult()), request(reject)]
        case .transportAccept, .transportReject:
            // We never send transport-replace, so there is nothing to accept or reject.
            return [outOfOrder(iq)]
        }
    }

    private mutating func receiveSessionAccept(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        guard role == .initiator, state == .pending else { return [outOfOrder(iq)] }
        // XEP-0166 section 7.2.8: one or more contents, each with a description and a transport.
        if let problem = Self.validateContentSet(payload.contents, action: .sessionAccept) {
            return [.send(iq.errorReply(.badRequest(problem)))]
        }
        for content in payload.contents where !contents.contains(where: { $0.name == content.name }) {
            return [.send(iq.errorReply(JingleErrorCondition.unknownContent.stanzaError))]
        }
        remoteContents = payload.contents
        rememberRemoteUfrags(payload.contents)
        var actions: [Action] = [.send(iq.iqResult())]
        if let reason = refusal(for: payload.contents) {
            actions += end(reason)
            return actions
        }
        state = .active
        actions.append(.event(.accepted(payload)))
        return actions
    }

    private mutating func receiveSessionInfo(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        if let info = payload.info { return [.send(iq.iqResult()), .event(.info(info))] }
        if payload.contents.isEmpty, payload.extensions.isEmpty, payload.reason == nil, payload.groups.isEmpty {
            // XEP-0166 section 6.8: an empty session-info is a ping.
            return [.send(iq.iqResult())]
        }
        // Section 6.8: an informational payload we do not understand gets <unsupported-info/>.
        return [.send(iq.errorReply(JingleErrorCondition.unsupportedInfo.stanzaError))]
    }

    private mutating func receiveTransportInfo(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        var events: [Action] = []
        var newUfrags: [String: String] = [:]
        for content in payload.contents {
            guard contents.contains(where: { $0.name == content.name }) || isRequestedContent(content.name) else {
                return [.send(iq.errorReply(JingleErrorCondition.unknownContent.stanzaError))]
            }
            guard let transport = content.transport else {
                return [
                    .send(
                        iq.errorReply(
                            .badRequest("<content name='\(content.name)'/> in transport-info has no <transport/>")))
                ]
            }
            guard let ice = transport.iceUDP else {
                return [.send(iq.errorReply(JingleErrorCondition.unsupportedInfo.stanzaError))]
            }
            if let ufrag = ice.ufrag, let known = remoteUfrags[content.name], known != ufrag {
                newUfrags[content.name] = ufrag
                events.append(.event(.iceRestart(content: content.name, transport: ice)))
            } else {
                if let ufrag = ice.ufrag, remoteUfrags[content.name] == nil { newUfrags[content.name] = ufrag }
                events.append(.event(.transportInfo(content: content.name, transport: ice)))
            }
        }
        remoteUfrags.merge(newUfrags) { _, new in new }
        return [.send(iq.iqResult())] + events
    }

    private mutating func receiveContentAdd(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        // XEP-0166 section 7.2.16, "Existing session": the initiator's action overrules the responder's.
        if role == .initiator, outstandingContentAdd != nil {
            return [.send(iq.errorReply(JingleErrorCondition.tieBreak.stanzaError))]
        }
        if let problem = Self.validateContentSet(payload.contents, action: .contentAdd) {
            return [.send(iq.errorReply(.badRequest(problem)))]
        }
        for content in payload.contents where contents.contains(where: { $0.name == content.name }) {
            return [
                .send(
                    iq.errorReply(
                        .badRequest("content name '\(content.name)' is already in use (XEP-0166 section 7.3)")))
            ]
        }
        var actions: [Action] = [.send(iq.iqResult())]
        var supported: [JingleContent] = []
        var refused: [(JingleContent, JingleReason)] = []
        for content in payload.contents {
            if let reason = refusal(for: [content]) {
                refused.append((content, reason))
            } else {
                supported.append(content)
            }
        }
        // XEP-0166 section 7.2.2: what we do not want is answered with content-reject, never ignored.
        var reasons: [JingleReason] = []
        for (_, reason) in refused where !reasons.contains(reason) { reasons.append(reason) }
        for reason in reasons {
            let names = refused.filter { $0.1 == reason }.map { JingleContent(creator: $0.0.creator, name: $0.0.name) }
            actions.append(request(JinglePayload(action: .contentReject, sid: sid, contents: names, reason: reason)))
        }
        if !supported.isEmpty {
            requestedContentAdd += supported
            actions.append(.event(.contentAddRequested(supported)))
        }
        return actions
    }

    private mutating func receiveContentAnswer(_ iq: XMLElement, _ payload: JinglePayload, accepted: Bool) -> [Action] {
        guard let outstanding = outstandingContentAdd,
            payload.contents.allSatisfy({ answered in outstanding.contains { $0.name == answered.name } })
        else { return [outOfOrder(iq)] }
        outstandingContentAdd = nil
        if accepted {
            contents += outstanding.filter { mine in payload.contents.contains { $0.name == mine.name } }
            remoteContents += payload.contents
            rememberRemoteUfrags(payload.contents)
            return [.send(iq.iqResult()), .event(.contentAccepted(payload.contents))]
        }
        return [.send(iq.iqResult()), .event(.contentRejected(payload.contents, payload.reason))]
    }

    private mutating func receiveContentRemove(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        let names = payload.contents.map(\.name)
        guard !names.isEmpty, names.allSatisfy({ name in contents.contains { $0.name == name } }) else {
            return [.send(iq.errorReply(JingleErrorCondition.unknownContent.stanzaError))]
        }
        contents.removeAll { names.contains($0.name) }
        remoteContents.removeAll { names.contains($0.name) }
        var actions: [Action] = [.send(iq.iqResult()), .event(.contentRemoved(names))]
        if contents.isEmpty {
            // XEP-0166 section 7.2.5: a session with no content definitions is void.
            actions += end(JingleReason(.success, text: "No content left"))
        }
        return actions
    }

    private mutating func receiveContentModify(_ iq: XMLElement, _ payload: JinglePayload) -> [Action] {
        var events: [Action] = []
        for content in payload.contents {
            guard let index = contents.firstIndex(where: { $0.name == content.name }) else {
                return [.send(iq.errorReply(JingleErrorCondition.unknownContent.stanzaError))]
            }
            // XEP-0166 section 7.3: 'senders' is REQUIRED in a content-modify.
            guard let senders = content.senders else {
                return [
                    .send(
                        iq.errorReply(
                            .badRequest(
                                "<content name='\(content.name)'/> in content-modify has no 'senders' attribute")))
                ]
            }
            contents[index].senders = senders
            events.append(.event(.contentModified(name: content.name, senders: senders)))
        }
        guard !events.isEmpty else { return [.send(iq.errorReply(.badRequest("content-modify has no <content/>")))] }
        return [.send(iq.iqResult())] + events
    }

    // MARK: - Local commands

    /// Accepts an incoming session (we are responder, session pending) with our answer contents.
    ///
    /// RFC 5763 section 5 and XEP-0320: as answerer our fingerprints must say `active` or `passive`
    /// (see `JingleDTLSRole.answerSetup`), never `actpass`; an `actpass` here throws.
    public mutating func accept(contents answer: [JingleContent], groups: [JingleGroup] = []) throws(JingleError)
        -> [Action]
    {
        guard role == .responder, state == .pending else {
            throw JingleError(
                .invalidState, "accept needs a pending session we are responding to (state \(state), role \(role))")
        }
        if let problem = Self.validateContentSet(answer, action: .sessionAccept) {
            throw JingleError(.invalidElement, element: "content", problem)
        }
        for content in answer {
            for fingerprint in content.iceUDPTransport?.fingerprints ?? [] where fingerprint.setup == .actpass {
                throw JingleError(
                    .invalidAttribute, element: "fingerprint", attribute: "setup",
                    "our answer for content '\(content.name)' says setup 'actpass'; an answerer must say active or passive (RFC 5763 section 5)"
                )
            }
        }
        state = .active
        contents = answer
        let payload = JinglePayload(
            action: .sessionAccept, sid: sid, responder: local.description, contents: answer, groups: groups)
        return [request(payload)]
    }

    /// Ends the session (XEP-0166 section 6.7): sends session-terminate and moves to `ended` at once.
    /// Does nothing if the session has already ended.
    public mutating func terminate(reason: JingleReason) -> [Action] {
        guard state != .ended else { return [] }
        state = .ended
        return [request(JinglePayload(action: .sessionTerminate, sid: sid, reason: reason))]
    }

    /// Sends candidates or new credentials (ICE restart) for one content.
    public mutating func sendTransportInfo(content name: String, transport: JingleICEUDPTransport) throws(JingleError)
        -> [Action]
    {
        let content = try liveContent(named: name)
        let payload = JinglePayload(
            action: .transportInfo, sid: sid,
            contents: [JingleContent(creator: content.creator, name: name, transport: .iceUDP(transport))])
        return [request(payload)]
    }

    /// Sends an XEP-0167 informational message (ringing, hold, mute...).
    public mutating func sendInfo(_ info: JingleRTPInfo) throws(JingleError) -> [Action] {
        try requireLive("session-info")
        return [request(JinglePayload(action: .sessionInfo, sid: sid, info: info))]
    }

    /// Changes the direction of a content (XEP-0166 section 7.2.3), e.g. for hold.
    public mutating func modifyContent(_ name: String, senders: JingleSenders) throws(JingleError) -> [Action] {
        let content = try liveContent(named: name)
        if let index = contents.firstIndex(where: { $0.name == name }) { contents[index].senders = senders }
        let payload = JinglePayload(
            action: .contentModify, sid: sid,
            contents: [JingleContent(creator: content.creator, name: name, senders: senders)])
        return [request(payload)]
    }

    /// Proposes new contents (XEP-0166 section 7.2.2); the answer arrives as `.contentAccepted`,
    /// `.contentRejected` or `.lostTieBreak(.contentAdd)`.
    public mutating func addContent(_ added: [JingleContent]) throws(JingleError) -> [Action] {
        try requireLive("content-add")
        guard outstandingContentAdd == nil else {
            throw JingleError(.invalidState, "a content-add is already awaiting its answer")
        }
        let creator: JingleCreator = role == .initiator ? .initiator : .responder
        let stamped = added.map { content -> JingleContent in
            var content = content
            content.creator = creator
            return content
        }
        outstandingContentAdd = stamped
        return [request(JinglePayload(action: .contentAdd, sid: sid, contents: stamped))]
    }

    /// Accepts contents the peer added (after `.contentAddRequested`), with our answer for each.
    public mutating func acceptContent(_ answer: [JingleContent]) throws(JingleError) -> [Action] {
        try requireLive("content-accept")
        for content in answer where !isRequestedContent(content.name) {
            throw JingleError(.invalidState, "content '\(content.name)' was not offered in a content-add")
        }
        requestedContentAdd.removeAll { requested in answer.contains { $0.name == requested.name } }
        contents += answer
        return [request(JinglePayload(action: .contentAccept, sid: sid, contents: answer))]
    }

    /// Rejects contents the peer added (after `.contentAddRequested`).
    public mutating func rejectContent(_ names: [String], reason: JingleReason) throws(JingleError) -> [Action] {
        try requireLive("content-reject")
        var rejected: [JingleContent] = []
        for name in names {
            guard let content = requestedContentAdd.first(where: { $0.name == name }) else {
                throw JingleError(.invalidState, "content '\(name)' was not offered in a content-add")
            }
            rejected.append(JingleContent(creator: content.creator, name: name))
        }
        requestedContentAdd.removeAll { names.contains($0.name) }
        return [request(JinglePayload(action: .contentReject, sid: sid, contents: rejected, reason: reason))]
    }

    /// Removes contents (XEP-0166 section 7.2.5); removing the last one terminates the session instead.
    public mutating func removeContent(_ names: [String], reason: JingleReason? = nil) throws(JingleError) -> [Action] {
        var removed: [JingleContent] = []
        for name in names { removed.append(try liveContent(named: name)) }
        contents.removeAll { names.contains($0.name) }
        if contents.isEmpty { return terminate(reason: reason ?? JingleReason(.success)) }
        let payload = JinglePayload(
            action: .contentRemove, sid: sid,
            contents: removed.map { JingleContent(creator: $0.creator, name: $0.name) },
            reason: reason)
        return [request(payload)]
    }

    // MARK: - Helpers

    /// An IQ-set carrying `payload` to the peer, remembered so its answer can be matched.
    private mutating func request(_ payload: JinglePayload) -> Action {
        requestCounter += 1
        let id = "jingle-\(sid)-\(requestCounter)"
        pendingRequests[id] = payload.action
        return .send(.iq(type: "set", id: id, from: local, to: peer, payload: payload.element))
    }

    private func outOfOrder(_ iq: XMLElement) -> Action {
        .send(iq.errorReply(JingleErrorCondition.outOfOrder.stanzaError))
    }

    /// Sends session-terminate with `reason` and reports it.
    private mutating func end(_ reason: JingleReason) -> [Action] {
        terminate(reason: reason) + [.event(.ended(reason))]
    }

    private func requireLive(_ what: String) throws(JingleError) {
        guard state != .ended else { throw JingleError(.invalidState, "cannot send \(what): the session has ended") }
    }

    private func liveContent(named name: String) throws(JingleError) -> JingleContent {
        try requireLive("a request for content '\(name)'")
        guard let content = contents.first(where: { $0.name == name }) else {
            throw JingleError(.invalidState, "the session has no content named '\(name)'")
        }
        return content
    }

    private func isRequestedContent(_ name: String) -> Bool {
        requestedContentAdd.contains { $0.name == name }
    }

    private mutating func rememberRemoteUfrags(_ contents: [JingleContent]) {
        for content in contents {
            if let ufrag = content.iceUDPTransport?.ufrag { remoteUfrags[content.name] = ufrag }
        }
    }

    /// Why these contents cannot be carried, or nil if at least one can: a supported RTP application,
    /// over ICE-UDP, with a DTLS fingerprint unless unencrypted media is allowed.
    private func refusal(for contents: [JingleContent]) -> JingleReason? {
        let applications = contents.filter { content in
            content.rtpDescription.map { configuration.supportedMedia.contains($0.media) } ?? false
        }
        guard !applications.isEmpty else {
            return JingleReason(
                .unsupportedApplications,
                text: "Only \(configuration.supportedMedia.sorted().joined(separator: ", ")) over RTP")
        }
        let transports = applications.filter { $0.iceUDPTransport != nil }
        guard !transports.isEmpty else {
            return JingleReason(.unsupportedTransports, text: "Only ICE-UDP (XEP-0176)")
        }
        if !configuration.allowUnencryptedMedia,
            !transports.contains(where: { !($0.iceUDPTransport?.fingerprints.isEmpty ?? true) })
        {
            // The bridge insists on DTLS-SRTP (XEP-0320): no fingerprint, no call.
            return JingleReason(.securityError, text: "DTLS-SRTP (XEP-0320 fingerprint) is required")
        }
        return nil
    }

    /// Structural rules for a set of contents carried by `action`, as a bad-request text, or nil.
    static func validateContentSet(_ contents: [JingleContent], action: JingleAction) -> String? {
        guard !contents.isEmpty else { return "\(action.rawValue) has no <content/> (XEP-0166 section 7.2)" }
        var seen = Set<String>()
        for content in contents {
            // XEP-0166 section 7.3: the same name MUST NOT be used for more than one content.
            guard seen.insert(content.name).inserted else {
                return "content name '\(content.name)' appears twice (XEP-0166 section 7.3)"
            }
            if action == .sessionAccept || action == .sessionInitiate || action == .contentAdd {
                guard content.description != nil else {
                    return "<content name='\(content.name)'/> in \(action.rawValue) has no <description/>"
                }
                guard content.transport != nil else {
                    return "<content name='\(content.name)'/> in \(action.rawValue) has no <transport/>"
                }
            }
        }
        return nil
    }
}
