import Testing
import SIPBridge

/// The parser refuses DTDs and entities, and reports malformed XML with its line.
@Suite("Configuration XML handling")
struct ConfigurationXMLSafetyTests {
    typealias F = ConfigurationFixture

    @Test("a DTD with entities is refused before any entity is expanded")
    func internalSubset() {
        let file = """
            <?xml version="1.0"?>
            <!DOCTYPE bridge [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            ]>
            <bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">
              <xmpp domain="sip.localhost" secret="&lol2;"/>
            </bridge>
            """
        #expect(F.errors(file) == [
            "component.xml:2: <!DOCTYPE> is not allowed: the configuration may not declare a DTD or entities",
        ])
    }

    @Test("an external DTD or entity is refused without being fetched")
    func externalSubset() {
        let file = """
            <!DOCTYPE bridge SYSTEM "file:///etc/passwd">
            <bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1"><xmpp domain="sip.localhost" secret="x"/></bridge>
            """
        #expect(F.errors(file) == [
            "component.xml:1: <!DOCTYPE> is not allowed: the configuration may not declare a DTD or entities",
        ])
    }

    @Test("undeclared entity references are refused; predefined and character references work")
    func entityReferences() throws {
        #expect(F.errors(F.document("\n" + #"<xmpp domain="sip.localhost" secret="&secret;"/>"#)) == [
            "component.xml:3: entity reference &secret; is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references are)",
        ])
        let configuration = try F.load(F.document(#"<xmpp domain="sip.localhost" secret="a&amp;b&#x3c;&quot;&#233;"/>"#))
        #expect(configuration.xmpp.secret == "a&b<\"é")
    }

    @Test("malformed XML is reported with its line")
    func malformed() {
        #expect(F.errors(F.withXMPP("<sip>\n<trunk name=\"a\" uri=\"sip:a\">\n</sip>")) == [
            "component.xml:5: malformed XML: Opening and ending tag mismatch: trunk line 4 and sip",
        ])
        #expect(F.errors("<bridge xmlns=\"urn:xmpp:jingle-sip-bridge:config:1\">\n<xmpp domain=sip.localhost/>\n</bridge>") == [
            "component.xml:2: malformed XML: AttValue: \" or ' expected",
        ])
        #expect(F.errors("") == ["component.xml: the file is empty"])
        #expect(F.errors("\n\n<bridge") .first?.hasPrefix("component.xml:3: malformed XML:") == true)
    }

    @Test("undeclared namespace prefixes are malformed")
    func undeclaredPrefix() {
        #expect(F.errors(F.withXMPP("<x:log/>")) == [
            "component.xml:3: malformed XML: Namespace prefix x on log is not defined",
        ])
    }

    @Test("comments, processing instructions and CDATA are fine")
    func otherNodes() throws {
        let configuration = try F.load(F.withXMPP("""
            <!-- a comment with <xmpp> in it -->
            <?some-tool hint?>
            <admins><jid><![CDATA[admin@localhost]]></jid></admins>
            """))
        #expect(configuration.admins == ["admin@localhost"])
    }
}
