import SIP
import Testing
import XMPPCore

@testable import SIPBridge

/// Caller identity across the bridge: RFC 3325 P-Asserted-Identity and RFC 3323 privacy, both ways.
@Suite("Caller identity")
struct CallerIdentityTests {
    let domain = try! JID("sip.example.org")

    func invite(from: String, extra: String = "") throws -> SIPMessage {
        let text = """
            INVITE sip:5551000@203.0.113.5 SIP/2.0\r
            Via: SIP/2.0/UDP 198.51.100.10;branch=z9hG4bKid1\r
            Max-Forwards: 70\r
            From: \(from);tag=a\r
            To: <sip:5551000@203.0.113.5>\r
            Call-ID: id1\r
            CSeq: 1 INVITE\r
            Contact: <sip:caller@198.51.100.10>\r
            \(extra)Content-Length: 0\r
            \r

            """
        return try #require(try SIPMessageParser.parse(datagram: Array(text.utf8)))
    }

    func caller(_ invite: SIPMessage) -> String {
        InboundRouting(settings: SIPSettings(), domain: domain).callerJID(invite).description
    }

    @Test("inbound: P-Asserted-Identity names the caller over From; Privacy: id hides them")
    func inbound() throws {
        #expect(caller(try invite(from: "<sip:+15551234567@carrier.example>")) == "+15551234567@sip.example.org")
        let asserted = try invite(
            from: "<sip:trunk-user@carrier.example>",
            extra: "P-Asserted-Identity: \"Doe, Jane\" <sip:+15557654321@carrier.example>, <tel:+15557654321>\r\n")
        #expect(caller(asserted) == "+15557654321@sip.example.org")
        let hidden = try invite(
            from: "<sip:+15551234567@carrier.example>",
            extra: "P-Asserted-Identity: <sip:+15551234567@carrier.example>\r\nPrivacy: id;critical\r\n")
        #expect(caller(hidden) == "anonymous@sip.example.org")
        let anonymousFrom = try invite(from: "\"Anonymous\" <sip:anonymous@anonymous.invalid>")
        #expect(caller(anonymousFrom) == "anonymous@sip.example.org")
        let unreadable = try invite(
            from: "<sip:+15551234567@carrier.example>", extra: "P-Asserted-Identity: not an address\r\n")
        #expect(caller(unreadable) == "+15551234567@sip.example.org")
    }

    @Test("outbound: hide-number users are routed with the privacy flag, others without")
    func outbound() throws {
        var settings = SIPSettings()
        settings.trunks = [TrunkConfiguration(name: "carrier", uri: TrunkURI(host: "sip.carrier.example"))]
        settings.routes = [RouteConfiguration(match: "\\+[0-9]+", trunk: "carrier")]
        settings.users = [
            UserMapping(jid: "alice@example.org", number: "+15550001111", hideNumber: true),
            UserMapping(jid: "bob@example.org", number: "+15550002222"),
        ]
        let routing = OutboundRouting(settings: settings)
        let alice = try routing.route(localpart: "+15551234567", caller: try JID("alice@example.org/phone"))
        #expect(alice.hideNumber && alice.callerID == "+15550001111")
        let bob = try routing.route(localpart: "+15551234567", caller: try JID("bob@example.org/phone"))
        #expect(!bob.hideNumber)
    }
}
