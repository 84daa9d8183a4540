import Testing

@testable import SIP

@Suite struct SIPURITests {
    /// RFC 3261 19.1.4: each set of URIs is equivalent.
    static let equivalentSets: [[String]] = [
        ["sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"],
        ["sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"],
        [
            "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
        ],
        ["sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"],
    ]

    /// RFC 3261 19.1.4: the URIs of each pair are not equivalent.
    static let differentPairs: [(String, String)] = [
        ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),  // different usernames
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),  // can resolve to different ports
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),  // different transports
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
        ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),  // header component
        ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),  // name vs its address
        ("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"),
        ("sip:alice@atlanta.com", "sips:alice@atlanta.com"),  // SIP vs SIPS
        ("sip:alice@atlanta.com", "sip:alice:pw@atlanta.com"),  // password only in one
        ("sip:atlanta.com", "sip:alice@atlanta.com"),  // user only in one
        ("sip:alice@atlanta.com;user=phone", "sip:alice@atlanta.com"),  // user param only in one
        ("sip:alice@atlanta.com;ttl=1", "sip:alice@atlanta.com"),
        ("sip:alice@atlanta.com;method=INVITE", "sip:alice@atlanta.com"),
        ("sip:alice@atlanta.com;maddr=239.255.255.1", "sip:alice@atlanta.com"),
    ]

    @Test func rfc3261EquivalentSets() throws {
        for set in Self.equivalentSets {
            let uris = try set.map { try SIPURI(parsing: $0) }
            for a in uris {
                for b in uris { #expect(a.isEquivalent(to: b), "\(a) should equal \(b)") }
            }
        }
    }

    @Test func rfc3261DifferentPairs() throws {
        for (x, y) in Self.differentPairs {
            let a = try SIPURI(parsing: x)
            let b = try SIPURI(parsing: y)
            #expect(!a.isEquivalent(to: b), "\(x) should differ from \(y)")
            #expect(!b.isEquivalent(to: a), "\(y) should differ from \(x)")
        }
    }

    @Test func equivalenceIsNotTransitive() throws {
        // RFC 3261 19.1.4's own example.
        let plain = try SIPURI(parsing: "sip:carol@chicago.com")
        let on = try SIPURI(parsing: "sip:carol@chicago.com;security=on")
        let off = try SIPURI(parsing: "sip:carol@chicago.com;security=off")
        #expect(plain.isEquivalent(to: on) && plain.isEquivalent(to: off) && !on.isEquivalent(to: off))
    }

    @Test func ipv6HostsCompareByValue() throws {
        #expect(try SIPURI(parsing: "sip:a@[::1]").isEquivalent(to: SIPURI(parsing: "sip:a@[0:0:0:0:0:0:0:1]")))
        #expect(try SIPURI(parsing: "sip:a@[2001:DB8::1]").isEquivalent(to: SIPURI(parsing: "sip:a@[2001:db8:0::1]")))
        #expect(try !SIPURI(parsing: "sip:a@[2001:db8::1]").isEquivalent(to: SIPURI(parsing: "sip:a@[2001:db8::2]")))
    }

    @Test func componentsAreParsed() throws {
        let uri = try SIPURI(parsing: "sips:al%20ice:se%3Acret@[2001:db8::1]:5061;transport=tls;lr;ob;maddr=[2001:db8::2];ttl=15;method=INVITE;user=phone;x=%41?subject=hi%20there&h=")
        #expect(uri.scheme == .sips)
        #expect(uri.user == "al ice")
        #expect(uri.encodedUser == "al%20ice")
        #expect(uri.password == "se:cret")
        #expect(uri.host == .ipv6("2001:db8::1"))
        #expect(uri.port == 5061)
        #expect(uri.transport == "tls")
        #expect(uri.isLooseRouting)
        #expect(uri.hasOutboundParameter)
        #expect(uri.maddr == "[2001:db8::2]")
        #expect(uri.ttl == 15)
        #expect(uri.method == .invite)
        #expect(uri.userParameter == "phone")
        #expect(uri.parameter("x") == "A")
        #expect(uri.headerValue("Subject") == "hi there")
        #expect(uri.headerValue("h") == "")
        #expect(uri.description == "sips:al%20ice:se%3Acret@[2001:db8::1]:5061;transport=tls;lr;ob;maddr=[2001:db8::2];ttl=15;method=INVITE;user=phone;x=%41?subject=hi%20there&h=")
    }

    @Test func roundTrips() throws {
        let samples = [
            "sip:alice@atlanta.com", "sip:atlanta.com", "sips:bob@biloxi.com:5061;transport=tcp",
            "sip:+1-212-555-1212:1234@gateway.com;user=phone", "sip:alice@192.0.2.4:5060",
            "sip:[::ffff:192.0.2.10]:19823", "sip:user;par=u%40example.net@example.com",
            "sip:proxy.example.com;lr", "sip:x@h?a=b&c=d", "sip:%00@example.com", "sip:u@host.example.com.",
            "sip:u@host_name.example.com",
        ]
        for text in samples {
            let uri = try SIPURI(parsing: text)
            #expect(uri.description == text)
            #expect(try SIPURI(parsing: uri.description) == uri)
        }
        // The scheme is case-insensitive and written in lowercase.
        #expect(try SIPURI(parsing: "SIP:Alice@Example.COM").description == "sip:Alice@Example.COM")
    }

    @Test func buildingEscapes() throws {
        var uri = SIPURI(user: "a b@c", host: .domain("example.com"), port: 5080)
        uri.setParameter("transport", "tcp")
        uri.setParameter("weird", "x y")
        uri.isLooseRouting = true
        #expect(uri.description == "sip:a%20b%40c@example.com:5080;transport=tcp;weird=x%20y;lr")
        #expect(try SIPURI(parsing: uri.description).user == "a b@c")
        uri.isLooseRouting = false
        uri.setParameter("weird", nil)
        #expect(uri.description == "sip:a%20b%40c@example.com:5080;transport=tcp")
    }

    @Test(arguments: [
        ("sip:", "empty host"),
        ("sip:@example.com", "empty user part"),
        ("http://example.com", "is not sip or sips"),
        ("sip:alice@example.com:99999", "out of range"),
        ("sip:alice@example.com:50x0", "is not a number"),
        ("sip:alice@2001:db8::1", "enclosed in brackets"),
        ("sip:alice@[2001:db8::1", "without closing"),
        ("sip:alice@[2001:db8:::1]", "is not an IPv6 address"),
        ("sip:alice@[12345::1]", "is not an IPv6 address"),
        ("sip:alice@exa mple.com", "not allowed in a host name"),
        ("sip:alice@-bad.example.com", "may not begin or end"),
        ("sip:alice@example.123", "must begin with a letter"),
        ("sip:alice@256.1.1.1", "not a valid IPv4"),
        ("sip:al ice@example.com", "not allowed in the user part"),
        ("sip:al%4@example.com", "not followed by two hex digits"),
        ("sip:alice@example.com;;lr", "empty URI parameter name"),
        ("sip:alice@example.com;transport=", "has '=' but no value"),
        ("sip:alice@example.com;lr;lr", "appears more than once"),
        ("sip:alice@example.com?subject", "is not name=value"),
        ("sip:alice@example.com;p=a\"b", "not allowed in the value"),
    ])
    func malformedURIsAreRefusedPrecisely(_ text: String, _ fragment: String) {
        do {
            let uri = try SIPURI(parsing: text)
            Issue.record("\(text) parsed as \(uri)")
        } catch let error as SIPParseError {
            #expect(error.code == .malformedURI)
            #expect(error.reason.contains(fragment), "\(text): \(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func ipv6TextForms() {
        let valid = [
            "::", "::1", "1::", "2001:db8::10", "2001:db8:0:0:0:0:0:1", "::ffff:192.0.2.10", "2001:db8::192.0.2.1",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:192.0.2.1", "fe80::1:2",
        ]
        let invalid = [
            "", ":", ":1", "1:", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
            "2001:db8:::192.0.2.1", "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::256.1.1.1",
        ]
        for text in valid { #expect(SIPHost.parseIPv6(Array(text.utf8)[...]) != nil, "\(text)") }
        for text in invalid { #expect(SIPHost.parseIPv6(Array(text.utf8)[...]) == nil, "\(text)") }
        #expect(SIPHost.parseIPv6(Array("::1".utf8)[...]) == [UInt8](repeating: 0, count: 15) + [1])
    }

    @Test func anyURIDispatchesOnScheme() throws {
        #expect(try SIPAnyURI(parsing: "SIPS:a@b.example").sipURI?.scheme == .sips)
        #expect(try SIPAnyURI(parsing: "TEL:+1-555").telURI?.digits == "+1555")
        #expect(try SIPAnyURI(parsing: "urn:service:sos") == .other("urn:service:sos"))
        #expect(try SIPAnyURI(parsing: "urn:service:sos").scheme == "urn")
        #expect(throws: SIPParseError.self) { try SIPAnyURI(parsing: "no-colon-here") }
        #expect(throws: SIPParseError.self) { try SIPAnyURI(parsing: "1abc:x") }
        #expect(throws: SIPParseError.self) { try SIPAnyURI(parsing: "mailto:") }
        #expect(throws: SIPParseError.self) { try SIPAnyURI(parsing: "mailto:a b") }
    }
}

@Suite struct TelURITests {
    @Test func globalAndLocalNumbers() throws {
        let global = try TelURI(parsing: "tel:+1-201-555-0123;ext=1234;isub=%31;foo=bar;flag")
        #expect(global.isGlobal)
        #expect(global.digits == "+12015550123")
        #expect(global.extensionNumber == "1234")
        #expect(global.isdnSubaddress == "1")
        #expect(global.parameters["foo"] == "bar")
        #expect(global.parameters["flag"] == "")
        #expect(global.description == "tel:+1-201-555-0123;ext=1234;isub=%31;foo=bar;flag")

        let local = try TelURI(parsing: "tel:7042;phone-context=example.com")
        #expect(!local.isGlobal)
        #expect(local.phoneContext == "example.com")
        let localGlobalContext = try TelURI(parsing: "tel:*86#;phone-context=+1-201")
        #expect(localGlobalContext.digits == "*86#")
        #expect(try TelURI(parsing: "tel:0a1B;phone-context=ex.example").number == "0a1B")
    }

    @Test func equivalenceIgnoresSeparatorsAndOrder() throws {
        // RFC 3966 4.
        let a = try TelURI(parsing: "tel:+1-201-555-0123;ext=12;foo=bar")
        let b = try TelURI(parsing: "tel:+1(201)555.0123;FOO=BAR;ext=1-2")
        #expect(a.isEquivalent(to: b))
        #expect(try !a.isEquivalent(to: TelURI(parsing: "tel:+1-201-555-0123")))
        #expect(try !TelURI(parsing: "tel:5550123;phone-context=+1201").isEquivalent(to: TelURI(parsing: "tel:+15550123")))
        #expect(try TelURI(parsing: "tel:7042;phone-context=EXAMPLE.com").isEquivalent(to: TelURI(parsing: "tel:7042;phone-context=example.com")))
    }

    @Test(arguments: [
        ("tel:", "not a tel URI"),
        ("tel:+", "has no digits"),
        ("tel:7042", "without phone-context"),
        ("tel:+1 555", "space"),
        ("tel:+1-555;ext=x1", "not allowed"),
        ("tel:+1-555;ext", "needs a value"),
        ("tel:+1-555;phone-context=exa mple", "not a domain name"),
        ("tel:+1-555;a=1;a=2", "more than once"),
        ("tel:+1-555;b@d=1", "not 1*(alphanum"),
    ])
    func malformedTelURIs(_ text: String, _ fragment: String) {
        do {
            _ = try TelURI(parsing: text)
            Issue.record("\(text) parsed")
        } catch let error as SIPParseError {
            #expect(error.reason.contains(fragment), "\(text): \(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
