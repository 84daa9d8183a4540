#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A `<jingle xmlns='urn:xmpp:jingle:1'/>` element (XEP-0166 section 7.1), the payload of every Jingle IQ.
///
/// Parsing keeps everything: children this model does not understand go to `extensions`, unknown
/// descriptions and transports stay as `.other` elements. `JinglePayload(element: p.element) == p`
/// holds for every value parsed from XML (the round trip the tests and the fuzzer check).
public struct JinglePayload: Sendable, Hashable {
    public var action: JingleAction
    /// Session identifier (an SDP/SIP Call-ID in spirit).
    public var sid: String
    /// The `initiator` attribute as sent (RECOMMENDED for session-initiate only, section 7.1).
    public var initiator: String?
    /// The `responder` attribute as sent (RECOMMENDED for session-accept only, section 7.1).
    public var responder: String?
    public var contents: [JingleContent]
    public var reason: JingleReason?
    /// XEP-0338 content groups (BUNDLE).
    public var groups: [JingleGroup]
    /// The XEP-0167 informational payload of a `session-info`, if it is one this module knows.
    public var info: JingleRTPInfo?
    /// Children this model does not know, kept verbatim (an unknown `session-info` payload lands here).
    public var extensions: [XMLElement]

    public init(
        action: JingleAction, sid: String, initiator: String? = nil, responder: String? = nil,
        contents: [JingleContent] = [], reason: JingleReason? = nil, groups: [JingleGroup] = [],
        info: JingleRTPInfo? = nil, extensions: [XMLElement] = []
    ) {
        self.action = action
        self.sid = sid
        self.initiator = initiator
        self.responder = responder
        self.contents = contents
        self.reason = reason
        self.groups = groups
        self.info = info
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("jingle", JingleNamespace.jingle)
        let actionText = try element.jingleRequired("action")
        guard let action = JingleAction(rawValue: actionText) else {
            // XEP-0166 section 7.2: an action the recipient does not understand gets a bad-request.
            throw JingleError(
                .unknownAction, element: "jingle", attribute: "action",
                "<jingle/> attribute 'action' is '\(actionText.jinglePrefix(64))', which XEP-0166 section 7.2 does not define"
            )
        }
        self.action = action
        sid = try element.jingleRequiredNonEmpty("sid")
        initiator = element[attribute: "initiator"]
        responder = element[attribute: "responder"]
        var contents: [JingleContent] = []
        var reason: JingleReason?
        var groups: [JingleGroup] = []
        var info: JingleRTPInfo?
        var extensions: [XMLElement] = []
        for child in element.elements {
            switch (child.namespace, child.name) {
            case (JingleNamespace.jingle, "content"): contents.append(try JingleContent(element: child))
            case (JingleNamespace.jingle, "reason") where reason == nil: reason = try JingleReason(element: child)
            case (JingleNamespace.grouping, "group"): groups.append(try JingleGroup(element: child))
            case (JingleNamespace.rtpInfo, _) where info == nil:
                if let parsed = try JingleRTPInfo(element: child) {
                    info = parsed
                } else {
                    extensions.append(child)
                }
            default: extensions.append(child)
            }
        }
        self.contents = contents
        self.reason = reason
        self.groups = groups
        self.info = info
        self.extensions = extensions
    }

    public var element: XMLElement {
        var children = contents.map(\.element)
        children += groups.map(\.element)
        if let reason { children.append(reason.element) }
        if let info { children.append(info.element) }
        children += extensions
        return XMLElement(
            "jingle", namespace: JingleNamespace.jingle,
            ["action": action.rawValue, "initiator": initiator, "responder": responder, "sid": sid],
            elements: children)
    }

    /// The `<jingle/>` payload of an IQ stanza, or nil if the stanza carries none.
    public static func find(in iq: XMLElement) throws(JingleError) -> JinglePayload? {
        guard let element = iq.firstChild("jingle", namespace: JingleNamespace.jingle) else { return nil }
        return try JinglePayload(element: element)
    }

    /// The content with this name.
    public func content(named name: String) -> JingleContent? {
        contents.first { $0.name == name }
    }
}
