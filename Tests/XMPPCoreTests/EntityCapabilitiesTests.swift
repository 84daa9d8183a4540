import Testing

@testable import XMPPCore

@Suite struct EntityCapabilitiesTests {
    /// XEP-0115 section 5.2 simple generation example.
    @Test func simpleExample() {
        let caps = EntityCapabilities(
            identities: [.init(category: "client", type: "pc", name: "Exodus 0.9.1")],
            features: [
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps",
            ])
        #expect(caps.verificationString == "QgayPKawpkPSDYmwT/WM94uAlu0=")
    }

    /// XEP-0115 section 5.3 complex generation example (identities with xml:lang and an extended form).
    @Test func complexExample() {
        let form = DataForm(
            type: .result,
            fields: [
                .init("FORM_TYPE", type: "hidden", values: ["urn:xmpp:dataforms:softwareinfo"]),
                .init("ip_version", type: "text-multi", values: ["ipv4", "ipv6"]),
                .init("os", values: ["Mac"]),
                .init("os_version", values: ["10.5.1"]),
                .init("software", values: ["Psi"]),
                .init("software_version", values: ["0.11"]),
            ])
        let caps = EntityCapabilities(
            identities: [
                .init(category: "client", type: "pc", name: "Psi 0.11", lang: "en"),
                .init(category: "client", type: "pc", name: "\u{03A8} 0.11", lang: "el"),
            ],
            features: [
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps",
            ], forms: [form])
        #expect(caps.verificationString == "q07IKJEyjvHSyhy//CH0CxmKi8w=")
    }

    @Test func handshakeDigest() {
        #expect(SHA1.hexDigest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}
