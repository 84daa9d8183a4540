#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0294 `<rtp-hdrext id='' uri='' senders=''/>` (section 3), mapped to SDP `a=extmap` (RFC 8285).
public struct JingleHeaderExtension: Sendable, Hashable {
    /// Extension identifier: 1-256 or 4096-4351 (XEP-0294 section 3).
    public var id: UInt16
    public var uri: String
    /// Who may send the extension; absent means `both`.
    public var senders: JingleSenders?
    /// Extension attributes (`a=extmap:<id> <uri> <attributes>`).
    public var parameters: [JingleParameter]

    public init(id: UInt16, uri: String, senders: JingleSenders? = nil, parameters: [JingleParameter] = []) {
        self.id = id
        self.uri = uri
        self.senders = senders
        self.parameters = parameters
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("rtp-hdrext", JingleNamespace.headerExtensions)
        let id: UInt16 = try element.jingleRequiredNumber("id")
        guard (1...256).contains(id) || (4096...4351).contains(id) else {
            throw JingleError.invalidAttribute(
                "id", of: "rtp-hdrext", value: String(id), expected: "1-256 or 4096-4351")
        }
        self.id = id
        uri = try element.jingleRequiredNonEmpty("uri")
        senders = try element.jingleEnum("senders")
        var parameters: [JingleParameter] = []
        for child in element.elements where JingleParameter.isParameter(child, in: JingleNamespace.headerExtensions) {
            parameters.append(try JingleParameter(element: child))
        }
        self.parameters = parameters
    }

    public var element: XMLElement {
        XMLElement(
            "rtp-hdrext", namespace: JingleNamespace.headerExtensions,
            ["id": String(id), "uri": uri, "senders": senders?.rawValue],
            elements: parameters.map { $0.element(namespace: JingleNamespace.headerExtensions) })
    }
}
