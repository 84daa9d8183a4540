import Testing
import SIPBridge

/// Errors the schema cannot express, found after validation.
@Suite("Configuration meaning errors")
struct ConfigurationSemanticErrorTests {
    typealias F = ConfigurationFixture

    /// `<sip>` on line 3 holding `body` from line 4.
    static func sip(_ body: String, attributes: String = "") -> String {
        F.withXMPP("<sip\(attributes)>\n\(body)\n</sip>")
    }

    @Test("trunk names must be unique")
    func duplicateTrunk() {
        #expect(F.errors(Self.sip("""
            <trunk name="provider" uri="sip:a.example"/>
            <trunk name="provider" uri="sip:b.example"/>
            """)) == [
            #"component.xml:5: <trunk name="provider">: a trunk named provider is already defined on line 4"#,
        ])
    }

    @Test("trunk and failover URIs must be sip: or sips: URIs with a host")
    func badURI() {
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="http://example.com"/>"#)) == [
            #"component.xml:4: <trunk uri="http://example.com">: expected a SIP URI such as sip:sip.example.com or sips:sip.example.com:5061"#,
        ])
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:example.com:0"/>"#)) == [
            #"component.xml:4: <trunk uri="sip:example.com:0">: expected a SIP URI such as sip:sip.example.com or sips:sip.example.com:5061"#,
        ])
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example"><failover uri="sip:"/></trunk>"#)) == [
            #"component.xml:4: <failover uri="sip:">: expected a SIP URI such as sip:sip.example.com or sips:sip.example.com:5061"#,
        ])
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sips:a.example"/>"#)) == [
            #"component.xml:4: <trunk uri="sips:a.example">: a sips: URI needs transport="tls" or transport="wss""#,
        ])
    }

    @Test("SDES needs a TLS transport")
    func sdesWithoutTLS() {
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example" transport="tcp" srtp="sdes"/>"#)) == [
            #"component.xml:4: <trunk srtp="sdes">: SDES keys only ever travel over TLS; set transport="tls" or transport="wss""#,
        ])
    }

    @Test("registering needs a username; a password needs one too")
    func credentials() {
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example" register="true"/>"#)) == [
            #"component.xml:4: <trunk register="true">: registering needs a username attribute"#,
        ])
    }

    @Test("codec lists: no repeats, an audio codec, telephone-event for RFC 4733")
    func codecs() {
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example" codecs="PCMU PCMU telephone-event"/>"#)) == [
            #"component.xml:4: <trunk codecs="PCMU PCMU telephone-event">: PCMU is listed twice"#,
        ])
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example" codecs="telephone-event"/>"#)) == [
            #"component.xml:4: <trunk codecs="telephone-event">: needs at least one audio codec besides telephone-event"#,
        ])
        #expect(F.errors(Self.sip(#"<trunk name="a" uri="sip:a.example" codecs="PCMA"/>"#)) == [
            #"component.xml:4: <trunk codecs="PCMA">: RFC 4733 DTMF needs telephone-event; add it, or set dtmf="info""#,
        ])
    }

    @Test("allow-from must be an address or network without host bits")
    func allowFrom() {
        #expect(F.errors(Self.sip("""
            <trunk name="a" uri="sip:a.example">
              <allow-from address="10.0.0.300/8"/>
              <allow-from address="10.1.2.3/8"/>
              <allow-from address="2001:db8::/129"/>
            </trunk>
            """)) == [
            #"component.xml:5: <allow-from address="10.0.0.300/8">: expected an IPv4 or IPv6 address or network such as 203.0.113.0/24"#,
            #"component.xml:6: <allow-from address="10.1.2.3/8">: has host bits set; did you mean 10.0.0.0/8?"#,
            #"component.xml:7: <allow-from address="2001:db8::/129">: expected an IPv4 or IPv6 address or network such as 203.0.113.0/24"#,
        ])
    }

    @Test("routes: the regex must compile, the trunk must exist, the template must fit")
    func routes() {
        #expect(F.errors(Self.sip("""
            <trunk name="a" uri="sip:a.example"/>
            <route match="([0-9]+" trunk="a"/>
            <route match="[0-9]+" trunk="b"/>
            <route match="0([0-9]+)" trunk="a" rewrite="+49$2"/>
            <route match="0([0-9]+)" trunk="a" rewrite="$$1"/>
            """)) == [
            #"component.xml:5: <route match="([0-9]+">: not a valid regular expression"#,
            #"component.xml:6: <route trunk="b">: there is no <trunk> named b"#,
            #"component.xml:7: <route rewrite="+49$2">: $2 refers to a group that match does not have (it has 1 group)"#,
            #"component.xml:8: <route rewrite="$$1">: $ must be followed by a group number such as $1 (write \$ for a literal $)"#,
        ])
    }

    @Test("inbound routes: DID, JID and trunk")
    func inbound() {
        #expect(F.errors(Self.sip("""
            <trunk name="a" uri="sip:a.example"/>
            <inbound did="+1555(" jid="alice@example.org"/>
            <inbound did="+15550100" jid="alice@example.org/phone"/>
            <inbound did="+15550100" jid="alice@example.org" trunk="nope"/>
            <inbound did="+15550101" jid="alice@example.org" trunk="a"/>
            <inbound did="+15550101" jid="bob@example.org" trunk="a"/>
            """)) == [
            #"component.xml:5: <inbound did="+1555(">: not a valid regular expression"#,
            #"component.xml:6: <inbound jid="alice@example.org/phone">: expected a bare JID such as user@example.org"#,
            #"component.xml:7: <inbound trunk="nope">: there is no <trunk> named nope"#,
            #"component.xml:9: <inbound did="+15550101">: +15550101 is already routed by the <inbound> on line 8"#,
        ])
    }

    @Test("user mappings: phone numbers and unique JIDs")
    func users() {
        #expect(F.errors(Self.sip("""
            <user jid="alice@example.org" number="+1 555 0100"/>
            <user jid="bob@example.org" number="+15550101"/>
            <user jid="Bob@example.org" number="+15550102"/>
            """)) == [
            #"component.xml:4: <user number="+1 555 0100">: expected a phone number such as +15551234567"#,
            #"component.xml:6: <user jid="Bob@example.org">: bob@example.org already has a number, on line 5"#,
        ])
    }

    @Test("listeners: addresses, certificates, conflicts")
    func listeners() {
        #expect(F.errors(Self.sip("""
            <listen address="localhost"/>
            <listen transport="tls"/>
            <listen transport="wss" certificate="c.pem"/>
            <listen transport="udp" certificate="c.pem"/>
            <listen transport="tcp" port="5080"/>
            <listen transport="ws" port="5080"/>
            """)) == [
            #"component.xml:4: <listen address="localhost">: expected an IPv4 or IPv6 address"#,
            #"component.xml:5: <listen transport="tls">: needs certificate and private-key attributes"#,
            #"component.xml:6: <listen transport="wss">: needs a private-key attribute"#,
            #"component.xml:7: <listen certificate="c.pem">: only tls and wss listeners use a certificate and private key"#,
            #"component.xml:9: <listen port="5080">: TCP 0.0.0.0:5080 is already used by the <listen> on line 8"#,
        ])
    }

    @Test("ordered pairs: reconnect-min/max, t1/t2, calls-per-user/calls")
    func orderedPairs() {
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" reconnect-min="10" reconnect-max="5"/>"#)) == [
            #"component.xml:2: <xmpp reconnect-max="5">: must not be less than reconnect-min (10)"#,
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" reconnect-min="60"/>"#)) == [
            #"component.xml:2: <xmpp reconnect-min="60">: must not exceed reconnect-max (30, the default)"#,
        ])
        #expect(F.errors(F.document(#"<xmpp domain="sip.localhost" secret="x" reconnect-max="0.5"/>"#)) == [
            #"component.xml:2: <xmpp reconnect-max="0.5">: must not be less than reconnect-min (1, the default)"#,
        ])
        #expect(F.errors(Self.sip("", attributes: #" t2="400""#)) == [
            #"component.xml:3: <sip t2="400">: must not be less than t1 (500, the default)"#,
        ])
        #expect(F.errors(Self.sip(#"<limits calls="3" calls-per-user="4"/>"#)) == [
            #"component.xml:4: <limits calls="3">: must not be less than calls-per-user (4)"#,
        ])
    }

    @Test("addresses, domains, JIDs")
    func addresses() {
        #expect(F.errors(F.document(#"<xmpp domain="sip localhost" secret="x" server="xmpp example"/>"#)) == [
            #"component.xml:2: <xmpp domain="sip localhost">: expected a domain name such as sip.example.org"#,
            #"component.xml:2: <xmpp server="xmpp example">: expected a host name or IP address"#,
        ])
        #expect(F.errors(Self.sip("", attributes: #" external-address="nat.example.org""#)) == [
            #"component.xml:3: <sip external-address="nat.example.org">: expected an IPv4 or IPv6 address"#,
        ])
        #expect(F.errors(F.withXMPP(#"<admins><jid>admin@localhost/laptop</jid></admins>"#)) == [
            "component.xml:3: <jid>admin@localhost/laptop</jid>: expected a bare JID such as admin@example.org",
        ])
        #expect(F.errors(F.withXMPP(#"<access><allow jid="@example.org"/><allow domain="example..org"/></access>"#)) == [
            #"component.xml:3: <allow jid="@example.org">: expected a bare JID such as bob@example.org"#,
            #"component.xml:3: <allow domain="example..org">: expected a domain name such as example.org"#,
        ])
    }

    @Test("media: port range, addresses, STUN server")
    func media() {
        #expect(F.errors(F.withXMPP(#"<media rtp-ports="20001-29999"/>"#)) == [
            #"component.xml:3: <media rtp-ports="20001-29999">: the range must start on an even port (RTP uses even ports, RTCP the odd ones)"#,
        ])
        #expect(F.errors(F.withXMPP(#"<media rtp-ports="30000-20000"/>"#)) == [
            #"component.xml:3: <media rtp-ports="30000-20000">: the first port must be lower than the second"#,
        ])
        #expect(F.errors(F.withXMPP(#"<media rtp-ports="20000"/>"#)) == [
            #"component.xml:3: <media rtp-ports="20000">: expected LOW-HIGH with ports from 1024 to 65535, e.g. 20000-29999"#,
        ])
        #expect(F.errors(F.withXMPP(#"<media public-address="1.2.3" bind-address="::1"><stun server="stun.example.org:x"/></media>"#)) == [
            #"component.xml:3: <media public-address="1.2.3">: expected an IPv4 or IPv6 address"#,
            #"component.xml:3: <stun server="stun.example.org:x">: expected host or host:port, e.g. stun.example.org:3478"#,
        ])
    }
}
