import Testing

@testable import XMPPCore

@Suite struct JIDTests {
    @Test func parsesParts() throws {
        let jid = try JID("Alice@LocalHost./Phone 1")
        #expect(jid.localpart == "alice")
        #expect(jid.domainpart == "localhost")
        #expect(jid.resourcepart == "Phone 1")
        #expect(jid.bare.description == "alice@localhost")
        #expect(try JID("sip.localhost").localpart == nil)
        #expect(try JID("a@b/c/d@e").resourcepart == "c/d@e")
        #expect(try JID("+15551234567@sip.localhost").localpart == "+15551234567")
    }

    @Test(arguments: ["", "@x", "a@", "a@b/", "a b@c", "a@b c", "a:b@c", "a<b@c", String(repeating: "x", count: 1024) + "@d"])
    func refusesInvalid(_ text: String) {
        #expect(throws: JIDError.self) { try JID(text) }
    }

    /// XEP-0106 section 5 (examples).
    @Test(arguments: [
        ("space cadet", "space\\20cadet"),
        ("call me \"ishmael\"", "call\\20me\\20\\22ishmael\\22"),
        ("at&t guy", "at\\26t\\20guy"),
        ("d'artagnan", "d\\27artagnan"),
        ("/.fanboy", "\\2f.fanboy"),
        ("::foo::", "\\3a\\3afoo\\3a\\3a"),
        ("<foo>", "\\3cfoo\\3e"),
        ("user@host", "user\\40host"),
        ("c:\\net", "c\\3a\\net"),
        ("c:\\\\net", "c\\3a\\\\net"),
        ("c:\\cool stuff", "c\\3a\\cool\\20stuff"),
        ("c:\\5commas", "c\\3a\\5c5commas"),
        ("alice@pbx.example.com", "alice\\40pbx.example.com"),
    ])
    func escapingTable(raw: String, escaped: String) {
        #expect(JIDEscaping.escape(raw) == escaped)
        #expect(JIDEscaping.unescape(escaped) == raw)
    }

    @Test func escapedSIPAddressIsAValidLocalpart() throws {
        let jid = try JID(localpart: JIDEscaping.escape("alice@pbx.example.com"), domainpart: "sip.example.org")
        #expect(jid.description == "alice\\40pbx.example.com@sip.example.org")
        #expect(JIDEscaping.unescape(jid.localpart!) == "alice@pbx.example.com")
        #expect(JIDEscaping.escape(" x ") == "x")
    }
}
