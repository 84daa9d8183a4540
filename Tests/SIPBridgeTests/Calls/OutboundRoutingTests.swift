import Testing
import XMPPCore

@testable import SIPBridge

@Suite("Outbound routing")
struct OutboundRoutingTests {
    func settings() -> SIPSettings {
        var settings = SIPSettings()
        settings.trunks = [
            TrunkConfiguration(name: "carrier", uri: TrunkURI(host: "sip.carrier.example")),
            TrunkConfiguration(name: "pbx", uri: TrunkURI(host: "pbx.example.com", port: 5070)),
        ]
        settings.routes = [
            RouteConfiguration(match: "[0-9]{3}", trunk: "pbx"),
            RouteConfiguration(match: "0([1-9][0-9]+)", trunk: "carrier", rewrite: "+49$1"),
            RouteConfiguration(match: "\\+[0-9]+", trunk: "carrier"),
            RouteConfiguration(match: "[^@]+@pbx\\.example\\.com", trunk: "pbx"),
        ]
        settings.users = [UserMapping(jid: "alice@example.org", number: "+15550001111")]
        return settings
    }

    let alice = try! JID("alice@example.org/phone")
    let bob = try! JID("bob@example.org/laptop")

    @Test("first matching route wins; rewrite templates use the match's groups")
    func routes() throws {
        let routing = OutboundRouting(settings: settings())
        let local = try routing.route(localpart: "200", caller: alice)
        #expect(local.trunk.name == "pbx" && local.user == "200" && local.host == nil)
        #expect(local.callerID == "+15550001111")
        let national = try routing.route(localpart: "030123456", caller: alice)
        #expect(national.trunk.name == "carrier" && national.user == "+4930123456")
        let e164 = try routing.route(localpart: "+15551234567", caller: bob)
        #expect(e164.user == "+15551234567")
        #expect(e164.callerID == "bob%40example.org")
    }

    @Test("XEP-0106 escaped SIP addresses dial user@host through the route's trunk")
    func sipAddress() throws {
        let routing = OutboundRouting(settings: settings())
        let decision = try routing.route(localpart: "carol\\40pbx.example.com", caller: alice)
        #expect(decision.trunk.name == "pbx" && decision.user == "carol" && decision.host == "pbx.example.com")
    }

    @Test("emergency numbers are refused unless the route allows them; unmatched numbers have no route")
    func refusals() {
        var configured = settings()
        let routing = OutboundRouting(settings: configured)
        #expect(throws: OutboundRouting.Refusal.emergencyDenied("112")) { try routing.route(localpart: "112", caller: alice) }
        #expect(throws: OutboundRouting.Refusal.noRoute("abc")) { try routing.route(localpart: "abc", caller: alice) }
        configured.routes[0].emergency = .allow
        let allowing = OutboundRouting(settings: configured)
        #expect((try? allowing.route(localpart: "112", caller: alice))?.trunk.name == "pbx")
        configured.routes = [RouteConfiguration(match: ".*", trunk: "missing")]
        #expect(throws: OutboundRouting.Refusal.unknownTrunk("missing")) {
            try OutboundRouting(settings: configured).route(localpart: "5", caller: alice)
        }
    }
}
