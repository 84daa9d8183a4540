#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A call we propose with XEP-0353 to a user's bare JID, whose server rings all of the user's
/// devices: a sans-IO state machine. Timeouts are inputs (`timeout()`); there is no clock inside.
///
/// Multi-device rules applied (XEP-0353 0.7.0):
/// - The propose goes to the bare JID (section 3.1); `ringing` from each device is recorded once (3.2).
/// - The first `proceed` wins (3.4): the caller initiates the Jingle session, with sid = proposal id,
///   toward that device's full JID. The user's other devices learn it from the carbon copy of that
///   proceed (3.4: "Juliet's server broadcasts this accept message to all of her resources").
/// - A device whose `proceed` crossed with the winner's (or came after we retracted) is sent a
///   `<retract/>` for the same id at its full JID, reason `cancel`: we disavow sending it a session
///   invitation (3.3), which is what that device is waiting for. XEP-0353 has no rule for this race;
///   retract is the initiator's only "you will not get a session-initiate" message.
/// - A `reject` from any device before a proceed ends the proposal (3.5: the user declined); after a
///   proceed, rejects from other devices are ignored.
/// - `retract` (3.3) and `finish` (3.7) go to the bare JID, like the propose, so every device of the
///   user and the archive see the outcome; finish carries `success` unless told otherwise.
/// - Crossing proposes are tie-broken as section 4.1 says (`ourProposeWins`).
public struct JingleOutgoingProposal: Sendable {
    public enum State: Sendable, Hashable {
        /// Waiting for a device to answer; `ringing` lists the devices that said they ring.
        case proposing(ringing: [JID])
        /// A device took the call: run the Jingle session with it.
        case proceeding(device: JID)
        case ended(Outcome)
    }

    public enum Outcome: Sendable, Hashable {
        /// A device of the user declined.
        case rejected(by: JID, reason: JingleReason?)
        /// We withdrew the proposal.
        case retracted(JingleReason)
        /// We lost a section 4.1 tie break against the user's own propose (handle theirs as incoming).
        case lostTieBreak(theirID: String)
        /// The call ended; `remote` tells whether the user's finish came first.
        case finished(JingleReason?, remote: Bool)
        /// The propose bounced (message error).
        case failed
    }

    public enum Action: Sendable, Equatable {
        case send(XMLElement)
        case event(Event)
    }

    public enum Event: Sendable, Equatable {
        /// A device is ringing (reported once per device).
        case ringing(JID)
        /// A device took the call: initiate the Jingle session with sid = `id` toward this full JID.
        case proceed(JID)
        /// The user declined.
        case rejected(by: JID, reason: JingleReason?)
        /// The user's side finished the call (terminate the Jingle session if it is still up).
        case finished(JingleReason?)
        /// The user proposed a call to us at the same time and won the tie break: drop ours and treat
        /// their propose (this message) as an incoming call.
        case lostTieBreak(XMLElement)
        /// The propose could not be delivered.
        case deliveryFailed(StanzaError?)
    }

    /// The proposal id, which is also the Jingle session id.
    public let id: String
    /// Our address (the caller as the user sees it).
    public let local: JID
    /// The user's bare JID.
    public let callee: JID
    public private(set) var state: State
    private var messageCounter = 0
    private var finishSent = false

    private init(id: String, local: JID, callee: JID) {
        self.id = id
        self.local = local
        self.callee = callee.bare
        self.state = .proposing(ringing: [])
    }

    /// Proposes a call: the returned action sends the `<propose/>` to the user's bare JID.
    public static func propose(
        id: String, from local: JID, to callee: JID, descriptions: [JingleContentDescription]
    ) -> (proposal: JingleOutgoingProposal, actions: [Action]) {
        var proposal = JingleOutgoingProposal(id: id, local: local, callee: callee)
        let send = proposal.send(.propose(descriptions: descriptions), to: proposal.callee)
        return (proposal, [send])
    }

    /// Handles a `<message/>` from the user's side. Messages for other ids or from other users
    /// return no actions.
    public mutating func handle(_ message: XMLElement) -> [Action] {
        guard message.name == "message", let from = message.from, from.bare == callee else { return [] }
        if message.type == "error" {
            guard case .proposing = state, (try? JingleMessage.find(in: message))??.id ?? id == id else { return [] }
            state = .ended(.failed)
            return [.event(.deliveryFailed(StanzaError(stanza: message)))]
        }
        guard let jmi = try? JingleMessage.find(in: message) else { return [] }
        if case .propose = jmi.kind, jmi.id != id { return handleCrossingPropose(jmi, from: from, message: message) }
        guard jmi.id == id else { return [] }
        switch (state, jmi.kind) {
        case (.proposing(var ringing), .ringing):
            guard !ringing.contains(from) else { return [] }
            ringing.append(from)
            state = .proposing(ringing: ringing)
            return [.event(.ringing(from))]
        case (.proposing, .proceed):
            // Section 3.4: the first proceed wins. A proceed must name a device (full JID).
            guard !from.isBare else { return [] }
            state = .proceeding(device: from)
            return [.event(.proceed(from))]
        case (.proposing, .reject(let reason, _)):
            state = .ended(.rejected(by: from, reason: reason))
            return [.event(.rejected(by: from, reason: reason))]
        case (.proceeding(let device), .proceed) where from != device && !from.isBare:
            return [lateProceedRetract(to: from)]
        case (.proceeding(let device), .reject(let reason, _)) where from == device:
            state = .ended(.rejected(by: from, reason: reason))
            return [.event(.rejected(by: from, reason: reason))]
        case (.proceeding, .finish(let reason, _)):
            state = .ended(.finished(reason, remote: true))
            return [.event(.finished(reason))]
        case (.ended, .proceed) where !from.isBare:
            // Whatever ended the call, a device still waiting for our session-initiate must learn
            // that none will come.
            return [lateProceedRetract(to: from)]
        default:
            return []
        }
    }

    /// Section 4.1: the user proposed to us while our propose was unanswered.
    private mutating func handleCrossingPropose(_ theirs: JingleMessage, from: JID, message: XMLElement) -> [Action] {
        guard case .proposing = state else { return [] }
        let tieBreakReason = JingleReason(.expired, text: "Tie-Break")
        if JingleMessage.ourProposeWins(ourID: id, ourJID: local, theirID: theirs.id, theirJID: from) {
            // We received the higher id: reject it with <tie-break/>, keep ours.
            return [send(.reject(reason: tieBreakReason, tieBreak: true), to: from, id: theirs.id)]
        }
        // We received the lower id: retract ours with <tie-break/> and answer theirs as usual.
        state = .ended(.lostTieBreak(theirID: theirs.id))
        return [send(.retract(reason: tieBreakReason, tieBreak: true), to: callee), .event(.lostTieBreak(message))]
    }

    /// Starts the Jingle session with the device that proceeded: sid = proposal id (section 3.1), sent
    /// to that device's full JID (section 3.6).
    public func initiateSession(
        contents: [JingleContent], groups: [JingleGroup] = [],
        configuration: JingleSession.Configuration = JingleSession.Configuration()
    ) throws(JingleError) -> (session: JingleSession, actions: [JingleSession.Action]) {
        guard case .proceeding(let device) = state else {
            throw JingleError(.invalidState, "no device has proceeded, so there is no one to send session-initiate to")
        }
        return JingleSession.initiate(
            sid: id, local: local, peer: device, contents: contents, groups: groups, configuration: configuration)
    }

    /// Withdraws the proposal (section 3.3) while no device has taken the call.
    public mutating func retract(reason: JingleReason = JingleReason(.cancel)) throws(JingleError) -> [Action] {
        guard case .proposing = state else {
            throw JingleError(.invalidState, "retract needs an unanswered proposal; after proceed, finish the call")
        }
        state = .ended(.retracted(reason))
        return [send(.retract(reason: reason, tieBreak: false), to: callee)]
    }

    /// No device answered in time: retract with the default `cancel` reason (section 3.3 SHOULD;
    /// other reasons can leak information, section 6). Does nothing once answered or ended.
    public mutating func timeout() -> [Action] {
        guard case .proposing = state else { return [] }
        state = .ended(.retracted(JingleReason(.cancel)))
        return [send(.retract(reason: JingleReason(.cancel), tieBreak: false), to: callee)]
    }

    /// The call is over: sends `<finish/>` to the user's bare JID (section 3.7). Also sent after the
    /// user's own finish, since both parties SHOULD send one. Does nothing before a proceed.
    public mutating func finish(reason: JingleReason = JingleReason(.success)) -> [Action] {
        switch state {
        case .proceeding:
            state = .ended(.finished(reason, remote: false))
        case .ended(.finished(_, remote: true)) where !finishSent:
            break
        default:
            return []
        }
        finishSent = true
        return [send(.finish(reason: reason, migratedTo: nil), to: callee)]
    }

    private mutating func lateProceedRetract(to device: JID) -> Action {
        send(.retract(reason: JingleReason(.cancel, text: "Answered on another device"), tieBreak: false), to: device)
    }

    private mutating func send(_ kind: JingleMessage.Kind, to: JID, id sessionID: String? = nil) -> Action {
        messageCounter += 1
        let jmi = JingleMessage(kind, id: sessionID ?? id)
        return .send(jmi.message(from: local, to: to, id: "jmi-\(id)-\(messageCounter)"))
    }
}
