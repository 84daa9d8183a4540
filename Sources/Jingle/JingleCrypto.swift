#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0167 `<crypto/>` (section 7, SRTP key exchange in the signalling, RFC 4568 `a=crypto`).
public struct JingleCrypto: Sendable, Hashable {
    /// `AES_CM_128_HMAC_SHA1_80`...
    public var cryptoSuite: String
    /// `inline:<key||salt>[|lifetime][|MKI:length]`.
    public var keyParams: String
    public var sessionParams: String?
    /// The RFC 4568 tag, a decimal number.
    public var tag: String

    public init(cryptoSuite: String, keyParams: String, sessionParams: String? = nil, tag: String) {
        self.cryptoSuite = cryptoSuite
        self.keyParams = keyParams
        self.sessionParams = sessionParams
        self.tag = tag
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("crypto", JingleNamespace.rtp)
        cryptoSuite = try element.jingleRequiredNonEmpty("crypto-suite")
        keyParams = try element.jingleRequiredNonEmpty("key-params")
        sessionParams = element[attribute: "session-params"]
        tag = try element.jingleRequiredNonEmpty("tag")
    }

    public var element: XMLElement {
        XMLElement(
            "crypto", namespace: JingleNamespace.rtp,
            ["crypto-suite": cryptoSuite, "key-params": keyParams, "session-params": sessionParams, "tag": tag])
    }
}
