import Testing

@testable import SIP

@Suite struct SIPRoundTripTests {
    @Test func builtRequestSerializesAndParsesBack() throws {
        let target = try SIPURI(parsing: "sip:bob@biloxi.example.com;transport=tcp")
        var headers = SIPHeaders()
        headers.add(.via, SIPVia(transport: "TCP", host: .domain("pc33.atlanta.example.com"), branch: "z9hG4bK776asdhds").description)
        headers.add(.maxForwards, "70")
        headers.add(.to, SIPNameAddress(displayName: "Bob", uri: target).description)
        var from = SIPNameAddress(displayName: "Alice", uri: try SIPURI(parsing: "sip:alice@atlanta.example.com"))
        from.tag = "1928301774"
        headers.add(.from, from.description)
        headers.add(.callID, "a84b4c76e66710@pc33.atlanta.example.com")
        headers.add(.cseq, SIPCSeq(sequence: 314159, method: .invite).description)
        headers.add(.contact, "<sip:alice@pc33.atlanta.example.com;transport=tcp>")
        headers.add(.sessionExpires, SIPSessionExpires(interval: 1800, refresher: .uac).description)
        var message = SIPMessage(method: .invite, uri: .sip(target), headers: headers)
        message.setBody(Array("v=0\r\n".utf8), contentType: .sdp)

        let wire = String(decoding: message.serialized, as: UTF8.self)
        #expect(wire == """
            INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0\r
            Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r
            Max-Forwards: 70\r
            To: "Bob" <sip:bob@biloxi.example.com;transport=tcp>\r
            From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774\r
            Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
            CSeq: 314159 INVITE\r
            Contact: <sip:alice@pc33.atlanta.example.com;transport=tcp>\r
            Session-Expires: 1800;refresher=uac\r
            Content-Length: 5\r
            Content-Type: application/sdp\r
            \r
            v=0\r

            """)
        #expect(try SIPMessageParser.parse(datagram: message.serialized) == message)
        var stream = SIPMessageParser()
        stream.append(message.serialized)
        #expect(try stream.next() == .message(message))
    }

    @Test func serializerCannotBeUsedToInjectHeaders() throws {
        var message = SIPMessage(statusCode: 200, reasonPhrase: "OK\r\nX-Injected: 1")
        message.headers.add("Subject", "hello\r\nX-Injected: 2")
        let text = String(decoding: message.serialized, as: UTF8.self)
        #expect(!text.contains("\r\nX-Injected"))
        let parsed = try #require(try SIPMessageParser.parse(datagram: message.serialized, validation: .framingOnly))
        #expect(!parsed.headers.contains("X-Injected"))
        #expect(parsed.headers["Subject"] == "hello  X-Injected: 2")
    }

    @Test func parsedMessagesKeepTheirSpelling() throws {
        let text = "OPTIONS SIP:Bob@Example.COM SIP/2.0\r\nv: SIP/2.0/UDP h.example;branch=z9hG4bKx;RPORT\r\nmax-forwards: 70\r\nt: <sip:Bob@Example.COM>\r\nf: \"A\" <sip:a@h.example>;tag=1\r\ni: id1\r\nCSEQ: 1 OPTIONS\r\nX-Unknown:   spaced   value   \r\nl: 0\r\n\r\n"
        let message = try #require(try SIPMessageParser.parse(datagram: Array(text.utf8)))
        let out = String(decoding: message.serialized, as: UTF8.self)
        // Names, URIs and values are written as received (the scheme is normalised to lowercase,
        // whitespace around values is dropped).
        #expect(out.contains("\r\nv: SIP/2.0/UDP h.example;branch=z9hG4bKx;RPORT\r\n"))
        #expect(out.contains("\r\nX-Unknown: spaced   value\r\n"))
        #expect(out.hasPrefix("OPTIONS sip:Bob@Example.COM SIP/2.0\r\n"))
        #expect(try message.topVia?.rport == .requested)
        #expect(try SIPMessageParser.parse(datagram: message.serialized) == message)
    }

    /// Typed values written and read back, over a grid of generated inputs.
    @Test func typedValuesRoundTripOverAGrid() throws {
        let hosts: [SIPHost] = [.domain("a.example.com"), .ipv4("192.0.2.1"), .ipv6("2001:db8::1")]
        let users: [String?] = [nil, "alice", "a b;c?d", "+1-555", "%"]
        let ports: [UInt16?] = [nil, 0, 5060, 65535]
        var count = 0
        for host in hosts {
            for user in users {
                for port in ports {
                    var uri = SIPURI(user: user, host: host, port: port)
                    uri.setParameter("transport", "tcp")
                    uri.setParameter("x y", "1&2")
                    uri.headers = [.init(name: "Subject", value: "a%20b")]
                    let reparsed = try SIPURI(parsing: uri.description)
                    #expect(reparsed == uri)
                    #expect(reparsed.user == user)
                    #expect(reparsed.isEquivalent(to: uri))

                    let address = SIPNameAddress(displayName: user.map { "N \($0) \"q\"" }, uri: uri, parameters: SIPParameters([.init(name: "tag", value: "t\(count)")]))
                    #expect(try SIPNameAddress(parsing: address.description) == address)

                    var via = SIPVia(transport: "tls", host: host, port: port, branch: "z9hG4bK\(count)")
                    via.rport = port.map { .port($0) } ?? .requested
                    #expect(try SIPVia(parsing: via.description) == via)
                    count += 1
                }
            }
        }
        #expect(count == 60)
    }
}
