import Testing
import SIPBridge

@Suite("Configuration with every element")
struct ConfigurationFullFileTests {
    static let file = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- every element and attribute, none at its default -->
        <bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">
          <xmpp server="xmpp.example.org" port="5348" domain="SIP.Example.org" secret-env="BRIDGE_SECRET"
                reconnect-min="0.25" reconnect-max="120" ping-interval="45" ping-timeout="7.5"
                iq-timeout="20" max-stanza-size="65536" max-depth="32" max-attributes="40"
                name="Example telephone gateway"/>
          <data directory="state"/>
          <admins>
            <jid>Admin@Example.org</jid>
            <jid> ops@example.org </jid>
          </admins>
          <access>
            <allow domain="Example.org"/>
            <allow jid="guest@partner.example"/>
          </access>
          <sip external-address="203.0.113.10" t1="250" t2="8000" t4="6000" keepalive-interval="15"
               user-agent="Example/1.0" connection-idle-timeout="45">
            <listen transport="udp" address="192.0.2.1" port="5070"/>
            <listen transport="tls" address="::" port="5071" certificate="tls/sip.pem" private-key="/etc/ssl/sip.key"/>
            <trunk name="main" uri="sips:sip.provider.example:5061" transport="tls"
                   username="4930123" password="pa ss" realm="provider.example" register="true" expires="300"
                   external-address="198.51.100.7" codecs="opus G722 PCMA telephone-event" dtmf="rfc4733"
                   srtp="sdes" early-media="accept" verify-tls="false">
              <allow-from address="203.0.113.0/24"/>
              <allow-from address="2001:db8::/32"/>
              <allow-from address="198.51.100.9"/>
              <failover uri="sips:[2001:db8::5]:5061"/>
              <failover uri="sips:backup.provider.example"/>
            </trunk>
            <trunk name="pbx" uri="sip:10.0.0.2" transport="tcp" codecs="PCMU" dtmf="info"/>
            <route match="0([1-9][0-9]+)" trunk="main" rewrite="+49$1"/>
            <route match="1[0-9]{2}" trunk="main" emergency="allow"/>
            <route match="[2-8][0-9]{3}" trunk="pbx" emergency="deny"/>
            <inbound did="+4930123" jid="Reception@Example.org" trunk="main"/>
            <inbound did="\\+49301239[0-9]+" jid="sales@example.org"/>
            <user jid="alice@example.org" number="+4930123100"/>
            <user jid="bob@example.org" number="2001"/>
            <limits calls="20" calls-per-user="2" calls-per-minute="5" ring-timeout="30" rtp-timeout="90.5"/>
          </sip>
          <media public-address="203.0.113.10" bind-address="192.0.2.1" rtp-ports="40000-40999"
                 ice-lite="true" allow-unencrypted="true" opus-bitrate="48000" opus-complexity="9"
                 jitter-buffer="120">
            <stun server="stun.example.org:3479"/>
          </media>
          <log level="debug"/>
        </bridge>
        """

    @Test("every element and attribute is read")
    func everyField() throws {
        let configuration = try ConfigurationLoader.parse(
            Self.file, fileName: "component.xml", baseDirectory: "/etc/jsb",
            environment: ["BRIDGE_SECRET": "from-env"]
        )

        var xmpp = XMPPSettings(domain: "sip.example.org", secret: "from-env")
        xmpp.server = "xmpp.example.org"
        xmpp.port = 5348
        xmpp.reconnectMin = .milliseconds(250)
        xmpp.reconnectMax = .seconds(120)
        xmpp.pingInterval = .seconds(45)
        xmpp.pingTimeout = .milliseconds(7500)
        xmpp.iqTimeout = .seconds(20)
        xmpp.maxStanzaSize = 65536
        xmpp.maxDepth = 32
        xmpp.maxAttributes = 40
        xmpp.name = "Example telephone gateway"

        var main = TrunkConfiguration(name: "main", uri: TrunkURI(scheme: .sips, host: "sip.provider.example", port: 5061))
        main.transport = .tls
        main.username = "4930123"
        main.password = "pa ss"
        main.realm = "provider.example"
        main.register = true
        main.expires = .seconds(300)
        main.externalAddress = "198.51.100.7"
        main.codecs = [.opus, .g722, .pcma, .telephoneEvent]
        main.dtmf = .rfc4733
        main.srtp = .sdes
        main.earlyMedia = .accept
        main.verifyTLS = false
        main.allowFrom = [
            IPNetwork(parsing: "203.0.113.0/24")!,
            IPNetwork(parsing: "2001:db8::/32")!,
            IPNetwork(parsing: "198.51.100.9/32")!,
        ]
        main.failover = [
            TrunkURI(scheme: .sips, host: "2001:db8::5", port: 5061),
            TrunkURI(scheme: .sips, host: "backup.provider.example"),
        ]

        var pbx = TrunkConfiguration(name: "pbx", uri: TrunkURI(host: "10.0.0.2"))
        pbx.transport = .tcp
        pbx.codecs = [.pcmu]
        pbx.dtmf = .info

        var sip = SIPSettings()
        sip.externalAddress = "203.0.113.10"
        sip.t1 = .milliseconds(250)
        sip.t2 = .milliseconds(8000)
        sip.t4 = .milliseconds(6000)
        sip.keepaliveInterval = .seconds(15)
        sip.userAgent = "Example/1.0"
        sip.connectionIdleTimeout = .seconds(45)
        sip.listeners = [
            SIPListener(transport: .udp, address: "192.0.2.1", port: 5070),
            SIPListener(transport: .tls, address: "::", port: 5071,
                        certificate: "/etc/jsb/tls/sip.pem", privateKey: "/etc/ssl/sip.key"),
        ]
        sip.trunks = [main, pbx]
        sip.routes = [
            RouteConfiguration(match: "0([1-9][0-9]+)", trunk: "main", rewrite: "+49$1", emergency: .deny),
            RouteConfiguration(match: "1[0-9]{2}", trunk: "main", rewrite: nil, emergency: .allow),
            RouteConfiguration(match: "[2-8][0-9]{3}", trunk: "pbx", rewrite: nil, emergency: .deny),
        ]
        sip.inbound = [
            InboundRoute(did: .number("+4930123"), jid: "reception@example.org", trunk: "main"),
            InboundRoute(did: .pattern(#"\+49301239[0-9]+"#), jid: "sales@example.org", trunk: nil),
        ]
        sip.users = [
            UserMapping(jid: "alice@example.org", number: "+4930123100"),
            UserMapping(jid: "bob@example.org", number: "2001"),
        ]
        sip.limits.calls = 20
        sip.limits.callsPerUser = 2
        sip.limits.callsPerMinute = 5
        sip.limits.ringTimeout = .seconds(30)
        sip.limits.rtpTimeout = .milliseconds(90500)

        var media = MediaSettings()
        media.publicAddress = "203.0.113.10"
        media.bindAddress = "192.0.2.1"
        media.rtpPorts = 40000...40999
        media.iceLite = true
        media.allowUnencrypted = true
        media.opusBitrate = 48000
        media.opusComplexity = 9
        media.jitterBuffer = .milliseconds(120)
        media.stun = STUNServer(host: "stun.example.org", port: 3479)

        let expected = BridgeConfiguration(
            xmpp: xmpp,
            dataDirectory: "/etc/jsb/state",
            admins: ["admin@example.org", "ops@example.org"],
            access: AccessPolicy(rules: [.domain("example.org"), .jid("guest@partner.example")]),
            sip: sip,
            media: media,
            logLevel: .debug
        )

        // Field by field first, for readable failures; then everything at once.
        #expect(configuration.xmpp == expected.xmpp)
        #expect(configuration.dataDirectory == expected.dataDirectory)
        #expect(configuration.admins == expected.admins)
        #expect(configuration.access == expected.access)
        #expect(configuration.sip.listeners == expected.sip.listeners)
        #expect(configuration.sip.trunks == expected.sip.trunks)
        #expect(configuration.sip.routes == expected.sip.routes)
        #expect(configuration.sip.inbound == expected.sip.inbound)
        #expect(configuration.sip.users == expected.sip.users)
        #expect(configuration.sip.limits == expected.sip.limits)
        #expect(configuration.sip == expected.sip)
        #expect(configuration.media == expected.media)
        #expect(configuration.logLevel == expected.logLevel)
        #expect(configuration == expected)
    }

    @Test("values are read as XML Schema reads them: whitespace around, signs and leading zeros")
    func lexicalForms() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.document(
            #"<xmpp domain=" sip.localhost " secret=" keep spaces " port=" +05347 " reconnect-min=".5" reconnect-max="2."/>"#
        ))
        #expect(configuration.xmpp.domain == "sip.localhost")
        #expect(configuration.xmpp.secret == " keep spaces ")
        #expect(configuration.xmpp.port == 5347)
        #expect(configuration.xmpp.reconnectMin == .milliseconds(500))
        #expect(configuration.xmpp.reconnectMax == .seconds(2))
    }

    @Test("the configuration can be written out for logs without secrets")
    func redaction() throws {
        let configuration = try ConfigurationLoader.parse(
            Self.file, baseDirectory: "/etc/jsb", environment: ["BRIDGE_SECRET": "from-env"]
        )
        #expect(!String(describing: configuration.xmpp).contains("from-env"))
        #expect(!String(describing: configuration.sip.trunks[0]).contains("pa ss"))
        #expect(!String(describing: configuration).contains("from-env"))
        #expect(!String(describing: configuration).contains("pa ss"))
    }
}
