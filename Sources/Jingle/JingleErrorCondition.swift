#if canImport(XMPPCore)
    import XMPPCore
#endif

/// The Jingle-specific error conditions (XEP-0166 section 10), each with the XMPP stanza error it
/// travels in, qualified by `urn:xmpp:jingle:errors:1`.
public enum JingleErrorCondition: String, Sendable, Hashable, CaseIterable {
    /// `unexpected-request`: the request cannot occur at this point in the state machine.
    case outOfOrder = "out-of-order"
    /// `conflict`: the request was sent while the other party awaited a reply on a similar one (section 7.2.16).
    case tieBreak = "tie-break"
    /// `item-not-found`: no content of that name.
    case unknownContent = "unknown-content"
    /// `item-not-found`: no such session (or not from its peer).
    case unknownSession = "unknown-session"
    /// `feature-not-implemented`: the informational payload is not understood (section 6.8).
    case unsupportedInfo = "unsupported-info"
    /// `not-acceptable`: information that must travel encrypted was sent in the clear (section 9).
    case securityRequired = "security-required"

    /// The stanza error to return, with this condition as its application-specific child.
    public var stanzaError: StanzaError {
        let app = XMLElement(rawValue, namespace: JingleNamespace.errors)
        switch self {
        case .outOfOrder: return StanzaError(.wait, "unexpected-request", applicationCondition: app)
        case .tieBreak: return StanzaError(.cancel, "conflict", applicationCondition: app)
        case .unknownContent, .unknownSession: return StanzaError(.cancel, "item-not-found", applicationCondition: app)
        case .unsupportedInfo: return StanzaError(.modify, "feature-not-implemented", applicationCondition: app)
        case .securityRequired: return StanzaError(.cancel, "not-acceptable", applicationCondition: app)
        }
    }

    /// The Jingle condition carried by a stanza error, if any.
    public init?(_ error: StanzaError) {
        guard let app = error.applicationCondition, app.namespace == JingleNamespace.errors else { return nil }
        self.init(rawValue: app.name)
    }
}
