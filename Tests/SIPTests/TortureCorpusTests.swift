import Testing

@testable import SIP

/// Runs every file of the torture corpus through the datagram parser and the stream parser (fed
/// whole, byte by byte and split at every point), checks the outcome its metadata states, and
/// for valid messages checks round trips and the typed accessors.
@Suite struct TortureCorpusTests {
    @Test func corpusIsComplete() throws {
        let cases = try TortureCorpus.load()
        #expect(cases.filter(\.isValid).count >= 30)
        #expect(cases.filter { !$0.isValid }.count >= 30)
        for c in cases { #expect(!c.model.isEmpty, "\(c.name) names no model case") }
    }

    @Test(arguments: try TortureCorpus.load())
    func corpusCase(_ c: TortureCase) throws {
        var outcomes: [(String, Result<SIPMessage, SIPParseError>)] = []
        if c.transport != .stream {
            outcomes.append(("datagram", datagram(c)))
        }
        if c.transport != .datagram {
            outcomes.append(("stream", stream(c.bytes, validation: c.validation)))
            outcomes.append(("stream byte by byte", stream(c.bytes, validation: c.validation, chunk: 1)))
        }
        switch c.expectation {
        case .valid:
            var first: SIPMessage? = nil
            for (how, outcome) in outcomes {
                guard case .success(let message) = outcome else {
                    Issue.record("\(c.name) (\(how)): \(outcome)")
                    continue
                }
                if let first { #expect(message == first, "\(c.name): \(how) differs") } else { first = message }
            }
            if let message = first {
                try checkRoundTrip(message, c)
                try readAllAccessors(message, c.name)
            }
        case .invalid(let code, let header):
            var firstError: SIPParseError? = nil
            for (how, outcome) in outcomes {
                guard case .failure(let error) = outcome else {
                    Issue.record("\(c.name) (\(how)) parsed but should fail with \(code)")
                    continue
                }
                #expect(error.code == code, "\(c.name) (\(how)): \(error)")
                if let header { #expect(error.header == header, "\(c.name) (\(how)): header \(error.header ?? "nil")") }
                #expect(!error.reason.isEmpty)
                if firstError == nil { firstError = error }
            }
            if let error = firstError, case .some(let expected) = c.response {
                let response = SIPMessage.makeErrorResponse(for: error, toTag: "t0")
                #expect(response?.statusCode == expected, "\(c.name): response \(response?.statusCode.map(String.init) ?? "none"), error \(error)")
                if let response {
                    #expect(response.reasonPhrase == error.responseReasonPhrase)
                    let request = error.recoveredMessage!
                    #expect(response.headers.values(for: .via) == request.headers.values(for: .via))
                    #expect(response.headers[.cseq] == request.headers[.cseq])
                    #expect(response.headers[.contentLength] == "0")
                    // It must itself be a parseable response.
                    let reparsed = try SIPMessageParser.parse(datagram: response.serialized, validation: .framingOnly)
                    #expect(reparsed == response)
                }
            }
        }
        // Split invariance: every split point (small files) gives the same outcome as one chunk.
        if c.transport != .datagram && c.bytes.count <= 6000 {
            let whole = stream(c.bytes, validation: c.validation)
            for split in 0...c.bytes.count {
                let outcome = stream(c.bytes, validation: c.validation, splits: [split])
                if outcome != whole {
                    Issue.record("\(c.name): split at \(split) gives \(outcome), whole gives \(whole)")
                    break
                }
            }
        }
    }

    @Test func rfc2543RequestNeedsRelaxedValidation() throws {
        let c = try TortureCorpus.named("valid-rfc2543.sip")
        #expect(throws: SIPParseError.self) { try SIPMessageParser.parse(datagram: c.bytes) }
        do {
            _ = try SIPMessageParser.parse(datagram: c.bytes)
        } catch let error as SIPParseError {
            #expect(error.code == .missingHeader)
            #expect(error.header == "Max-Forwards")
            #expect(error.responseReasonPhrase == "Bad Request (missing Max-Forwards header)")
        }
    }

    @Test func selectedValuesOfValidCases() throws {
        func load(_ name: String) throws -> SIPMessage {
            let c = try TortureCorpus.named(name)
            return try #require(try SIPMessageParser.parse(datagram: c.bytes, validation: c.validation))
        }

        let ws = try load("valid-whitespace.sip")
        #expect(ws.method == .invite)
        #expect(ws.requestURI?.sipURI?.parameters["unknownflag"] == "")
        #expect(try ws.to?.tag == "x19Zq")
        #expect(try ws.from?.displayName == "Dave \"the\" \\ Builder")
        #expect(try ws.from?.tag == "77ab")
        #expect(try ws.maxForwards == 42)
        #expect(try ws.cseq == SIPCSeq(sequence: 17, method: .invite))
        let vias = try ws.via
        #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(vias.map(\.branch) == ["z9hG4bKws11", "z9hG4bKws22", "z9hG4bKws33"])
        #expect(vias[1].host == .domain("relay.example.org"))
        #expect(ws.headers["oddlynamedheader"] == "first part\t second part after a tab fold")
        #expect(ws.headers[.init("s")] == "")
        let contact = try #require(try ws.contacts?.addresses.first)
        #expect(contact.q == 0.25)
        #expect(contact.parameters["extra"] == "valued")
        #expect(contact.parameters["flagparam"] == "")
        #expect(String(decoding: ws.body.prefix(4), as: UTF8.self) == "v=0\r")
        #expect(try ws.routes.first?.uri.sipURI?.isLooseRouting == true)

        let tok = try load("valid-token-characters.sip")
        #expect(tok.method?.rawValue == "!odd-Method0123456789_*+`.%really'~")
        let tokURI = try #require(tok.requestURI?.sipURI)
        #expect(tokURI.user == "1_strange.user~(ok!)&yes+$/wild?,/;;*")
        #expect(tokURI.password == "&pw=1,odd!*$~_.(sure)")
        let tokTo = try #require(try tok.to?.displayName)
        #expect(tokTo.unicodeScalars.contains("\u{0}"))
        #expect(tokTo.unicodeScalars.contains("\u{7F}"))
        #expect(try tok.from?.displayName == "token1~` token2'+_ token3*%!.-")

        let esc = try load("valid-escaped-uri.sip")
        let escURI = try #require(esc.requestURI?.sipURI)
        #expect(escURI.user == "special user")
        #expect(escURI.isEquivalent(to: try SIPURI(parsing: "sip:special%20user@example.com")))
        #expect(escURI.description == "sip:s%70ec%69al%20user@example.com")
        #expect(try esc.from?.uri.sipURI?.user == "ann@home")

        let nul = try load("valid-escaped-null.sip")
        #expect(try nul.to?.uri.sipURI?.user == "nul\u{0}nul")
        #expect(try nul.contacts?.addresses.count == 2)

        let pct = try load("valid-percent-not-escape.sip")
        #expect(pct.method?.rawValue == "RE%47IST%45R")
        #expect(pct.method != .register)
        #expect(try pct.to?.displayName == "%Z%45")

        let semi = try load("valid-semicolon-user.sip")
        #expect(semi.requestURI?.sipURI?.user == "user;par=u@example.net")
        #expect(semi.requestURI?.sipURI?.parameters.isEmpty == true)

        let tr = try load("valid-transports.sip")
        #expect(try tr.via.map(\.transport) == ["UDP", "SCTP", "TLS", "FLYINGPIGEON", "TCP"])
        #expect(try tr.contacts?.addresses.first?.uri.sipURI?.transport == "flyingpigeon")

        let mp = try load("valid-multipart.sip")
        #expect(try mp.contentType?.boundary == "== part line ==")
        #expect(mp.body.contains(0xFF) && mp.body.contains(0x00))

        #expect(try load("valid-unusual-reason.sip").reasonPhrase?.hasPrefix("= 4 * 50 ... η απάντηση") == true)
        let empty = try load("valid-empty-reason.sip")
        #expect(empty.statusCode == 100 && empty.reasonPhrase == "")

        let unk = try load("valid-unknown-schemes.sip")
        #expect(unk.requestURI == .other("somethingnobodyknows:opaque.content;x=1"))
        #expect(try unk.to?.uri == .other("isbn:2983792873"))
        #expect(try unk.from?.uri.scheme == "http")

        let cp = try load("valid-contact-params.sip")
        let contacts = try #require(try cp.contacts?.addresses)
        #expect(contacts.count == 3)
        #expect(contacts[0].uri.sipURI?.user == "+19725552222")
        #expect(contacts[0].uri.sipURI?.parameters.isEmpty == true)
        #expect(contacts[0].parameters["unknownparam"] == "")
        #expect(contacts[1].uri.sipURI?.maddr == "192.0.2.22")
        #expect(contacts[1].expires == 3600 && contacts[1].q == 0.7)
        #expect(contacts[2].displayName == "Watson, Jr.")
        #expect(contacts[2].uri.sipURI?.headerValue("route") == "<sip:sip.example.com>")
        #expect(contacts[2].expires == 0)
        #expect(contacts[2].parameters.unquotedValue("+sip.instance") == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
        #expect(try cp.expires == UInt32.max)

        let cmp = try load("valid-compact-everything.sip")
        #expect(try cmp.callID == "compact.1@192.0.2.60")
        #expect(try cmp.supported == ["replaces", "100rel", "timer"])
        #expect(try cmp.sessionExpires?.refresher == .uac)
        #expect(try cmp.sessionExpires?.interval == 1800)
        #expect(try cmp.topVia?.rport == .requested)
        #expect(cmp.headers["Refer-To"] == "<sip:carol@example.com>")
        #expect(cmp.headers["Event"] == "refer")
        #expect(cmp.headers["Allow-Events"] == "refer, dialog")
        #expect(cmp.headers["Referred-By"] == "<sip:ann@example.com>")
        #expect(cmp.headers["Identity"] == "bm90LWEtcmVhbC1zaWduYXR1cmU")
        #expect(cmp.headers["Accept-Contact"] == "*;audio")
        #expect(cmp.headers["Reject-Contact"] == "*;video")
        #expect(cmp.headers["Request-Disposition"] == "proxy")
        #expect(cmp.headers["Content-Encoding"] == "identity")
        #expect(cmp.headers["Subject"] == "compact forms")
        #expect(try cmp.contentType == SIPMediaType(type: "text", subtype: "plain"))
        #expect(cmp.body == Array("compact".utf8))

        let v6 = try load("valid-ipv6-reference.sip")
        #expect(v6.requestURI?.sipURI?.host == .ipv6("2001:db8::10"))
        #expect(try v6.topVia?.host == .ipv6("2001:db8::9:1"))
        let amb = try load("valid-ipv6-port-ambiguous.sip")
        #expect(amb.requestURI?.sipURI?.host == .ipv6("2001:db8::10:5070"))
        #expect(amb.requestURI?.sipURI?.port == nil)
        let unamb = try load("valid-ipv6-port-unambiguous.sip")
        #expect(unamb.requestURI?.sipURI?.port == 5070)
        #expect(try unamb.topVia?.port == 6050)
        #expect(try load("valid-ipv6-received-brackets.sip").topVia?.received == "2001:db8::9:255")
        let plain = try load("valid-ipv6-received-plain.sip")
        #expect(try plain.topVia?.received == "2001:db8::9:255")
        #expect(try plain.topVia?.rport == .port(5061))
        let mixed = try load("valid-ipv6-mixed-addresses.sip")
        #expect(try mixed.via.count == 3)
        #expect(try mixed.contacts?.addresses.count == 2)
        let mapped = try load("valid-ipv4-mapped.sip")
        #expect(SIPHost.parseIPv6(Array("::ffff:192.0.2.10".utf8)[...])?.suffix(4) == [192, 0, 2, 10])
        #expect(mapped.requestURI?.sipURI?.host == .ipv6("::ffff:192.0.2.10"))

        let tel = try load("valid-tel-uri.sip")
        let telURI = try #require(tel.requestURI?.telURI)
        #expect(telURI.number == "+1-(201)-555.0123")
        #expect(telURI.digits == "+12015550123")
        #expect(telURI.extensionNumber == "45")
        #expect(try tel.to?.uri.telURI?.phoneContext == "example.com")
        #expect(try tel.pAssertedIdentity.count == 2)
        #expect(try tel.privacy == ["id", "header", "user"])

        let pr = try load("valid-prack-session-timer.sip")
        #expect(try pr.rack == SIPRAck(responseNumber: 776656, cseqNumber: 1, method: .invite))
        #expect(try pr.require == ["100rel"])
        #expect(try pr.sessionExpires?.refresher == .uas)
        #expect(try pr.minSE == 90)
        let reasons = try pr.reasons
        #expect(reasons.count == 2)
        #expect(reasons[0].cause == 200 && reasons[0].text == "Call completed, elsewhere")
        #expect(reasons[1].protocolName == "Q.850" && reasons[1].cause == 16)
        #expect(try pr.allow.contains(.prack))

        #expect(try load("valid-trailing-datagram-bytes.sip").callID == "dblreq.1@192.0.2.15")
        #expect(try load("valid-content-length-smaller.sip").body == Array("hello".utf8))
        #expect(try load("valid-no-content-length-datagram.sip").body == Array("all of this is the body".utf8))
    }

    // MARK: - Helpers

    func datagram(_ c: TortureCase) -> Result<SIPMessage, SIPParseError> {
        do {
            guard let message = try SIPMessageParser.parse(datagram: c.bytes, validation: c.validation) else {
                return .failure(SIPParseError(code: .malformedStartLine, reason: "keep-alive only", position: 0))
            }
            return .success(message)
        } catch let error as SIPParseError {
            return .failure(error)
        } catch {
            fatalError("unexpected \(error)")
        }
    }

    /// Feeds `bytes` to a stream parser (in `chunk`-sized pieces, or cut at `splits`) and returns
    /// the one message it yields, or the first error.
    func stream(_ bytes: [UInt8], validation: SIPValidation, chunk: Int? = nil, splits: [Int] = []) -> Result<SIPMessage, SIPParseError> {
        var parser = SIPMessageParser(validation: validation)
        var pieces: [ArraySlice<UInt8>] = []
        if let chunk {
            var i = 0
            while i < bytes.count {
                pieces.append(bytes[i..<min(i + chunk, bytes.count)])
                i += chunk
            }
        } else {
            var last = 0
            for s in splits + [bytes.count] {
                pieces.append(bytes[last..<s])
                last = s
            }
        }
        var messages: [SIPMessage] = []
        do {
            for piece in pieces {
                parser.append(piece)
                while let event = try parser.next() {
                    if case .message(let m) = event { messages.append(m) }
                }
            }
        } catch let error as SIPParseError {
            return .failure(error)
        } catch {
            fatalError("unexpected \(error)")
        }
        guard messages.count == 1 else {
            return .failure(SIPParseError(code: .unterminatedHead, reason: "stream gave \(messages.count) messages", position: 0))
        }
        return .success(messages[0])
    }

    func checkRoundTrip(_ message: SIPMessage, _ c: TortureCase) throws {
        let bytes = message.serialized
        let again = try SIPMessageParser.parse(datagram: bytes, validation: c.validation)
        #expect(again == message, "\(c.name): datagram round trip")
        if message.headers.contains(.contentLength) {
            #expect(stream(bytes, validation: c.validation) == .success(message), "\(c.name): stream round trip")
        }
        // Typed values written back parse to the same values.
        for via in try message.via { #expect(try SIPVia(parsing: via.description) == via) }
        for name in [SIPHeaderName.from, .to] {
            if let value = message.headers[name] {
                let address = try SIPNameAddress(parsing: value)
                #expect(try SIPNameAddress(parsing: address.description) == address)
            }
        }
        if let uri = message.requestURI { #expect(try SIPAnyURI(parsing: uri.description) == uri) }
    }

    func readAllAccessors(_ m: SIPMessage, _ name: String) throws {
        _ = try m.via
        _ = try m.topVia
        _ = try m.from
        _ = try m.to
        _ = try m.contacts
        _ = try m.routes
        _ = try m.recordRoutes
        _ = try m.pAssertedIdentity
        _ = try m.callID
        _ = try m.cseq
        _ = try m.maxForwards
        _ = try m.contentType
        _ = try m.contentLength
        _ = try m.expires
        _ = try m.require
        _ = try m.supported
        _ = try m.allow
        _ = try m.rack
        _ = try m.sessionExpires
        _ = try m.minSE
        _ = try m.reasons
        _ = try m.privacy
        _ = try m.wwwAuthenticate
        _ = try m.authorization
    }
}
