#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A call a user proposes to us with XEP-0353 (for example to a telephone number behind the bridge):
/// a sans-IO state machine from the `<propose/>` to the `<finish/>`.
///
/// Replies (`ringing`, `proceed`, `reject`) go to the full JID that sent the propose: clients match
/// them against the device that proposed and ignore them otherwise (Conversations acts on a proceed or
/// reject only when it is addressed to its own full JID); message carbons (XEP-0280) still show them to
/// the user's other devices. `finish` goes to the bare JID, as section 3.7 says, so every device and the
/// archive learn the end of the call.
///
/// After `proceed()` the user's device sends the Jingle session-initiate with sid = proposal id; pass
/// it to `takeSessionInitiate(_:)`, then run it with `JingleSession.receiveInitiate`. A retract before
/// that ends the proposal and leaves nothing behind.
public struct JingleIncomingProposal: Sendable {
    public enum State: Sendable, Hashable {
        /// Received; not answered yet.
        case proposed
        /// We sent proceed; waiting for the session-initiate.
        case proceeded
        /// The session-initiate arrived; the Jingle session carries the call.
        case inSession
        case ended(Outcome)
    }

    public enum Outcome: Sendable, Hashable {
        /// The user withdrew the proposal before a session started.
        case retracted(JingleReason?)
        /// We declined.
        case rejected(JingleReason)
        /// The call ended; `remote` tells whether the user's finish came first.
        case finished(JingleReason?, remote: Bool)
    }

    public enum Action: Sendable, Equatable {
        case send(XMLElement)
        case event(Event)
    }

    public enum Event: Sendable, Equatable {
        /// The user withdrew the call: drop everything about it.
        case retracted(JingleReason?)
        /// The user's side finished the call.
        case finished(JingleReason?)
    }

    /// The proposal id, which is also the Jingle session id.
    public let id: String
    /// The full JID of the device that proposed; replies go there.
    public let caller: JID
    /// Our address the propose was sent to (the callee, e.g. a telephone number's JID).
    public let local: JID
    /// The media the user proposes.
    public let descriptions: [JingleContentDescription]
    public private(set) var state: State
    private var messageCounter = 0
    private var finishSent = false

    /// Reads a `<message/>` carrying a `<propose/>`. Returns nil for any other message; throws when
    /// the propose is malformed or the message lacks usable addresses.
    public init?(message: XMLElement) throws(JingleError) {
        guard message.name == "message", message.type != "error",
            let jmi = try JingleMessage.find(in: message), case .propose(let descriptions) = jmi.kind
        else { return nil }
        guard let caller = message.from, let local = message.to else {
            throw JingleError(
                .invalidAttribute, element: "message", attribute: "from",
                "the propose has no valid 'from' or 'to' address")
        }
        self.id = jmi.id
        self.caller = caller
        self.local = local
        self.descriptions = descriptions
        self.state = .proposed
    }

    /// Tells the proposing device that we are ringing (section 3.2).
    public mutating func ring() -> [Action] {
        guard state == .proposed else { return [] }
        return [send(.ringing, to: caller)]
    }

    /// Takes the call (section 3.4): the device will now send its session-initiate.
    public mutating func proceed() throws(JingleError) -> [Action] {
        guard state == .proposed else { throw JingleError(.invalidState, "proceed needs an unanswered proposal") }
        state = .proceeded
        return [send(.proceed, to: caller)]
    }

    /// Declines the call (section 3.5; `busy` is the default reason and leaks nothing, section 6).
    public mutating func reject(reason: JingleReason = JingleReason(.busy)) throws(JingleError) -> [Action] {
        guard state == .proposed else { throw JingleError(.invalidState, "reject needs an unanswered proposal") }
        state = .ended(.rejected(reason))
        return [send(.reject(reason: reason, tieBreak: false), to: caller)]
    }

    /// Whether `iq` is the session-initiate this proposal announced: an IQ-set from the proposing
    /// device whose `<jingle action='session-initiate'/>` carries sid = proposal id.
    public func matches(sessionInitiate iq: XMLElement) -> Bool {
        guard iq.name == "iq", iq.type == "set", iq.from == caller,
            let payload = try? JinglePayload.find(in: iq), payload.action == .sessionInitiate
        else { return false }
        return payload.sid == id
    }

    /// Claims the matching session-initiate after our proceed. Returns false (and changes nothing) if
    /// it does not match or comes before proceed; the caller then treats it as an ordinary session.
    public mutating func takeSessionInitiate(_ iq: XMLElement) -> Bool {
        guard state == .proceeded, matches(sessionInitiate: iq) else { return false }
        state = .inSession
        return true
    }

    /// Claims the matching session-initiate and runs it through `JingleSession.receiveInitiate`:
    /// returns nil (changing nothing) when `iq` is not this proposal's session-initiate after proceed.
    public mutating func startSession(
        _ iq: XMLElement, configuration: JingleSession.Configuration = JingleSession.Configuration()
    ) -> (session: JingleSession?, actions: [JingleSession.Action])? {
        guard takeSessionInitiate(iq) else { return nil }
        return JingleSession.receiveInitiate(iq, configuration: configuration)
    }

    /// Handles a `<message/>` from the user's side: a retract before the session, or a finish.
    public mutating func handle(_ message: XMLElement) -> [Action] {
        guard message.name == "message", message.type != "error", let from = message.from, from.bare == caller.bare,
            let jmi = try? JingleMessage.find(in: message), jmi.id == id
        else { return [] }
        switch (state, jmi.kind) {
        case (.proposed, .retract(let reason, _)), (.proceeded, .retract(let reason, _)):
            state = .ended(.retracted(reason))
            return [.event(.retracted(reason))]
        case (.proceeded, .finish(let reason, _)), (.inSession, .finish(let reason, _)):
            state = .ended(.finished(reason, remote: true))
            return [.event(.finished(reason))]
        default:
            return []
        }
    }

    /// The call is over: sends `<finish/>` (section 3.7). Also sent after the user's own finish, since
    /// both parties SHOULD send one. Does nothing before proceed or twice.
    public mutating func finish(reason: JingleReason = JingleReason(.success)) -> [Action] {
        switch state {
        case .proceeded, .inSession:
            state = .ended(.finished(reason, remote: false))
        case .ended(.finished(_, remote: true)) where !finishSent:
            break
        default:
            return []
        }
        finishSent = true
        return [send(.finish(reason: reason, migratedTo: nil), to: caller.bare)]
    }

    private mutating func send(_ kind: JingleMessage.Kind, to: JID) -> Action {
        messageCounter += 1
        return .send(JingleMessage(kind, id: id).message(from: local, to: to, id: "jmi-\(id)-\(messageCounter)"))
    }
}
