import XMPPCore

/// XEP-0050 ad-hoc commands: listing through disco#items on the commands node, execution,
/// multi-stage sessions with `sessionid`, and cancel.
public final class AdHocCommands {
    public enum Action: String, Sendable { case execute, next, prev, complete, cancel }

    /// One step of a command as the handler sees it.
    public struct Request {
        public var requester: JID
        public var action: Action
        /// The form the requester submitted (nil on the first step).
        public var form: DataForm?
        /// What the handler kept from the previous stage of this session.
        public var state: [String: String]
    }

    /// What a handler answers.
    public enum Response {
        /// Done: `status="completed"` with an optional result form and note.
        case completed(DataForm?, note: String? = nil)
        /// Needs input: `status="executing"` with a form; `state` comes back in the next request.
        case form(DataForm, actions: [Action], state: [String: String] = [:])
        case error(StanzaError)
    }

    public struct Command {
        public var node: String
        public var name: String
        /// Who sees and may run it (bare JID).
        public var isAvailable: (JID) -> Bool
        /// Answers exactly once through the completion, now or later.
        public var handler: (Request, @escaping (Response) -> Void) -> Void

        public init(
            node: String, name: String, isAvailable: @escaping (JID) -> Bool,
            handler: @escaping (Request, @escaping (Response) -> Void) -> Void
        ) {
            self.node = node
            self.name = name
            self.isAvailable = isAvailable
            self.handler = handler
        }
    }

    private struct Session {
        var node: String
        var requester: JID
        var state: [String: String]
    }

    private var commands: [Command] = []
    private var sessions: [String: Session] = [:]
    private var sessionCounter = 0
    private let domain: JID
    /// Sessions kept at most; the oldest is forgotten first.
    static let sessionLimit = 1000

    public init(domain: JID) {
        self.domain = domain
    }

    public func register(_ command: Command) {
        commands.removeAll { $0.node == command.node }
        commands.append(command)
    }

    public func install(on router: StanzaRouter, gateway: GatewayService) {
        gateway.registerItems(node: Namespace.commands) { [weak self] requester, target in
            guard let self, target == self.domain else { return [] }
            return self.commands.filter { $0.isAvailable(requester) }.map {
                XMLElement(
                    "item", namespace: Namespace.discoItems,
                    ["jid": self.domain.description, "node": $0.node, "name": $0.name])
            }
        }
        router.registerIQ(namespace: Namespace.commands) { [weak self] iq, responder in
            guard let self else { return responder.error(.serviceUnavailable) }
            self.execute(iq, responder)
        }
    }

    private func execute(_ iq: XMLElement, _ responder: IQResponder) {
        guard iq.type == "set", let from = iq.from, let command = iq.firstChild("command", namespace: Namespace.commands),
            let node = command[attribute: "node"]
        else { return responder.error(.badRequest("ad-hoc commands are IQ set with a <command node=...>")) }
        guard let definition = commands.first(where: { $0.node == node }) else {
            return responder.error(.itemNotFound)
        }
        let requester = from.bare
        guard definition.isAvailable(requester) else {
            return responder.error(StanzaError(.auth, "forbidden", text: "this command is for the bridge's admins"))
        }
        guard let action = Action(rawValue: command[attribute: "action"] ?? "execute") else {
            return responder.error(.badRequest("unknown action '\(command[attribute: "action"] ?? "")'"))
        }
        var state: [String: String] = [:]
        var sessionID = command[attribute: "sessionid"]
        if let id = sessionID {
            guard let session = sessions[id], session.node == node, session.requester == requester else {
                // XEP-0050 section 4.6: unknown session.
                return responder.error(
                    StanzaError(
                        .modify, "bad-request",
                        applicationCondition: XMLElement("bad-sessionid", namespace: Namespace.commands)))
            }
            state = session.state
        }
        if action == .cancel {
            if let id = sessionID { sessions[id] = nil }
            return responder.result(commandElement(node: node, sessionID: sessionID ?? "", status: "canceled"))
        }
        let form = command.firstChild("x", namespace: Namespace.dataForms).flatMap(DataForm.init(element:))
        let request = Request(requester: requester, action: action, form: form, state: state)
        definition.handler(request) { [weak self] response in
            guard let self else { return }
            switch response {
            case .error(let error):
                if let id = sessionID { self.sessions[id] = nil }
                responder.error(error)
            case .completed(let form, let note):
                if let id = sessionID { self.sessions[id] = nil }
                var element = self.commandElement(node: node, sessionID: sessionID ?? self.newSessionID(), status: "completed")
                if let note { element.append(XMLElement("note", namespace: Namespace.commands, ["type": "info"], text: note)) }
                if let form { element.append(form.element) }
                responder.result(element)
            case .form(let form, let actions, let newState):
                let id = sessionID ?? self.newSessionID()
                sessionID = id
                if self.sessions.count >= Self.sessionLimit, let oldest = self.sessions.keys.min() {
                    self.sessions[oldest] = nil
                }
                self.sessions[id] = Session(node: node, requester: requester, state: newState)
                var element = self.commandElement(node: node, sessionID: id, status: "executing")
                var actionsElement = XMLElement(
                    "actions", namespace: Namespace.commands, ["execute": (actions.first ?? .complete).rawValue])
                for action in actions { actionsElement.append(XMLElement(action.rawValue, namespace: Namespace.commands)) }
                element.append(actionsElement)
                element.append(form.element)
                responder.result(element)
            }
        }
    }

    private func newSessionID() -> String {
        sessionCounter += 1
        // Zero-padded so that lexical order is creation order (used to forget the oldest).
        let number = String(sessionCounter)
        return "s" + String(repeating: "0", count: max(0, 12 - number.count)) + number
    }

    private func commandElement(node: String, sessionID: String, status: String) -> XMLElement {
        XMLElement("command", namespace: Namespace.commands, ["node": node, "sessionid": sessionID, "status": status])
    }
}
