#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0339 `<ssrc-group semantics=''>` (section 3.2), mapped to SDP `a=ssrc-group` (RFC 5576).
public struct JingleSourceGroup: Sendable, Hashable {
    /// `FID` (retransmission), `SIM` (simulcast), `FEC`...
    public var semantics: String
    public var sources: [UInt32]

    public init(semantics: String, sources: [UInt32]) {
        self.semantics = semantics
        self.sources = sources
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("ssrc-group", JingleNamespace.sourceAttributes)
        semantics = try element.jingleRequiredNonEmpty("semantics")
        var sources: [UInt32] = []
        for child in element.elements where child.name == "source" {
            sources.append(try child.jingleRequiredNumber("ssrc"))
        }
        self.sources = sources
    }

    public var element: XMLElement {
        XMLElement(
            "ssrc-group", namespace: JingleNamespace.sourceAttributes, ["semantics": semantics],
            elements: sources.map {
                XMLElement("source", namespace: JingleNamespace.sourceAttributes, ["ssrc": String($0)])
            })
    }
}
