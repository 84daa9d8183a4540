import SIP
import Testing

@testable import SIPBridge

/// Digest for INVITEs from outside every `allow-from` (RFC 3261 22): challenge, the trunk's own
/// credentials accepted, wrong ones refused, an old nonce answered `stale`.
@Suite("Inbound authentication")
struct InboundAuthenticationTests {
    func settings() -> SIPSettings {
        var pbx = TrunkConfiguration(name: "pbx", uri: TrunkURI(host: "pbx.example.com"))
        pbx.username = "pbx-user"
        pbx.password = "s3cret"
        pbx.authenticateInbound = true
        var carrier = TrunkConfiguration(name: "carrier", uri: TrunkURI(host: "sip.carrier.example"))
        carrier.username = "carrier-user"
        carrier.password = "other"
        var settings = SIPSettings()
        settings.trunks = [carrier, pbx]
        return settings
    }

    func invite(authorization: String? = nil) throws -> SIPMessage {
        let text = """
            INVITE sip:5551000@sip.example.org SIP/2.0\r
            Via: SIP/2.0/UDP 198.51.100.99;branch=z9hG4bKauth\r
            Max-Forwards: 70\r
            From: <sip:+15551234567@pbx.example.com>;tag=a\r
            To: <sip:5551000@sip.example.org>\r
            Call-ID: auth1\r
            CSeq: 1 INVITE\r
            Contact: <sip:pbx@198.51.100.99>\r
            \(authorization.map { "Authorization: \($0)\r\n" } ?? "")Content-Length: 0\r
            \r

            """
        return try #require(try SIPMessageParser.parse(datagram: Array(text.utf8)))
    }

    func answer(_ challenge: String, user: String, password: String) throws -> String {
        try DigestCredentials.respond(
            to: DigestChallenge(parsing: challenge), username: user, password: password, method: .invite,
            uri: "sip:5551000@sip.example.org"
        ).description
    }

    @Test("a challenge, then the trunk's credentials make the INVITE that trunk's")
    func authorized() throws {
        let authentication = InboundAuthentication(settings: settings(), realm: "sip.example.org", secret: [1, 2, 3], source: "198.51.100.99")
        // Only the trunk that asked for it takes authenticated calls.
        #expect(authentication.trunks.map(\.name) == ["pbx"])
        guard case .challenge(let challenge) = authentication.check(try invite(), now: 1000) else {
            Issue.record("no challenge")
            return
        }
        #expect(challenge.contains("realm=\"sip.example.org\"") && challenge.contains("qop=\"auth\""))
        let good = try answer(challenge, user: "pbx-user", password: "s3cret")
        guard case .authorized(let trunk) = authentication.check(try invite(authorization: good), now: 1010) else {
            Issue.record("not authorized")
            return
        }
        #expect(trunk.name == "pbx")

        let wrong = try answer(challenge, user: "pbx-user", password: "guess")
        #expect(authentication.check(try invite(authorization: wrong), now: 1010) == .refused("wrong response for user 'pbx-user'"))
        // The carrier's credentials are not for inbound use: it did not set authenticate-inbound.
        let carrier = try answer(challenge, user: "carrier-user", password: "other")
        #expect(authentication.check(try invite(authorization: carrier), now: 1010) == .refused("unknown user 'carrier-user'"))
        // Past the nonce lifetime (300 s) the right answer gets a fresh challenge marked stale.
        guard case .challenge(let stale) = authentication.check(try invite(authorization: good), now: 1400) else {
            Issue.record("no stale challenge")
            return
        }
        #expect(stale.contains("stale=true"))
    }

    @Test("without trunks that authenticate there is nothing to challenge with")
    func nobody() throws {
        var settings = settings()
        settings.trunks = settings.trunks.map { trunk in
            var trunk = trunk
            trunk.authenticateInbound = false
            return trunk
        }
        let authentication = InboundAuthentication(settings: settings, realm: "sip.example.org", secret: [1], source: "198.51.100.99")
        #expect(authentication.trunks.isEmpty)
        #expect(authentication.check(try invite(), now: 1) == .refused("no trunk takes authenticated calls"))
    }
}
