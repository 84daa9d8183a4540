#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0353 Jingle Message Initiation element (`urn:xmpp:jingle-message:0`), carried in a
/// `<message type='chat'/>` with an XEP-0334 `<store/>` hint (XEP-0353 section 3).
///
/// The `id` is the Jingle session id the call will use (section 3.1). Version 0.7 of XEP-0353 says
/// retract, reject and finish MUST carry a `<reason/>`; older clients omit it, so parsing accepts its
/// absence while everything this module builds includes one.
public struct JingleMessage: Sendable, Hashable {
    /// The JMI element and what only it carries.
    public enum Kind: Sendable, Hashable {
        /// Section 3.1: intent to start a session, with one description per media type.
        case propose(descriptions: [JingleContentDescription])
        /// Section 3.2: a responder's device is ringing.
        case ringing
        /// Section 3.4: the responder takes the call on the sending device.
        case proceed
        /// Older (0.3) versions' notice to the responder's own devices; parsed, never sent.
        case accept
        /// Section 3.5: the responder declines (`busy` by default; `tieBreak` in section 4.1).
        case reject(reason: JingleReason?, tieBreak: Bool)
        /// Section 3.3: the initiator withdraws (`cancel` by default; `tieBreak` in section 4.1).
        case retract(reason: JingleReason?, tieBreak: Bool)
        /// Section 3.7: the call has ended (`success` by default); `migratedTo` names the session
        /// that continues it (section 4.2).
        case finish(reason: JingleReason?, migratedTo: String?)

        /// The element name.
        public var name: String {
            switch self {
            case .propose: "propose"
            case .ringing: "ringing"
            case .proceed: "proceed"
            case .accept: "accept"
            case .reject: "reject"
            case .retract: "retract"
            case .finish: "finish"
            }
        }
    }

    public var kind: Kind
    /// The session id (the `id` attribute).
    public var id: String
    /// Children this model does not know (for example a client's OMEMO device hint), kept verbatim.
    public var extensions: [XMLElement]

    public init(_ kind: Kind, id: String, extensions: [XMLElement] = []) {
        self.kind = kind
        self.id = id
        self.extensions = extensions
    }

    /// Parses the JMI element itself (the child of the `<message/>`).
    public init(element: XMLElement) throws(JingleError) {
        guard element.namespace == JingleNamespace.jingleMessage else {
            throw JingleError(
                .invalidElement, element: element.name,
                "<\(element.name.jinglePrefix(64))/> is not in the \(JingleNamespace.jingleMessage) namespace")
        }
        id = try element.jingleRequiredNonEmpty("id")
        var extensions: [XMLElement] = []
        var reason: JingleReason?
        var tieBreak = false
        var migratedTo: String?
        var descriptions: [JingleContentDescription] = []
        let takesReason = ["reject", "retract", "finish"].contains(element.name)
        for child in element.elements {
            if element.name == "propose", child.name == "description" {
                descriptions.append(try JingleContentDescription(element: child))
            } else if takesReason, child.namespace == JingleNamespace.jingle, child.name == "reason", reason == nil {
                reason = try JingleReason(element: child)
            } else if element.name == "reject" || element.name == "retract", child.name == "tie-break",
                child.namespace == JingleNamespace.jingleMessage || child.namespace == JingleNamespace.jingle, !tieBreak
            {
                tieBreak = true
            } else if element.name == "finish", child.name == "migrated",
                child.namespace == JingleNamespace.jingleMessage,
                migratedTo == nil
            {
                migratedTo = try child.jingleRequiredNonEmpty("to")
            } else {
                extensions.append(child)
            }
        }
        switch element.name {
        case "propose":
            // Section 3.1: the propose MUST contain one <description/> per media type.
            guard !descriptions.isEmpty else {
                throw JingleError(.missingElement, element: "propose", "<propose/> has no <description/>")
            }
            kind = .propose(descriptions: descriptions)
        case "ringing": kind = .ringing
        case "proceed": kind = .proceed
        case "accept": kind = .accept
        case "reject": kind = .reject(reason: reason, tieBreak: tieBreak)
        case "retract": kind = .retract(reason: reason, tieBreak: tieBreak)
        case "finish": kind = .finish(reason: reason, migratedTo: migratedTo)
        default:
            throw JingleError(
                .invalidElement, element: element.name,
                "<\(element.name.jinglePrefix(64))/> is not an XEP-0353 element (propose, ringing, proceed, accept, reject, retract, finish)"
            )
        }
        self.extensions = extensions
    }

    /// The JMI element.
    public var element: XMLElement {
        var children: [XMLElement] = []
        switch kind {
        case .propose(let descriptions): children = descriptions.map(\.element)
        case .ringing, .proceed, .accept: break
        case .reject(let reason, let tieBreak), .retract(let reason, let tieBreak):
            if let reason { children.append(reason.element) }
            if tieBreak { children.append(XMLElement("tie-break", namespace: JingleNamespace.jingleMessage)) }
        case .finish(let reason, let migratedTo):
            if let reason { children.append(reason.element) }
            if let migratedTo {
                children.append(XMLElement("migrated", namespace: JingleNamespace.jingleMessage, ["to": migratedTo]))
            }
        }
        return XMLElement(
            kind.name, namespace: JingleNamespace.jingleMessage, ["id": id], elements: children + extensions)
    }

    /// The JMI payload of a `<message/>` stanza, or nil if it carries none.
    public static func find(in message: XMLElement) throws(JingleError) -> JingleMessage? {
        guard let element = message.firstChild(inNamespace: JingleNamespace.jingleMessage) else { return nil }
        return try JingleMessage(element: element)
    }

    /// The `<message/>` stanza carrying this element: `type='chat'` with a `<store/>` hint, as
    /// XEP-0353 section 3 requires of every JMI message.
    public func message(from: JID, to: JID, id messageID: String) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.component,
            ["type": "chat", "id": messageID, "from": from.description, "to": to.description],
            elements: [element, XMLElement("store", namespace: JingleNamespace.hints)])
    }

    /// XEP-0353 section 4.1: of two proposes crossing between the same parties, the lower id (i;octet)
    /// wins, and equal ids are decided by the lower JID. Returns true if ours wins.
    public static func ourProposeWins(ourID: String, ourJID: JID, theirID: String, theirJID: JID) -> Bool {
        JingleSession.ourInitiateWins(ourSid: ourID, ourJID: ourJID, theirSid: theirID, theirJID: theirJID)
    }
}
