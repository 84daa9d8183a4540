#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A Jingle `<content/>` (XEP-0166 section 7.3): one application format with one transport method.
///
/// Description and transport are optional because several actions carry neither (`content-remove`,
/// `content-modify`) or only one of them (`transport-info`).
public struct JingleContent: Sendable, Hashable {
    /// Which party created the content. REQUIRED by XEP-0166; a missing value is read as `initiator`.
    public var creator: JingleCreator
    /// Unique within the session (XEP-0166 section 7.3); mapped to SDP `a=mid`.
    public var name: String
    /// Who sends media; nil when the attribute is absent (which means `both`).
    public var senders: JingleSenders?
    /// RFC 2183 disposition; nil (absent) means `session`.
    public var disposition: String?
    public var description: JingleContentDescription?
    public var transport: JingleContentTransport?
    /// Other children (for example an XEP-0166 `<security/>` precondition), kept verbatim.
    public var extensions: [XMLElement]

    public init(
        creator: JingleCreator = .initiator, name: String, senders: JingleSenders? = nil, disposition: String? = nil,
        description: JingleContentDescription? = nil, transport: JingleContentTransport? = nil,
        extensions: [XMLElement] = []
    ) {
        self.creator = creator
        self.name = name
        self.senders = senders
        self.disposition = disposition
        self.description = description
        self.transport = transport
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("content", JingleNamespace.jingle)
        creator = try element.jingleEnum("creator") ?? .initiator
        name = try element.jingleRequiredNonEmpty("name")
        senders = try element.jingleEnum("senders")
        disposition = element[attribute: "disposition"]
        var description: JingleContentDescription?
        var transport: JingleContentTransport?
        var extensions: [XMLElement] = []
        for child in element.elements {
            if child.name == "description", description == nil {
                description = try JingleContentDescription(element: child)
            } else if child.name == "transport", transport == nil {
                transport = try JingleContentTransport(element: child)
            } else {
                extensions.append(child)
            }
        }
        self.description = description
        self.transport = transport
        self.extensions = extensions
    }

    public var element: XMLElement {
        var children: [XMLElement] = []
        if let description { children.append(description.element) }
        if let transport { children.append(transport.element) }
        children += extensions
        return XMLElement(
            "content", namespace: JingleNamespace.jingle,
            ["creator": creator.rawValue, "disposition": disposition, "name": name, "senders": senders?.rawValue],
            elements: children)
    }

    /// `senders` with the XEP-0166 default applied.
    public var effectiveSenders: JingleSenders { senders ?? .both }

    /// The RTP description, if any.
    public var rtpDescription: JingleRTPDescription? { description?.rtp }

    /// The ICE-UDP transport, if any.
    public var iceUDPTransport: JingleICEUDPTransport? { transport?.iceUDP }

    /// Whether the disposition is `session` (XEP-0166 section 7.2.8 and 7.2.10).
    public var isSessionDisposition: Bool { disposition == nil || disposition == "session" }
}
