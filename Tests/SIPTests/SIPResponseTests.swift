import Testing

@testable import SIP

@Suite struct SIPResponseTests {
    @Test func responseCopiesTheRFC3261Headers() throws {
        var bytes = Samples.invite()
        // Add a second Via and a Timestamp.
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "Max-Forwards: 70\r\n", with: "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1\r\nMax-Forwards: 70\r\nTimestamp: 54\r\n")
        bytes = Array(text.utf8)
        let request = try #require(try SIPMessageParser.parse(datagram: bytes))

        let ringing = SIPMessage.makeResponse(to: request, status: 180, toTag: "as83kd")
        #expect(ringing.startLine == .response(statusCode: 180, reasonPhrase: "Ringing"))
        #expect(ringing.headers.fields.map(\.name.canonicalName) == ["Via", "Via", "From", "To", "Call-ID", "CSeq", "Content-Length"])
        #expect(ringing.headers.values(for: .via) == request.headers.values(for: .via))
        #expect(ringing.headers[.to] == "Bob <sip:bob@biloxi.example.com>;tag=as83kd")
        #expect(try ringing.to?.tag == "as83kd")
        #expect(ringing.headers[.from] == request.headers[.from])
        #expect(ringing.headers[.callID] == request.headers[.callID])
        #expect(ringing.headers[.cseq] == "2 INVITE")
        #expect(ringing.headers[.contentLength] == "0")
        #expect(!ringing.headers.contains(.timestamp))
        // It parses as a valid response.
        #expect(try SIPMessageParser.parse(datagram: ringing.serialized) == ringing)

        // 100 Trying: no To tag, Timestamp copied (RFC 3261 8.2.6.1).
        let trying = SIPMessage.makeResponse(to: request, status: 100)
        #expect(try trying.to?.tag == nil)
        #expect(trying.headers[.timestamp] == "54")

        // An existing tag is kept; a random one is added when none is given.
        let tagged = SIPMessage.makeResponse(to: ringing, status: 200, reason: "Fine")
        #expect(tagged.reasonPhrase == "Fine")
        #expect(try tagged.to?.tag == "as83kd")
        let random = SIPMessage.makeResponse(to: request, status: 486)
        let tag = try #require(try random.to?.tag)
        #expect(tag.count == 16)
        #expect(random.reasonPhrase == "Busy Here")
    }

    @Test func badRequestNamesTheProblem() throws {
        do {
            _ = try SIPMessageParser.parse(datagram: Samples.badVia)
            Issue.record("accepted")
        } catch let error as SIPParseError {
            let response = try #require(SIPMessage.makeErrorResponse(for: error, toTag: "z"))
            #expect(response.startLine == .response(statusCode: 400, reasonPhrase: "Bad Request (malformed Via header)"))
            #expect(response.headers[.via] == "SIP/2.0/TCP host:99999;branch=z9hG4bKbad")
            #expect(response.headers[.to] == "<sip:bob@biloxi.example.com>;tag=z")
            #expect(response.headers[.cseq] == "7 OPTIONS")
            let wire = String(decoding: response.serialized, as: UTF8.self)
            #expect(wire.hasPrefix("SIP/2.0 400 Bad Request (malformed Via header)\r\nVia: SIP/2.0/TCP host:99999;branch=z9hG4bKbad\r\n"))
        }
    }

    @Test func noResponseWithoutViaOrForResponsesAndAcks() throws {
        let noVia = "OPTIONS sip:a@b.example SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        do {
            _ = try SIPMessageParser.parse(datagram: Array(noVia.utf8))
        } catch let error as SIPParseError {
            #expect(error.code == .missingHeader)
            #expect(SIPMessage.makeErrorResponse(for: error) == nil)
        }
        let response = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        do {
            _ = try SIPMessageParser.parse(datagram: Array(response.utf8))
        } catch let error as SIPParseError {
            #expect(error.code == .missingHeader && error.header == "From, To, Call-ID")
            #expect(error.summary == "missing From, To, Call-ID headers")
            #expect(SIPMessage.makeErrorResponse(for: error) == nil)
        }
        #expect(SIPMessage.makeErrorResponse(for: SIPParseError(code: .malformedStartLine, reason: "x", position: 0)) == nil)
    }

    @Test func statusAndPhrasesPerCode() {
        #expect(SIPParseError(code: .unsupportedVersion, reason: "", position: 0).responseStatusCode == 505)
        #expect(SIPParseError(code: .messageTooLarge, reason: "", position: 0).responseStatusCode == 513)
        #expect(SIPParseError(code: .malformedHeader, header: "Via", reason: "", position: 0).responseReasonPhrase == "Bad Request (malformed Via header)")
        #expect(SIPParseError(code: .duplicateHeader, header: "CSeq", reason: "", position: 0).summary == "multiple CSeq headers")
        #expect(SIPMessage.reasonPhrase(for: 487) == "Request Terminated")
        #expect(SIPMessage.reasonPhrase(for: 299) == "Unknown")
        let error = SIPParseError(code: .malformedHeader, header: "To", reason: "To header: bad", position: 17, line: 3)
        #expect(error.description == "To header: bad (line 3, byte 17)")
    }
}
