#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0167 `<bandwidth type=''>kbps</bandwidth>` (section 4), mapped to an SDP `b=` line.
public struct JingleBandwidth: Sendable, Hashable {
    /// SDP `bwtype`: `AS`, `CT`, `TIAS`...
    public var type: String
    /// Bandwidth value (kilobits per second for AS/CT, bits per second for TIAS).
    public var value: UInt32

    public init(type: String, value: UInt32) {
        self.type = type
        self.value = value
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("bandwidth", JingleNamespace.rtp)
        type = try element.jingleRequiredNonEmpty("type")
        let text = element.text.trimmingJingleWhitespace()
        guard let value = UInt32.jingleDecimal(text) else {
            throw JingleError(
                .invalidElement, element: "bandwidth",
                "<bandwidth/> text is '\(text.jinglePrefix(32))', expected a decimal number")
        }
        self.value = value
    }

    public var element: XMLElement {
        XMLElement("bandwidth", namespace: JingleNamespace.rtp, ["type": type], text: String(value))
    }
}

extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF).
    func trimmingJingleWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
