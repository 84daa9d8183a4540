#if canImport(XMPPCore)
    import XMPPCore
#endif

/// A `<parameter name='' value=''/>` element: an `a=fmtp` parameter of a payload type (XEP-0167 section 4),
/// of an RTP header extension (XEP-0294) or of a source (XEP-0339), or an RTCP feedback parameter (XEP-0293).
///
/// The element lives in the namespace of its container; `value` is optional because XEP-0294 stores
/// parameters that are not of the `a=b` form as a name with no value.
public struct JingleParameter: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    public init(element: XMLElement) throws(JingleError) {
        guard element.name == "parameter" else {
            throw JingleError(.invalidElement, element: element.name, "expected <parameter/>")
        }
        name = try element.jingleRequired("name")
        value = element[attribute: "value"]
    }

    /// The element, in the namespace of the element that contains it.
    public func element(namespace: String) -> XMLElement {
        XMLElement("parameter", namespace: namespace, ["name": name, "value": value])
    }

    /// Whether `element` is a parameter of a container in `namespace` (its own namespace, or the RTP
    /// namespace that some clients use for every parameter).
    static func isParameter(_ element: XMLElement, in namespace: String) -> Bool {
        element.name == "parameter" && (element.namespace == namespace || element.namespace == JingleNamespace.rtp)
    }
}
