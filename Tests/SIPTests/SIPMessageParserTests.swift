import Testing

@testable import SIP

/// A small deterministic generator so chunkings are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Samples {
    static func invite(branch: String = "z9hG4bK74bf9", body: String = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n") -> [UInt8] {
        Array(
            ("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=\(branch)\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: Bob <sip:bob@biloxi.example.com>\r\n"
                + "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
                + "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
                + "CSeq: 2 INVITE\r\n"
                + "Contact: <sip:alice@pc33.atlanta.example.com;transport=tcp>\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
    }

    static let ok: [UInt8] = Array(
        ("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.101\r\n"
            + "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
            + "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
            + "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
            + "CSeq: 2 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n").utf8)

    /// A request with a malformed Via that is otherwise well framed.
    static let badVia: [UInt8] = Array(
        ("OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP host:99999;branch=z9hG4bKbad\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: <sip:bob@biloxi.example.com>\r\n"
            + "From: <sip:alice@atlanta.example.com>;tag=1\r\n"
            + "Call-ID: bad-via@atlanta.example.com\r\n"
            + "CSeq: 7 OPTIONS\r\n"
            + "Content-Length: 4\r\n\r\nbody").utf8)
}

/// Stream framing, keep-alives, split invariance (in the manner of NIO's
/// ByteToMessageDecoderVerifier), datagram framing and limits.
@Suite struct SIPMessageParserTests {
    enum Outcome: Equatable {
        case event(SIPMessageParser.Event)
        case error(SIPParseError)
    }

    /// Feeds the chunks and records every event and error until the input is exhausted or a
    /// fatal error stops the parser.
    static func run(_ chunks: [ArraySlice<UInt8>], limits: SIPLimits = .default) -> [Outcome] {
        var parser = SIPMessageParser(limits: limits)
        var out: [Outcome] = []
        for chunk in chunks {
            parser.append(chunk)
            while true {
                do {
                    guard let event = try parser.next() else { break }
                    out.append(.event(event))
                } catch let error as SIPParseError {
                    out.append(.error(error))
                    if error.isFatal { return out }
                } catch {
                    fatalError()
                }
            }
        }
        return out
    }

    static func chunks(_ bytes: [UInt8], sizes: [Int]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        var k = 0
        while i < bytes.count {
            let n = max(1, sizes[k % sizes.count])
            out.append(bytes[i..<min(bytes.count, i + n)])
            i += n
            k += 1
        }
        return out
    }

    /// A stream of several messages, keep-alives and a non-fatal error in between.
    static let conversation: [UInt8] =
        Array("\r\n\r\n".utf8) + Samples.invite() + Array("\r\n".utf8) + Samples.ok + Samples.badVia
        + Array("\r\n\r\n\r\n".utf8) + Samples.invite(branch: "z9hG4bKsecond", body: "") + Array("\r\n\r\n".utf8)

    @Test func conversationEvents() throws {
        let outcomes = Self.run([Self.conversation[...]])
        #expect(outcomes.count == 9)
        #expect(outcomes.last == .event(.ping))
        #expect(outcomes[0] == .event(.ping))
        guard case .event(.message(let invite)) = outcomes[1] else { Issue.record("\(outcomes[1])"); return }
        #expect(invite.method == .invite)
        #expect(outcomes[2] == .event(.pong))
        guard case .event(.message(let ok)) = outcomes[3] else { Issue.record("\(outcomes[3])"); return }
        #expect(ok.statusCode == 200)
        guard case .error(let error) = outcomes[4] else { Issue.record("\(outcomes[4])"); return }
        #expect(error.code == .malformedHeader && error.header == "Via" && !error.isFatal)
        #expect(error.reason == "Via header: port 99999 exceeds 65535")
        #expect(error.line == 2)
        // The position is the byte of the port within the message.
        let messageText = String(decoding: Samples.badVia, as: UTF8.self)
        let portOffset = messageText.utf8.count - messageText.drop { $0 != "9" }.utf8.count
        #expect(error.position == portOffset)
        #expect(error.recoveredMessage?.body == Array("body".utf8))
        #expect(outcomes[5] == .event(.ping))
        #expect(outcomes[6] == .event(.pong))
        guard case .event(.message(let second)) = outcomes[7] else { Issue.record("\(outcomes[7])"); return }
        #expect(try second.topVia?.branch == "z9hG4bKsecond")
    }

    /// Every chunking gives the same events: byte by byte, every single split point, and many
    /// random chunkings.
    @Test func splitInvariance() {
        let bytes = Self.conversation
        let expected = Self.run([bytes[...]])
        #expect(expected.count == 9)
        for split in 0...bytes.count {
            let outcome = Self.run([bytes[..<split], bytes[split...]])
            if outcome != expected {
                Issue.record("split at \(split) differs")
                break
            }
        }
        var rng = SplitMix64(state: 42)
        for _ in 0..<300 {
            let sizes = (0..<16).map { _ in Int.random(in: 1...97, using: &rng) }
            let outcome = Self.run(Self.chunks(bytes, sizes: sizes))
            if outcome != expected {
                Issue.record("chunk sizes \(sizes) differ")
                break
            }
        }
    }

    @Test func byteByByteEqualsWhole() {
        let bytes = Self.conversation
        #expect(Self.run(Self.chunks(bytes, sizes: [1])) == Self.run([bytes[...]]))
    }

    @Test func keepAlives() throws {
        var parser = SIPMessageParser()
        parser.append(Array("\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPendingCRLF)
        parser.append(Array("\r".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("\n".utf8))
        #expect(try parser.next() == .ping)
        #expect(!parser.hasPendingCRLF)
        parser.append(Array("\r\nO".utf8))
        #expect(try parser.next() == .pong)
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 1)

        var bad = SIPMessageParser()
        bad.append(Array("\r\nx".utf8) + [0x0D, 0x41] + Array("\r\n\r\n".utf8))
        #expect(try bad.next() == .pong)
        #expect(throws: SIPParseError.self) { try bad.next() }  // "x\rA": a start line with a bare CR
        var bad2 = SIPMessageParser()
        bad2.append([0x0D, 0x20])
        do {
            _ = try bad2.next()
            Issue.record("accepted CR SP")
        } catch let error as SIPParseError {
            #expect(error.code == .invalidKeepAlive && error.isFatal)
        }
        // The failure is sticky.
        bad2.append(Array("\r\n".utf8))
        #expect(throws: SIPParseError.self) { try bad2.next() }
    }

    @Test func streamRequiresContentLength() throws {
        var text = String(decoding: Samples.ok, as: UTF8.self)
        text = text.replacingOccurrences(of: "Content-Length: 0\r\n", with: "")
        var parser = SIPMessageParser()
        parser.append(Array(text.utf8))
        do {
            _ = try parser.next()
            Issue.record("parsed without Content-Length")
        } catch let error as SIPParseError {
            #expect(error.code == .missingContentLength && error.isFatal)
            #expect(error.recoveredMessage?.statusCode == 200)
        }
        // The same bytes are fine as a datagram.
        #expect(try SIPMessageParser.parse(datagram: Array(text.utf8))?.statusCode == 200)
    }

    @Test func bodyWaitsForAllBytes() throws {
        let bytes = Samples.invite()
        var parser = SIPMessageParser()
        parser.append(bytes.dropLast())
        #expect(try parser.next() == nil)
        parser.append(bytes.suffix(1))
        guard case .message(let m) = try parser.next() else { Issue.record("no message"); return }
        #expect(m.body == Array("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func bareLineFeedsAreAccepted() throws {
        let text = String(decoding: Samples.invite(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n", with: "\n")
        let body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
        let message = try #require(try SIPMessageParser.parse(datagram: Array((head + "\n\n" + body).utf8)))
        #expect(message.body == Array(body.utf8))
        #expect(try message.cseq?.sequence == 2)
    }

    @Test func datagramFraming() throws {
        #expect(try SIPMessageParser.parse(datagram: Array("\r\n\r\n".utf8)) == nil)
        #expect(try SIPMessageParser.parse(datagram: [UInt8]()) == nil)
        // Extra bytes after Content-Length are discarded (RFC 3261 18.3).
        let extra = try #require(try SIPMessageParser.parse(datagram: Samples.ok + Array("garbage".utf8)))
        #expect(extra.body.isEmpty)
        // A body shorter than Content-Length is an error with the message recovered for a 400.
        var short = Samples.invite()
        short.removeLast(3)
        do {
            _ = try SIPMessageParser.parse(datagram: short)
            Issue.record("accepted truncated body")
        } catch let error as SIPParseError {
            #expect(error.code == .truncatedBody)
            let response = try #require(SIPMessage.makeErrorResponse(for: error, toTag: "x1"))
            #expect(response.reasonPhrase == "Bad Request (body shorter than Content-Length)")
        }
    }

    @Test func limitsAreEnforcedEarly() throws {
        let limits = SIPLimits(maxMessageSize: 600, maxHeaderCount: 5, maxLineLength: 100)
        // A line that never ends: refused once it passes the line limit, not at the end.
        var parser = SIPMessageParser(limits: limits)
        parser.append(Array("OPTIONS sip:a@b.example SIP/2.0\r\nX-Long: ".utf8) + [UInt8](repeating: 0x61, count: 200))
        do {
            _ = try parser.next()
            Issue.record("accepted a long line")
        } catch let error as SIPParseError {
            #expect(error.code == .lineTooLong && error.header == "X-Long" && error.line == 2)
            #expect(error.reason == "X-Long header is longer than 100 bytes (limit SIPLimits.maxLineLength)")
        }
        // Too many headers.
        var many = SIPMessageParser(limits: limits)
        many.append(Array(("OPTIONS sip:a@b.example SIP/2.0\r\n" + String(repeating: "A: b\r\n", count: 6)).utf8))
        #expect(throws: SIPParseError.self) { try many.next() }
        // A head that grows past the message size without ending.
        var big = SIPMessageParser(limits: SIPLimits(maxMessageSize: 600, maxHeaderCount: 50, maxLineLength: 100))
        big.append(Array(("OPTIONS sip:a@b.example SIP/2.0\r\n" + String(repeating: "A: \(String(repeating: "x", count: 90))\r\n B\r\n", count: 10)).utf8))
        do {
            _ = try big.next()
            Issue.record("accepted")
        } catch let error as SIPParseError {
            #expect(error.code == .messageTooLarge)
            #expect(error.position < 610)
        }
        // A Content-Length beyond the limit is refused before the body is buffered.
        var cl = SIPMessageParser(limits: SIPLimits(maxMessageSize: 600))
        let head = String(decoding: Samples.ok, as: UTF8.self).replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 100000")
        cl.append(Array(head.utf8))
        do {
            _ = try cl.next()
            Issue.record("accepted")
        } catch let error as SIPParseError {
            #expect(error.code == .messageTooLarge && error.isFatal)
        }
        // Default limits: a 1 MB line of garbage stops at the 8 KB line limit.
        var flood = SIPMessageParser()
        flood.append([UInt8](repeating: 0x41, count: 1 << 20))
        do {
            _ = try flood.next()
            Issue.record("accepted")
        } catch let error as SIPParseError {
            #expect(error.code == .lineTooLong && error.position == 0)
        }
    }

    @Test func headerPositionsPointIntoFoldedValues() throws {
        let text = "OPTIONS sip:a@b.example SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nTo: <sip:a@b.example>\r\nFrom: <sip:c@d.example>;tag=1\r\nCall-ID: x\r\nCSeq: 1\r\n   OPTIONS;x\r\nContent-Length: 0\r\n\r\n"
        do {
            _ = try SIPMessageParser.parse(datagram: Array(text.utf8))
            Issue.record("accepted")
        } catch let error as SIPParseError {
            #expect(error.code == .malformedHeader && error.header == "CSeq" && error.line == 7)
            let semicolon = text.range(of: "OPTIONS;x")!.lowerBound
            let expected = text.utf8.distance(from: text.utf8.startIndex, to: semicolon) + 7
            #expect(error.position == expected, "\(error)")
        }
    }

    @Test func validationCanBeRelaxed() throws {
        let text = "OPTIONS sip:a@b.example SIP/2.0\r\nContent-Length: 0\r\n\r\n"
        #expect(throws: SIPParseError.self) { try SIPMessageParser.parse(datagram: Array(text.utf8)) }
        let message = try SIPMessageParser.parse(datagram: Array(text.utf8), validation: .framingOnly)
        #expect(message?.method == .options)
    }

    @Test func startLineForms() throws {
        func startLine(_ line: String) throws -> SIPStartLine? {
            let text = line + "\r\nContent-Length: 0\r\n\r\n"
            return try SIPMessageParser.parse(datagram: Array(text.utf8), validation: .framingOnly)?.startLine
        }
        #expect(try startLine("SIP/2.0 180 Ringing") == .response(statusCode: 180, reasonPhrase: "Ringing"))
        #expect(try startLine("sip/2.0 200 OK") == .response(statusCode: 200, reasonPhrase: "OK"))
        #expect(try startLine("SIP/2.0 183") == .response(statusCode: 183, reasonPhrase: ""))
        #expect(try startLine("BYE sip:x@y.example sip/2.0") == .request(method: .bye, uri: .sip(SIPURI(parsing: "sip:x@y.example"))))
        for bad in ["SIP/2.0 99 Low", "SIP/2.0 700 High", "SIP/2.0 2000 Big", "SIP/2.0x 200 OK", "SIP/3.0 200 OK", "INVITE", "INVITE sip:a@b", "INV\u{1}TE sip:a@b SIP/2.0", "INVITE sip:a@b SIP/2", "INVITE sip:a@b HTTP/1.1", " INVITE sip:a@b SIP/2.0"] {
            #expect(throws: SIPParseError.self, "\(bad)") { try startLine(bad) }
        }
    }
}
