import Testing
import SIPBridge

@Suite("Configuration defaults")
struct ConfigurationDefaultsTests {
    @Test("a minimal file gets every documented default")
    func minimalFile() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.document(#"  <xmpp domain="sip.localhost" secret="s3cret"/>"#))

        let xmpp = configuration.xmpp
        #expect(xmpp.domain == "sip.localhost")
        #expect(xmpp.secret == "s3cret")
        #expect(xmpp.server == "127.0.0.1")
        #expect(xmpp.port == 5347)
        #expect(xmpp.reconnectMin == .seconds(1))
        #expect(xmpp.reconnectMax == .seconds(30))
        #expect(xmpp.pingInterval == .seconds(30))
        #expect(xmpp.pingTimeout == .seconds(10))
        #expect(xmpp.iqTimeout == .seconds(30))
        #expect(xmpp.maxStanzaSize == 524_288)
        #expect(xmpp.maxDepth == 64)
        #expect(xmpp.maxAttributes == 64)
        #expect(xmpp.name == "Jingle SIP bridge")

        #expect(configuration.dataDirectory == "/var/lib/jingle-sip-bridge")
        #expect(configuration.admins.isEmpty)
        #expect(configuration.access.rules.isEmpty)
        #expect(!configuration.access.allows(bareJID: "admin@localhost"))
        #expect(configuration.logLevel == .info)

        let sip = configuration.sip
        #expect(sip.externalAddress == nil)
        #expect(sip.t1 == .milliseconds(500))
        #expect(sip.t2 == .milliseconds(4000))
        #expect(sip.t4 == .milliseconds(5000))
        #expect(sip.keepaliveInterval == .seconds(25))
        #expect(sip.userAgent == "jingle-sip-bridge")
        #expect(sip.connectionIdleTimeout == .seconds(120))
        #expect(sip.listeners == [
            SIPListener(transport: .udp, address: "0.0.0.0", port: 5060),
            SIPListener(transport: .tcp, address: "0.0.0.0", port: 5060),
        ])
        #expect(sip.trunks.isEmpty)
        #expect(sip.routes.isEmpty)
        #expect(sip.inbound.isEmpty)
        #expect(sip.users.isEmpty)
        #expect(sip.limits.calls == 100)
        #expect(sip.limits.callsPerUser == 4)
        #expect(sip.limits.callsPerMinute == 10)
        #expect(sip.limits.ringTimeout == .seconds(45))
        #expect(sip.limits.rtpTimeout == .seconds(60))

        let media = configuration.media
        #expect(media.publicAddress == nil)
        #expect(media.bindAddress == "0.0.0.0")
        #expect(media.rtpPorts == 20000...29999)
        #expect(media.stun == nil)
        #expect(media.iceLite == false)
        #expect(media.allowUnencrypted == false)
        #expect(media.opusBitrate == 32000)
        #expect(media.opusComplexity == 5)
        #expect(media.jitterBuffer == .milliseconds(200))

        // The Swift initialisers carry the same defaults.
        #expect(configuration == BridgeConfiguration(xmpp: XMPPSettings(domain: "sip.localhost", secret: "s3cret")))
    }

    @Test("empty optional sections are the same as absent ones")
    func emptySections() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.withXMPP(
            "<admins/><access/><sip><limits/></sip><media/><log/>"
        ))
        #expect(configuration == BridgeConfiguration(xmpp: XMPPSettings(domain: "sip.localhost", secret: "s3cret")))
    }

    @Test("a minimal trunk, route, inbound route and listeners get their defaults")
    func elementDefaults() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.withXMPP("""
            <sip>
              <listen/>
              <listen transport="tcp"/>
              <listen transport="tls" certificate="tls/cert.pem" private-key="/keys/key.pem"/>
              <listen transport="ws"/>
              <listen transport="wss" certificate="c.pem" private-key="k.pem"/>
              <trunk name="provider" uri="sip:sip.example.com"/>
              <route match="[0-9]+" trunk="provider"/>
              <inbound did="+15551234567" jid="Alice@Example.org"/>
            </sip>
            """))
        let sip = configuration.sip
        #expect(sip.listeners == [
            SIPListener(transport: .udp, address: "0.0.0.0", port: 5060),
            SIPListener(transport: .tcp, address: "0.0.0.0", port: 5060),
            SIPListener(transport: .tls, address: "0.0.0.0", port: 5061,
                        certificate: "/etc/jingle-sip-bridge/tls/cert.pem", privateKey: "/keys/key.pem"),
            SIPListener(transport: .ws, address: "0.0.0.0", port: 5066),
            SIPListener(transport: .wss, address: "0.0.0.0", port: 7443,
                        certificate: "/etc/jingle-sip-bridge/c.pem", privateKey: "/etc/jingle-sip-bridge/k.pem"),
        ])

        let trunk = try #require(sip.trunk(named: "provider"))
        #expect(trunk.uri == TrunkURI(scheme: .sip, host: "sip.example.com", port: nil))
        #expect(trunk.transport == .udp)
        #expect(trunk.username == nil)
        #expect(trunk.password == nil)
        #expect(trunk.realm == nil)
        #expect(trunk.register == false)
        #expect(trunk.expires == .seconds(600))
        #expect(trunk.externalAddress == nil)
        #expect(trunk.codecs == [.pcmu, .pcma, .g722, .telephoneEvent])
        #expect(trunk.dtmf == .rfc4733)
        #expect(trunk.srtp == .off)
        #expect(trunk.earlyMedia == .ringback)
        #expect(trunk.verifyTLS == true)
        #expect(trunk.allowFrom.isEmpty)
        #expect(trunk.failover.isEmpty)
        #expect(trunk == TrunkConfiguration(name: "provider", uri: TrunkURI(host: "sip.example.com")))

        #expect(sip.routes == [RouteConfiguration(match: "[0-9]+", trunk: "provider", rewrite: nil, emergency: .deny)])
        #expect(sip.inbound == [InboundRoute(did: .number("+15551234567"), jid: "alice@example.org", trunk: nil)])
    }

    @Test("relative paths are resolved against the configuration's directory")
    func relativePaths() throws {
        let relative = try ConfigurationFixture.load(ConfigurationFixture.withXMPP(#"<data directory="./state"/>"#))
        #expect(relative.dataDirectory == "/etc/jingle-sip-bridge/state")
        let absolute = try ConfigurationFixture.load(ConfigurationFixture.withXMPP(#"<data directory="/srv/bridge"/>"#))
        #expect(absolute.dataDirectory == "/srv/bridge")
    }
}
