#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0320 `<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='' setup=''>` inside an ICE-UDP
/// transport: SDP `a=fingerprint` (RFC 8122) together with `a=setup` (RFC 4145).
public struct JingleDTLSFingerprint: Sendable, Hashable {
    /// Hash function name as in RFC 8122 (`sha-256`...).
    public var hash: String
    /// DTLS role; required by the XEP-0320 schema, optional here so a client omitting it can be
    /// handled by `JingleDTLSRole` with the RFC defaults.
    public var setup: JingleDTLSSetup?
    /// Colon-separated upper-case hex (white space around it is dropped).
    public var value: String

    public init(hash: String, setup: JingleDTLSSetup?, value: String) {
        self.hash = hash
        self.setup = setup
        self.value = value
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("fingerprint", JingleNamespace.dtls)
        hash = try element.jingleRequiredNonEmpty("hash")
        setup = try element.jingleEnum("setup")
        value = element.text.trimmingJingleWhitespace()
        guard !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else {
            throw JingleError(
                .invalidElement, element: "fingerprint",
                "<fingerprint/> text is '\(value.jinglePrefix(32))', expected the hex fingerprint without spaces")
        }
    }

    public var element: XMLElement {
        XMLElement(
            "fingerprint", namespace: JingleNamespace.dtls, ["hash": hash, "setup": setup?.rawValue], text: value)
    }
}
