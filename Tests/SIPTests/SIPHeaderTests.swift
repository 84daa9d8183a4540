import Testing

@testable import SIP

@Suite struct SIPHeaderTests {
    @Test func namesCompareCaseInsensitivelyAndByCompactForm() {
        let pairs: [(String, String)] = [
            ("i", "Call-ID"), ("m", "Contact"), ("e", "Content-Encoding"), ("l", "Content-Length"), ("c", "Content-Type"),
            ("f", "From"), ("s", "Subject"), ("k", "Supported"), ("t", "To"), ("v", "Via"), ("o", "Event"),
            ("r", "Refer-To"), ("b", "Referred-By"), ("u", "Allow-Events"), ("x", "Session-Expires"), ("y", "Identity"),
            ("a", "Accept-Contact"), ("j", "Reject-Contact"), ("d", "Request-Disposition"),
        ]
        for (compact, long) in pairs {
            #expect(SIPHeaderName(compact) == SIPHeaderName(long))
            #expect(SIPHeaderName(compact.uppercased()) == SIPHeaderName(long.lowercased()))
            #expect(SIPHeaderName(compact).canonicalName == long)
            #expect(SIPHeaderName(long).compactForm == compact)
            #expect(SIPHeaderName(compact).hashValue == SIPHeaderName(long).hashValue)
        }
        #expect(SIPHeaderName("X-Custom") == SIPHeaderName("x-custom"))
        #expect(SIPHeaderName("X-Custom").canonicalName == "X-Custom")
        #expect(SIPHeaderName("q") != SIPHeaderName("Via"))
        #expect(SIPHeaderName("v").rawValue == "v")
    }

    @Test func listSplittingRespectsQuotesAndBrackets() {
        var headers = SIPHeaders()
        headers.add("Contact", #""Doe, John" <sip:j@a.example;x=a,b>;p="q,r", <sip:k@b.example> , sip:l@c.example"#)
        headers.add("m", "<sip:m@d.example>")
        #expect(
            headers.elements(for: .contact) == [
                #""Doe, John" <sip:j@a.example;x=a,b>;p="q,r""#, "<sip:k@b.example>", "sip:l@c.example", "<sip:m@d.example>",
            ])
        headers.add("Via", "a,,b, ")
        #expect(headers.elements(for: .via) == ["a", "", "b", ""])
        headers.add("Supported", "")
        #expect(headers.elements(for: .supported) == [])
        // Escaped quote inside a quoted string does not end it.
        headers.add("Reason", #"SIP;text="a \", b", Q.850;cause=16"#)
        #expect(headers.elements(for: .reason) == [#"SIP;text="a \", b""#, "Q.850;cause=16"])
    }

    @Test func authorizationStyleHeadersAreNotLists() throws {
        #expect(!SIPHeaderName.authorization.isList)
        #expect(!SIPHeaderName.wwwAuthenticate.isList)
        #expect(!SIPHeaderName.proxyAuthenticate.isList)
        #expect(!SIPHeaderName.proxyAuthorization.isList)
        #expect(SIPHeaderName.via.isList && SIPHeaderName.contact.isList && SIPHeaderName.route.isList)
        var headers = SIPHeaders()
        headers.add(.wwwAuthenticate, #"Digest realm="a", nonce="b""#)
        headers.add(.proxyAuthorization, #"Digest username="u", realm="a""#)
        headers.add("Date", "Sat, 13 Nov 2010 23:29:00 GMT")
        headers.add("X-List", "a, b")
        #expect(headers.elements(for: .wwwAuthenticate) == [#"Digest realm="a", nonce="b""#])
        #expect(headers.elements(for: .proxyAuthorization) == [#"Digest username="u", realm="a""#])
        #expect(headers.elements(for: "Date") == ["Sat, 13 Nov 2010 23:29:00 GMT"])
        #expect(headers.elements(for: "X-List") == ["a", "b"])
        var message = SIPMessage(statusCode: 401)
        message.headers.add(.wwwAuthenticate, #"Digest realm="a, b", nonce="n1", qop="auth,auth-int""#)
        message.headers.add(.wwwAuthenticate, #"Digest realm="c", nonce="n2", algorithm=SHA-256"#)
        let challenges = try message.digestChallenges()
        #expect(challenges.map(\.realm) == ["a, b", "c"])
        #expect(challenges[0].qopOptions == ["auth", "auth-int"])
        #expect(challenges[1].resolvedAlgorithm == .sha256)
    }

    @Test func headersSetAddRemove() {
        var headers: SIPHeaders = [("Via", "a"), ("v", "b"), ("To", "c")]
        #expect(headers.values(for: .via) == ["a", "b"])
        headers.set(.via, "z")
        #expect(headers.fields.map(\.value) == ["z", "c"])
        headers.set("Max-Forwards", "70")
        #expect(headers[.maxForwards] == "70")
        headers.remove(.to)
        #expect(!headers.contains(.to))
        #expect(headers.count == 2)
    }

    @Test func viaValues() throws {
        let via = try SIPVia(parsing: "SIP / 2.0 / udp  [2001:db8::1]:5062 ;branch = z9hG4bK776asdhds ;rport;received=192.0.2.1;maddr=224.2.0.1;ttl=16;ext=\"quoted value\"")
        #expect(via.protocolName == "SIP" && via.protocolVersion == "2.0")
        #expect(via.transport == "UDP")
        #expect(via.host == .ipv6("2001:db8::1"))
        #expect(via.port == 5062)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.hasMagicCookie)
        #expect(via.rport == .requested)
        #expect(via.received == "192.0.2.1")
        #expect(via.maddr == "224.2.0.1")
        #expect(via.ttl == 16)
        #expect(via.parameters.unquotedValue("ext") == "quoted value")
        #expect(via.sentBy == "[2001:db8::1]:5062")
        #expect(via.description == "SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK776asdhds;rport;received=192.0.2.1;maddr=224.2.0.1;ttl=16;ext=\"quoted value\"")
        #expect(try SIPVia(parsing: via.description) == via)

        var built = SIPVia(transport: "tcp", host: .domain("pc33.example.com"), port: 5060, branch: "z9hG4bKabc")
        built.rport = .port(5070)
        built.received = "192.0.2.9"
        #expect(built.description == "SIP/2.0/TCP pc33.example.com:5060;branch=z9hG4bKabc;rport=5070;received=192.0.2.9")
        #expect(try SIPVia(parsing: "SIP/2.0/UDP h;branch=old").hasMagicCookie == false)
        #expect(try SIPVia(parsing: "SIP/2.0/UDP h;received=[2001:db8::9]").received == "2001:db8::9")
        #expect(try SIPVia(parsing: "SIP/2.0/UDP h;received=2001:db8::9").received == "2001:db8::9")
    }

    @Test(arguments: [
        ("SIP/2.0 UDP host", "'/' after the protocol version"),
        ("SIP/2.0/UDPhost", "expected whitespace"),
        ("SIP/2.0/UDP", "expected whitespace"),
        ("SIP/2.0/UDP host:70000", "exceeds 65535"),
        ("SIP/2.0/UDP 2001:db8::1", "enclosed in brackets"),
        ("SIP/2.0/UDP host;branch=\"q\"", "branch parameter must be a token"),
        ("SIP/2.0/UDP host;received=example.com", "not an IP address"),
        ("SIP/2.0/UDP host;rport=abc", "not a port number"),
        ("SIP/2.0/UDP host;ttl=300", "not 0-255"),
        ("SIP/2.0/UDP host;;", "parameter name"),
        ("SIP/2.0/UDP host extra", "unexpected 'e'"),
        ("", "empty value"),
    ])
    func malformedVia(_ text: String, _ fragment: String) {
        do {
            _ = try SIPVia(parsing: text)
            Issue.record("\(text) parsed")
        } catch let error as SIPParseError {
            #expect(error.code == .malformedHeader && error.header == "Via")
            #expect(error.reason.contains(fragment), "\(text): \(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func nameAddressForms() throws {
        let quoted = try SIPNameAddress(parsing: #""Alice \"A\" Liddell" <sip:alice@example.com;transport=tcp>;tag=88sja8x;x"#)
        #expect(quoted.displayName == #"Alice "A" Liddell"#)
        #expect(quoted.uri.sipURI?.transport == "tcp")
        #expect(quoted.tag == "88sja8x")
        #expect(quoted.parameters["x"] == "")
        #expect(quoted.description == #""Alice \"A\" Liddell" <sip:alice@example.com;transport=tcp>;tag=88sja8x;x"#)

        let token = try SIPNameAddress(parsing: "Bob   Smith <sip:bob@example.com>")
        #expect(token.displayName == "Bob Smith")
        let bare = try SIPNameAddress(parsing: "sip:carol@example.com;tag=1;transport=udp")
        #expect(bare.displayName == nil)
        #expect(bare.uri.sipURI?.parameters.isEmpty == true)  // RFC 3261 20.10: header parameters
        #expect(bare.parameters["transport"] == "udp")
        #expect(bare.description == "<sip:carol@example.com>;tag=1;transport=udp")
        let empty = try SIPNameAddress(parsing: #""" <sip:d@example.com>"#)
        #expect(empty.displayName == "")
        let tel = try SIPNameAddress(parsing: "<tel:+1-555-0100>;tag=9")
        #expect(tel.uri.telURI?.digits == "+15550100")
        let contact = try SIPNameAddress(parsing: "<sip:e@192.0.2.1>;expires=99999999999;q=1.000")
        #expect(contact.expires == UInt32.max)
        #expect(contact.q == 1.0)

        var built = SIPNameAddress(displayName: "Line\r\nBreak", uri: SIPURI(user: "f", host: .domain("example.com")))
        built.tag = "abc"
        #expect(built.description == #""Line  Break" <sip:f@example.com>;tag=abc"#)
        for sample in [quoted, token, bare, empty, tel, contact] {
            #expect(try SIPNameAddress(parsing: sample.description) == sample)
        }
    }

    @Test(arguments: [
        (#""Unclosed <sip:a@b.example>"#, "never closed"),
        ("Bell, Alexander <sip:a@b.example>", "unquoted display name"),
        ("<sip:a@b.example", "without a matching '>'"),
        ("< sip:a@b.example>", "must begin with a letter"),
        ("<sip:a @b.example>", "not allowed in the user part"),
        ("sip:a@b.example?x=y", "enclosed in '<' and '>'"),
        (#""name" sip:a@b.example"#, "expected '<'"),
        ("<sip:a@b.example>;tag=\"x\"", "tag parameter must be a token"),
        ("<sip:a@b.example>;q=1.5", "not a qvalue"),
        ("<sip:a@b.example>;expires=soon", "not delta-seconds"),
        ("<sip:a@b.example> junk", "unexpected 'j'"),
        ("", "empty value"),
    ])
    func malformedAddresses(_ text: String, _ fragment: String) {
        do {
            _ = try SIPNameAddress(parsing: text)
            Issue.record("\(text) parsed")
        } catch let error as SIPParseError {
            #expect(error.reason.contains(fragment), "\(text): \(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func smallHeaderTypes() throws {
        #expect(try SIPCSeq(parsing: " 4711   INVITE ") == SIPCSeq(sequence: 4711, method: .invite))
        #expect(SIPCSeq(sequence: 1, method: .bye).description == "1 BYE")
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "4294967296 INVITE") }
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "12INVITE") }
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "-1 INVITE") }

        let type = try SIPMediaType(parsing: #"multipart/mixed ; boundary="a b";charset=utf-8"#)
        #expect(type.matches(type: "MULTIPART", subtype: "Mixed"))
        #expect(type.boundary == "a b")
        #expect(type.description == #"multipart/mixed;boundary="a b";charset=utf-8"#)
        #expect(throws: SIPParseError.self) { try SIPMediaType(parsing: "application") }
        #expect(throws: SIPParseError.self) { try SIPMediaType(parsing: "text/plain;charset") }

        #expect(try SIPRAck(parsing: "776656 1 INVITE").description == "776656 1 INVITE")
        #expect(throws: SIPParseError.self) { try SIPRAck(parsing: "776656 INVITE") }

        let se = try SIPSessionExpires(parsing: "4000;refresher=UAS;x=1")
        #expect(se.interval == 4000 && se.refresher == .uas && se.parameters["x"] == "1")
        #expect(SIPSessionExpires(interval: 90, refresher: .uac).description == "90;refresher=uac")
        #expect(throws: SIPParseError.self) { try SIPSessionExpires(parsing: "90;refresher=proxy") }

        let reason = SIPReason(protocolName: "SIP", cause: 487, text: #"said "bye""#)
        #expect(reason.description == #"SIP;cause=487;text="said \"bye\"""#)
        #expect(try SIPReason(parsing: reason.description) == reason)
        #expect(try SIPReason(parsing: reason.description).text == #"said "bye""#)
        #expect(throws: SIPParseError.self) { try SIPReason(parsing: "SIP;text=unquoted") }
        #expect(throws: SIPParseError.self) { try SIPReason(parsing: "SIP;cause=abc") }
    }

    @Test func typedAccessorsOnAMessage() throws {
        var message = SIPMessage(method: .invite, uri: .sip(try SIPURI(parsing: "sip:bob@example.com")))
        message.headers.add(.via, "SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/TCP b.example;branch=z9hG4bK2")
        message.headers.add(.via, "SIP/2.0/TLS c.example;branch=z9hG4bK3")
        message.headers.add(.maxForwards, "70")
        message.headers.add(.callID, "abc@def")
        message.headers.add(.cseq, "1 INVITE")
        message.headers.add(.expires, "600")
        message.headers.add(.allow, "INVITE, ACK,BYE")
        message.headers.add(.require, "100rel,timer")
        message.headers.add(.rseq, "988789")
        message.headers.add(.minSE, "90;lr")
        message.headers.add(.privacy, "id")
        message.headers.add(.contact, "*")
        message.headers.add(.pAssertedIdentity, "<sip:a@example.com>, <tel:+15550100>")
        message.headers.add(.recordRoute, "<sip:p1.example;lr>, <sip:p2.example;lr>")
        message.headers.add(.route, "<sip:p3.example;lr>")
        #expect(try message.via.map(\.host.description) == ["a.example", "b.example", "c.example"])
        #expect(try message.topVia?.branch == "z9hG4bK1")
        #expect(try message.maxForwards == 70)
        #expect(try message.callID == "abc@def")
        #expect(try message.expires == 600)
        #expect(try message.allow == [.invite, .ack, .bye])
        #expect(try message.require == ["100rel", "timer"])
        #expect(try message.rseq == 988789)
        #expect(try message.minSE == 90)
        #expect(try message.privacy == ["id"])
        #expect(try message.contacts == .wildcard)
        #expect(try message.pAssertedIdentity.count == 2)
        #expect(try message.recordRoutes.count == 2)
        #expect(try message.routes.first?.uri.sipURI?.isLooseRouting == true)
        #expect(try message.contentLength == 0)
        #expect(try message.from == nil)

        message.headers.set(.callID, "a@b@c")
        #expect(throws: SIPParseError.self) { try message.callID }
        message.headers.set(.maxForwards, "256")
        #expect(throws: SIPParseError.self) { try message.maxForwards }
        message.headers.set(.require, "100rel,,timer")
        #expect(throws: SIPParseError.self) { try message.require }
        message.headers.set(.rseq, "0")
        #expect(throws: SIPParseError.self) { try message.rseq }
        message.headers.set(.contact, "*, <sip:a@b.example>")
        #expect(throws: SIPParseError.self) { try message.contacts }
        message.headers.set(.expires, "soon")
        #expect(throws: SIPParseError.self) { try message.expires }
    }

    @Test func authValues() throws {
        let value = try SIPAuthValue(parsing: #"Digest username="bob", realm="biloxi.com" , nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#)
        #expect(value.isDigest)
        #expect(value["USERNAME"] == "bob")
        #expect(value["uri"] == "sip:bob@biloxi.com")
        #expect(value.parameters.first { $0.name == "qop" }?.isQuoted == false)
        #expect(try SIPAuthValue(parsing: value.description) == value)

        let bearer = try SIPAuthValue(parsing: "Bearer mF_9.B5f-4.1JqM==")
        #expect(bearer.token68 == "mF_9.B5f-4.1JqM==")
        #expect(bearer.description == "Bearer mF_9.B5f-4.1JqM==")
        let lenient = try SIPAuthValue(parsing: "Digest uri=sip:a@b.example, realm=x,,")
        #expect(lenient["uri"] == "sip:a@b.example")
        #expect(lenient.description == #"Digest uri="sip:a@b.example", realm=x"#)
        #expect(try SIPAuthValue(parsing: lenient.description) == lenient)
        #expect(throws: SIPParseError.self) { try SIPAuthValue(parsing: #"Digest realm="unterminated"#) }
        #expect(throws: SIPParseError.self) { try SIPAuthValue(parsing: "Digest realm=,nonce=x") }
        #expect(throws: SIPParseError.self) { try SIPAuthValue(parsing: "Digest realm=a realm=b") }
    }
}
