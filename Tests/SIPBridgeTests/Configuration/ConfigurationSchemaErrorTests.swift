import Testing
import SIPBridge

/// Structural errors: found by RELAX NG validation, explained from the schema.
@Suite("Configuration schema errors")
struct ConfigurationSchemaErrorTests {
    typealias F = ConfigurationFixture

    @Test("a missing required attribute")
    func missingAttribute() {
        #expect(F.errors(F.withXMPP(#"<sip>"# + "\n" + #"<trunk name="provider"/></sip>"#)) == [
            "component.xml:4: <trunk> needs a uri attribute",
        ])
        #expect(F.errors(F.document(#"<xmpp secret="x"/>"#)) == [
            "component.xml:2: <xmpp> needs a domain attribute",
        ])
    }

    @Test("an unknown attribute, with a suggestion when it looks like a typo")
    func unknownAttribute() {
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" prot="5347"/>"#)) == [
            "component.xml:2: attribute prot is not allowed on <xmpp>; did you mean port?",
        ])
        #expect(F.errors(F.withXMPP(#"<log level="info" colour="yes"/>"#)) == [
            "component.xml:3: attribute colour is not allowed on <log>",
        ])
        #expect(F.errors(F.withXMPP(#"<log xml:lang="en"/>"#)) == [
            "component.xml:3: attribute xml:lang is not allowed on <log>",
        ])
    }

    @Test("an unknown or misplaced element")
    func unknownElement() {
        #expect(F.errors(F.withXMPP("<sip>\n  <foo/>\n</sip>")) == [
            "component.xml:4: <foo> is not allowed inside <sip>",
        ])
        #expect(F.errors(F.withXMPP("<sip><trunks/></sip>")) == [
            "component.xml:3: <trunks> is not allowed inside <sip>; did you mean <trunk>?",
        ])
        #expect(F.errors(F.withXMPP(#"<media><trunk name="a" uri="sip:a"/></media>"#)) == [
            "component.xml:3: <trunk> is not allowed inside <media>; it belongs inside <sip>",
        ])
        #expect(F.errors(F.withXMPP(#"<x:foo xmlns:x="urn:other"/>"#)) == [
            "component.xml:3: <x:foo> is not allowed inside <bridge>",
        ])
        #expect(F.errors(F.withXMPP(#"<log xmlns=""/>"#)) == [
            "component.xml:3: <log> must be in namespace urn:xmpp:jingle-sip-bridge:config:1, like its parent",
        ])
    }

    @Test("a value outside an enumeration")
    func badEnumeration() {
        #expect(F.errors(F.withXMPP(#"<sip><trunk name="a" uri="sip:a" transport="xyz"/></sip>"#)) == [
            #"component.xml:3: <trunk transport="xyz">: expected one of udp, tcp, tls, ws, wss"#,
        ])
        #expect(F.errors(F.withXMPP(#"<log level="verbose"/>"#)) == [
            #"component.xml:3: <log level="verbose">: expected one of trace, debug, info, notice, warning, error, critical"#,
        ])
        #expect(F.errors(F.withXMPP(#"<media ice-lite="yes"/>"#)) == [
            #"component.xml:3: <media ice-lite="yes">: expected one of true, false"#,
        ])
        #expect(F.errors(F.withXMPP(#"<sip><trunk name="a" uri="sip:a" codecs="PCMU GSM"/></sip>"#)) == [
            #"component.xml:3: <trunk codecs="PCMU GSM">: expected a space-separated list of PCMU, PCMA, G722, opus, telephone-event"#,
        ])
    }

    @Test("numbers out of range or malformed")
    func badNumbers() {
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" port="0"/>"#)) == [
            #"component.xml:2: <xmpp port="0">: expected an integer from 1 to 65535"#,
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" port="http"/>"#)) == [
            #"component.xml:2: <xmpp port="http">: expected an integer from 1 to 65535"#,
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" ping-timeout="0"/>"#)) == [
            #"component.xml:2: <xmpp ping-timeout="0">: expected a number greater than 0 and at most 86400"#,
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" iq-timeout="10s"/>"#)) == [
            #"component.xml:2: <xmpp iq-timeout="10s">: expected a number greater than 0 and at most 86400"#,
        ])
        #expect(F.errors(F.withXMPP(#"<media opus-complexity="11"/>"#)) == [
            #"component.xml:3: <media opus-complexity="11">: expected an integer from 0 to 10"#,
        ])
    }

    @Test("empty values")
    func emptyValues() {
        #expect(F.errors(F.document(#"<xmpp domain=" " secret="x"/>"#)) == [
            #"component.xml:2: <xmpp domain=" ">: expected a non-empty value"#,
        ])
        #expect(F.errors(F.withXMPP("<admins>\n<jid> </jid></admins>")) == [
            "component.xml:4: <jid></jid>: expected a non-empty value",
        ])
    }

    @Test("exactly one of secret, secret-env and secret-file")
    func secretChoice() {
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost"/>"#)) == [
            "component.xml:2: <xmpp> needs a secret, secret-env or secret-file attribute",
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" secret-env="SECRET"/>"#)) == [
            "component.xml:2: <xmpp> takes only one of secret, secret-env or secret-file (found secret and secret-env)",
        ])
        #expect(F.errors(F.withXMPP(#"<access><allow/></access>"#)) == [
            "component.xml:3: <allow> needs a jid or domain attribute",
        ])
    }

    @Test("required, repeated and missing elements")
    func elementCounts() {
        #expect(F.errors(F.document(#"<log level="info"/>"#)) == [
            "component.xml:1: <bridge> needs an <xmpp> element",
        ])
        #expect(F.errors(F.withXMPP("<log/>\n<log/>")) == [
            "component.xml:4: <bridge> allows only one <log>",
        ])
        #expect(F.errors(F.withXMPP("<sip><limits/><limits/></sip>")) == [
            "component.xml:3: <sip> allows only one <limits>",
        ])
    }

    @Test("text where none belongs")
    func text() {
        #expect(F.errors(F.withXMPP("<log>debug</log>")) == [
            "component.xml:3: <log> must not contain text",
        ])
    }

    @Test("the wrong root element or namespace")
    func root() {
        #expect(F.errors(#"<bridge><xmpp domain="sip.localhost" secret="x"/></bridge>"#) == [
            #"component.xml:1: the root element must be <bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">, found <bridge> without that namespace"#,
        ])
        #expect(F.errors(#"<config xmlns="urn:xmpp:jingle-sip-bridge:config:1"/>"#) == [
            #"component.xml:1: the root element must be <bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">, found <config>"#,
        ])
    }

    @Test("lines point at the start tag, and at the attribute's own line")
    func multiLineTags() {
        let file = F.withXMPP("""
            <sip>
              <trunk
                  name="provider"
                  transport="carrier-pigeon"
                  uri="sip:sip.example.com">
              </trunk>
              <trunk
                  name="other"/>
            </sip>
            """)
        #expect(F.errors(file) == [
            #"component.xml:6: <trunk transport="carrier-pigeon">: expected one of udp, tcp, tls, ws, wss"#,
            "component.xml:9: <trunk> needs a uri attribute",
        ])
    }

    @Test("all problems are reported at once, in line order")
    func severalErrors() {
        let file = F.document("""
            <log level="loud"/>
            <xmpp domain="sip.localhost" secret="x" port="99999"/>
            <sip>
              <trunk name="a"/>
              <bogus/>
            </sip>
            """)
        #expect(F.errors(file) == [
            #"component.xml:2: <log level="loud">: expected one of trace, debug, info, notice, warning, error, critical"#,
            #"component.xml:3: <xmpp port="99999">: expected an integer from 1 to 65535"#,
            "component.xml:5: <trunk> needs a uri attribute",
            "component.xml:6: <bogus> is not allowed inside <sip>",
        ])
    }

    @Test("secrets are not repeated in messages")
    func hiddenValues() {
        #expect(F.errors(F.withXMPP(#"<sip><trunk name="a" uri="sip:a" password="hunter2"/></sip>"#)) == [
            #"component.xml:3: <trunk password="…">: a password needs a username attribute"#,
        ])
    }
}
