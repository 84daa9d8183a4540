#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0339 `<source ssrc=''>` (section 3.1) with its `a=ssrc` attributes as parameters
/// (`cname`, `msid`, and the legacy `mslabel`/`label` that Jitsi-style clients still send).
public struct JingleSource: Sendable, Hashable {
    public var ssrc: UInt32
    public var parameters: [JingleParameter]
    /// Other children (for example Jitsi's `<ssrc-info owner=''/>`), kept verbatim.
    public var extensions: [XMLElement]

    public init(ssrc: UInt32, parameters: [JingleParameter] = [], extensions: [XMLElement] = []) {
        self.ssrc = ssrc
        self.parameters = parameters
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("source", JingleNamespace.sourceAttributes)
        ssrc = try element.jingleRequiredNumber("ssrc")
        var parameters: [JingleParameter] = []
        var extensions: [XMLElement] = []
        for child in element.elements {
            if JingleParameter.isParameter(child, in: JingleNamespace.sourceAttributes) {
                parameters.append(try JingleParameter(element: child))
            } else {
                extensions.append(child)
            }
        }
        self.parameters = parameters
        self.extensions = extensions
    }

    public var element: XMLElement {
        XMLElement(
            "source", namespace: JingleNamespace.sourceAttributes, ["ssrc": String(ssrc)],
            elements: parameters.map { $0.element(namespace: JingleNamespace.sourceAttributes) } + extensions)
    }

    /// Value of the named source attribute (`cname`, `msid`...).
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }
}
