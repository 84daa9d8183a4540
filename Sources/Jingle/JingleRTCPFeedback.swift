#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0293 `<rtcp-fb type='' subtype=''/>`: one `a=rtcp-fb` value (RFC 4585 section 4.2).
///
/// Inside a `<payload-type/>` it applies to that payload type; directly inside the `<description/>` it
/// applies to all of them (SDP `a=rtcp-fb:*`).
public struct JingleRTCPFeedback: Sendable, Hashable {
    /// `nack`, `ccm`, `goog-remb`, `transport-cc`...
    public var type: String
    /// `pli`, `fir`, `sli`... or nil.
    public var subtype: String?
    /// RFC 4585 feedback parameters beyond the subtype, rarely used.
    public var parameters: [JingleParameter]

    public init(type: String, subtype: String? = nil, parameters: [JingleParameter] = []) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("rtcp-fb", JingleNamespace.rtcpFeedback)
        type = try element.jingleRequiredNonEmpty("type")
        subtype = element[attribute: "subtype"]
        var parameters: [JingleParameter] = []
        for child in element.elements where JingleParameter.isParameter(child, in: JingleNamespace.rtcpFeedback) {
            parameters.append(try JingleParameter(element: child))
        }
        self.parameters = parameters
    }

    public var element: XMLElement {
        XMLElement(
            "rtcp-fb", namespace: JingleNamespace.rtcpFeedback, ["type": type, "subtype": subtype],
            elements: parameters.map { $0.element(namespace: JingleNamespace.rtcpFeedback) })
    }

    /// Parses an XEP-0293 `<rtcp-fb-trr-int value=''/>` (RFC 4585 `a=rtcp-fb:... trr-int`).
    static func trrInterval(_ element: XMLElement) throws(JingleError) -> UInt32 {
        try element.jingleRequiredNumber("value")
    }

    static func trrIntervalElement(_ value: UInt32) -> XMLElement {
        XMLElement("rtcp-fb-trr-int", namespace: JingleNamespace.rtcpFeedback, ["value": String(value)])
    }
}
