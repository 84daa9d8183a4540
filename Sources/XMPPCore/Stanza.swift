/// Accessors shared by `<iq/>`, `<message/>` and `<presence/>` stanzas, which stay plain elements.
extension XMLElement {
    public var from: JID? { self[attribute: "from"].flatMap { try? JID($0) } }
    public var to: JID? { self[attribute: "to"].flatMap { try? JID($0) } }
    public var id: String? { self[attribute: "id"] }
    public var type: String? { self[attribute: "type"] }

    public static func iq(
        type: String, id: String, from: JID, to: JID, payload: XMLElement? = nil
    ) -> XMLElement {
        XMLElement(
            "iq", namespace: Namespace.component,
            ["type": type, "id": id, "from": from.description, "to": to.description],
            elements: payload.map { [$0] } ?? [])
    }

    public static func presence(
        type: String? = nil, from: JID, to: JID, children: [XMLElement] = []
    ) -> XMLElement {
        XMLElement(
            "presence", namespace: Namespace.component,
            ["type": type, "from": from.description, "to": to.description], elements: children)
    }

    /// The `result` answering this IQ, addressed back to its sender.
    public func iqResult(payload: XMLElement? = nil) -> XMLElement {
        XMLElement(
            "iq", namespace: Namespace.component,
            ["type": "result", "id": id ?? "", "from": self[attribute: "to"], "to": self[attribute: "from"]],
            elements: payload.map { [$0] } ?? [])
    }

    /// RFC 6120 section 8.3: the error reply to this stanza, with from/to swapped and the original
    /// payload left out (a reply must not exceed what the sender can take back).
    public func errorReply(_ error: StanzaError) -> XMLElement {
        XMLElement(
            name, namespace: namespace,
            ["type": "error", "id": id, "from": self[attribute: "to"], "to": self[attribute: "from"]],
            elements: [error.element])
    }
}

/// RFC 6120 section 8.3 stanza error.
public struct StanzaError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable { case auth, cancel, `continue`, modify, wait }

    public var kind: Kind
    /// Defined condition, e.g. `service-unavailable`, `forbidden`, `bad-request`.
    public var condition: String
    public var text: String?
    /// Application-specific condition element (e.g. a Jingle `<unknown-session/>`).
    public var applicationCondition: XMLElement?

    public init(_ kind: Kind, _ condition: String, text: String? = nil, applicationCondition: XMLElement? = nil) {
        self.kind = kind
        self.condition = condition
        self.text = text
        self.applicationCondition = applicationCondition
    }

    public var element: XMLElement {
        var children = [XMLElement(condition, namespace: Namespace.stanzaErrors)]
        if let text { children.append(XMLElement("text", namespace: Namespace.stanzaErrors, text: text)) }
        if let applicationCondition { children.append(applicationCondition) }
        return XMLElement("error", namespace: Namespace.component, ["type": kind.rawValue], elements: children)
    }

    /// Reads the `<error/>` child of an error stanza.
    public init?(stanza: XMLElement) {
        guard let error = stanza.firstChild("error"),
            let condition = error.elements.first(where: {
                $0.namespace == Namespace.stanzaErrors && $0.name != "text"
            })
        else { return nil }
        self.kind = Kind(rawValue: error[attribute: "type"] ?? "") ?? .cancel
        self.condition = condition.name
        self.text = error.firstChild("text", namespace: Namespace.stanzaErrors)?.text
        self.applicationCondition = error.elements.first { $0.namespace != Namespace.stanzaErrors }
    }

    public static let serviceUnavailable = StanzaError(.cancel, "service-unavailable")
    public static let featureNotImplemented = StanzaError(.cancel, "feature-not-implemented")
    public static let forbidden = StanzaError(.auth, "forbidden")
    public static let itemNotFound = StanzaError(.cancel, "item-not-found")
    public static func badRequest(_ text: String? = nil) -> StanzaError { StanzaError(.modify, "bad-request", text: text) }
    public static let jidMalformed = StanzaError(.modify, "jid-malformed")
    public static let remoteServerTimeout = StanzaError(.wait, "remote-server-timeout")
    public static let internalServerError = StanzaError(.cancel, "internal-server-error")
}
