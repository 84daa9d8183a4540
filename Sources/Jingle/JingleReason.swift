#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A Jingle `<reason/>` (XEP-0166 section 7.4): a condition, optional human text, and optional
/// elements of other namespaces giving detail. Also carried by XEP-0353 retract, reject and finish.
public struct JingleReason: Sendable, Hashable {
    public var condition: JingleReasonCondition
    public var text: String?
    /// Detail elements qualified by other namespaces (XEP-0166 section 7.4), kept verbatim.
    public var extensions: [XMLElement]

    public init(_ condition: JingleReasonCondition, text: String? = nil, extensions: [XMLElement] = []) {
        self.condition = condition
        self.text = text
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("reason", JingleNamespace.jingle)
        var condition: JingleReasonCondition?
        var text: String?
        var extensions: [XMLElement] = []
        for child in element.elements {
            if child.namespace == JingleNamespace.jingle, child.name == "text", text == nil {
                text = child.text
            } else if child.namespace == JingleNamespace.jingle, child.name != "text", condition == nil {
                var parsed = JingleReasonCondition(name: child.name)
                if case .alternativeSession = parsed {
                    let sid = child.firstChild("sid", namespace: JingleNamespace.jingle)?.text
                    parsed = .alternativeSession(sid: sid?.trimmingJingleWhitespace())
                }
                condition = parsed
            } else {
                extensions.append(child)
            }
        }
        // XEP-0166 section 7.4: "The <reason/> element MUST contain an element that provides
        // machine-readable information about the condition".
        guard let condition else {
            throw JingleError(.missingElement, element: "reason", "<reason/> has no condition element")
        }
        self.condition = condition
        self.text = text
        self.extensions = extensions
    }

    public var element: XMLElement {
        var conditionElement = XMLElement(condition.name, namespace: JingleNamespace.jingle)
        if case .alternativeSession(let sid?) = condition {
            conditionElement.append(XMLElement("sid", namespace: JingleNamespace.jingle, text: sid))
        }
        var children = [conditionElement]
        if let text { children.append(XMLElement("text", namespace: JingleNamespace.jingle, text: text)) }
        children += extensions
        return XMLElement("reason", namespace: JingleNamespace.jingle, elements: children)
    }
}
