#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0338 `<group semantics=''>` of content names (RFC 5888 `a=group`), typically `BUNDLE`.
public struct JingleGroup: Sendable, Hashable {
    public var semantics: String
    /// Names of the grouped contents (their SDP `a=mid`).
    public var contents: [String]

    public init(semantics: String, contents: [String]) {
        self.semantics = semantics
        self.contents = contents
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("group", JingleNamespace.grouping)
        semantics = try element.jingleRequiredNonEmpty("semantics")
        var names: [String] = []
        for child in element.elements where child.name == "content" {
            let name = try child.jingleRequiredNonEmpty("name")
            guard !name.contains(where: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) else {
                // An a=group line is space-separated (RFC 5888 section 5).
                throw JingleError.invalidAttribute("name", of: "content", value: name, expected: "no white space")
            }
            names.append(name)
        }
        contents = names
    }

    public var element: XMLElement {
        XMLElement(
            "group", namespace: JingleNamespace.grouping, ["semantics": semantics],
            elements: contents.map { XMLElement("content", namespace: JingleNamespace.grouping, ["name": $0]) })
    }
}
