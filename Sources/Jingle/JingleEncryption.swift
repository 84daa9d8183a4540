#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0167 `<encryption required=''>` (section 7) holding SDES `<crypto/>` offers.
public struct JingleEncryption: Sendable, Hashable {
    /// The `required` attribute as sent ("true"/"1" or "false"/"0"); nil when absent.
    public var required: Bool?
    public var crypto: [JingleCrypto]
    /// Other children (for example ZRTP hashes, XEP-0262), kept verbatim.
    public var extensions: [XMLElement]

    public init(required: Bool? = nil, crypto: [JingleCrypto], extensions: [XMLElement] = []) {
        self.required = required
        self.crypto = crypto
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("encryption", JingleNamespace.rtp)
        switch element[attribute: "required"] {
        case nil: required = nil
        case "true", "1": required = true
        case "false", "0": required = false
        case let other?:
            throw JingleError.invalidAttribute("required", of: "encryption", value: other, expected: "a boolean")
        }
        var crypto: [JingleCrypto] = []
        var extensions: [XMLElement] = []
        for child in element.elements {
            if child.name == "crypto", child.namespace == JingleNamespace.rtp {
                crypto.append(try JingleCrypto(element: child))
            } else {
                extensions.append(child)
            }
        }
        self.crypto = crypto
        self.extensions = extensions
    }

    public var element: XMLElement {
        XMLElement(
            "encryption", namespace: JingleNamespace.rtp, ["required": required.map { $0 ? "true" : "false" }],
            elements: crypto.map(\.element) + extensions)
    }
}
