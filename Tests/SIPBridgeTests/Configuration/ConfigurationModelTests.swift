import Testing
import SIPBridge

@Suite("Configuration model helpers")
struct ConfigurationModelTests {
    @Test("access policy: JIDs and domains, case-insensitively, resources ignored")
    func accessPolicy() {
        let policy = AccessPolicy(rules: [.domain("example.org"), .jid("bob@partner.example")])
        #expect(policy.allows(bareJID: "alice@example.org"))
        #expect(policy.allows(bareJID: "Alice@EXAMPLE.org"))
        #expect(policy.allows(bareJID: "alice@example.org/phone"))
        #expect(policy.allows(bareJID: "example.org"))
        #expect(!policy.allows(bareJID: "alice@sub.example.org"))
        #expect(!policy.allows(bareJID: "alice@example.org.evil"))
        #expect(policy.allows(bareJID: "BOB@Partner.Example"))
        #expect(!policy.allows(bareJID: "eve@partner.example"))
        #expect(!AccessPolicy().allows(bareJID: "bob@partner.example"))
    }

    @Test("admins are compared like access rules")
    func admins() {
        let configuration = BridgeConfiguration(xmpp: XMPPSettings(domain: "sip.localhost", secret: "x"), admins: ["admin@localhost"])
        #expect(configuration.isAdmin(bareJID: "Admin@LocalHost/laptop"))
        #expect(!configuration.isAdmin(bareJID: "user@localhost"))
    }

    @Test("SIP URIs")
    func sipURIs() {
        #expect(TrunkURI(parsing: "sip:sip.example.com") == TrunkURI(scheme: .sip, host: "sip.example.com"))
        #expect(TrunkURI(parsing: "SIPS:sip.example.com:5061") == TrunkURI(scheme: .sips, host: "sip.example.com", port: 5061))
        #expect(TrunkURI(parsing: "sip:[2001:db8::1]:5060") == TrunkURI(scheme: .sip, host: "2001:db8::1", port: 5060))
        #expect(TrunkURI(parsing: "sip:192.0.2.1")?.description == "sip:192.0.2.1")
        #expect(TrunkURI(parsing: "sip:[2001:db8::1]:5060")?.description == "sip:[2001:db8::1]:5060")
        for bad in ["sip:", "tel:+1555", "sip:user@host", "sip:host;transport=tcp", "sip:host:65536", "sip:2001:db8::1", "sip:[host]"] {
            #expect(TrunkURI(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("IP networks")
    func networks() throws {
        let v4 = try #require(IPNetwork(parsing: "203.0.113.0/24"))
        #expect(v4.contains(address: "203.0.113.77"))
        #expect(!v4.contains(address: "203.0.114.1"))
        #expect(!v4.contains(address: "2001:db8::1"))
        #expect(v4.description == "203.0.113.0/24")
        let v6 = try #require(IPNetwork(parsing: "2001:db8::/32"))
        #expect(v6.contains(address: "2001:db8:ffff::1"))
        #expect(!v6.contains(address: "2001:db9::1"))
        #expect(IPNetwork(parsing: "192.0.2.9")?.prefixLength == 32)
        #expect(IPNetwork(parsing: "10.1.2.3/8")?.masked.description == "10.0.0.0/8")
        #expect(IPNetwork(parsing: "0.0.0.0/0")?.contains(address: "8.8.8.8") == true)
        for bad in ["10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "host/8", "::/129"] {
            #expect(IPNetwork(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("STUN servers and transports")
    func stunAndTransports() {
        #expect(STUNServer(parsing: "stun.example.org") == STUNServer(host: "stun.example.org", port: 3478))
        #expect(STUNServer(parsing: "[2001:db8::1]:3479") == STUNServer(host: "2001:db8::1", port: 3479))
        #expect(STUNServer(parsing: "stun.example.org:x") == nil)
        #expect(SIPTransportKind.allCases.map(\.defaultPort) == [5060, 5060, 5061, 5066, 7443])
        #expect(SIPTransportKind.allCases.filter(\.isSecure) == [.tls, .wss])
    }

    @Test("emergency numbers")
    func emergencyNumbers() {
        for number in ["911", "112", "999", "000", "1 1 2", "(911)"] {
            #expect(EmergencyNumbers.contains(number), "\(number)")
        }
        for number in ["+15551234567", "9110", "1120", "411"] {
            #expect(!EmergencyNumbers.contains(number), "\(number)")
        }
    }
}
