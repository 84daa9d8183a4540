import Testing

@testable import XMPPCore

@Suite struct XMLElementTests {
    @Test func escapesTextAndAttributes() {
        let element = XMLElement(
            "body", namespace: "jabber:client", ["a": "x'\"<>&\n"], text: "<&>'\u{1}")
        #expect(
            element.serialized()
                == "<body xmlns='jabber:client' a='x&apos;&quot;&lt;&gt;&amp;&#10;'>&lt;&amp;&gt;'\u{FFFD}</body>")
    }

    @Test func carriageReturnInTextRoundTrips() throws {
        let element = XMLElement("body", namespace: "jabber:client", text: "a\r\nb\rc")
        #expect(element.serialized() == "<body xmlns='jabber:client'>a&#13;\nb&#13;c</body>")
        let parser = XMLStreamParser()
        try parser.append(Array(XMLStreamParserTests.wrap(element.serialized()).utf8))
        _ = parser.next()
        #expect(parser.next() == .stanza(element))
    }

    @Test func omitsInheritedNamespace() {
        var iq = XMLElement("iq", namespace: Namespace.component, ["type": "get"])
        iq.append(XMLElement("ping", namespace: Namespace.ping))
        #expect(iq.serialized(parentNamespace: Namespace.component) == "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>")
    }

    @Test func namespacedAttributeGetsPrefix() throws {
        let element = XMLElement(
            "x", namespace: "urn:a", attributes: [XMLAttribute("b", "1", namespace: "urn:attr")])
        let text = element.serialized()
        let parser = XMLStreamParser()
        try parser.append(Array(XMLStreamParserTests.wrap(text).utf8))
        _ = parser.next()
        #expect(parser.next() == .stanza(element))
    }

    @Test func stanzaErrorRoundTrip() throws {
        let iq = XMLElement.iq(
            type: "get", id: "7", from: try JID("alice@localhost/a"), to: try JID("sip.localhost"),
            payload: XMLElement("query", namespace: "urn:unknown"))
        let reply = iq.errorReply(StanzaError(.cancel, "service-unavailable", text: "no"))
        #expect(reply[attribute: "to"] == "alice@localhost/a")
        #expect(reply[attribute: "from"] == "sip.localhost")
        #expect(reply.type == "error")
        #expect(StanzaError(stanza: reply) == StanzaError(.cancel, "service-unavailable", text: "no"))
        #expect(reply.firstChild("query") == nil)
    }

    @Test func dataFormRoundTrip() throws {
        let form = DataForm(
            type: .form, title: "T", instructions: ["pick"],
            fields: [
                DataForm.Field("FORM_TYPE", type: "hidden", values: ["urn:x"]),
                DataForm.Field("choice", type: "list-single", label: "Choice", values: ["b"], options: [("A", "a"), (nil, "b")]),
            ])
        #expect(DataForm(element: form.element) == form)
        #expect(form.formType == "urn:x")
    }
}
