import Testing

@testable import SDP

@Suite struct ParserBehaviourTests {
    static let minimal = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"

    @Test func acceptsLFAndCRLFAndBlankLines() throws {
        let lf = try SessionDescription(parsing: Self.minimal + "m=audio 9 RTP/AVP 0\n")
        let crlf = try SessionDescription(parsing: RoundTrip.crlf(Self.minimal + "m=audio 9 RTP/AVP 0\n"))
        let mixed = try SessionDescription(
            parsing: "v=0\r\no=- 1 1 IN IP4 192.0.2.1\ns=-\r\n\r\nc=IN IP4 192.0.2.1\nt=0 0\r\nm=audio 9 RTP/AVP 0")
        #expect(lf == crlf)
        #expect(lf == mixed)
        #expect(lf.serialized().hasSuffix("m=audio 9 RTP/AVP 0\r\n"))
        #expect(!lf.serialized().contains("\n\n"))
        #expect(lf.serialized().utf8.filter { $0 == 0x0A }.count == lf.serialized().utf8.filter { $0 == 0x0D }.count)
    }

    @Test func unknownAttributesRoundTripVerbatimAndInOrder() throws {
        let text =
            Self.minimal
            + "a=x-first\na=x-second:  spaced value  \na=x-empty:\na=x-colons:a:b:c\n"
            + "m=audio 9 RTP/AVP 0\na=zzz\na=rtpmap:0 PCMU/8000\na=x-unicode:caf\u{E9} \u{1F600}\na=zzz\n"
        let sdp = try RoundTrip.assertExact(text)
        #expect(
            sdp.attributes == [
                Attribute("x-first"), Attribute("x-second", "  spaced value  "), Attribute("x-empty", ""),
                Attribute("x-colons", "a:b:c"),
            ])
        #expect(sdp.media[0].attributes.map(\.name) == ["zzz", "rtpmap", "x-unicode", "zzz"])
        #expect(sdp.media[0].firstValue(of: "x-unicode") == "caf\u{E9} \u{1F600}")
    }

    @Test func optionalLinesInAnyOrderSerializeInRFCOrder() throws {
        let text =
            "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nb=AS:64\nc=IN IP4 192.0.2.1\ni=info\na=x\n"
            + "m=audio 9 RTP/AVP 0\na=sendrecv\nb=TIAS:64000\nc=IN IP4 192.0.2.2\n"
        let sdp = try SessionDescription(parsing: text)
        #expect(
            sdp.serialized()
                == RoundTrip.crlf(
                    "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\ni=info\nc=IN IP4 192.0.2.1\nb=AS:64\nt=0 0\na=x\n"
                        + "m=audio 9 RTP/AVP 0\nc=IN IP4 192.0.2.2\nb=TIAS:64000\na=sendrecv\n"))
        try RoundTrip.assertModel(sdp)
    }

    @Test func structuredLinesToleratesExtraSpaces() throws {
        let sdp = try SessionDescription(
            parsing:
                "v=0\no=-  1 1 IN IP4 192.0.2.1 \ns=  name  \nc=IN IP4 192.0.2.1 \nt=0  0\nm=audio  9 RTP/AVP  0 8 \n")
        #expect(sdp.media[0].formats == ["0", "8"])
        // Text fields stay verbatim.
        #expect(sdp.sessionName == "  name  ")
        try RoundTrip.assertModel(sdp)
    }

    @Test func multipleTimeDescriptions() throws {
        let sdp = try RoundTrip.assertExact(
            "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=1 2\nr=7d 1h 0\nt=3 4\nr=1d 1h 0 2h\nr=1 2 3\n")
        #expect(sdp.timing.map(\.repeats) == [["7d 1h 0"], ["1d 1h 0 2h", "1 2 3"]])
    }

    @Test func encryptionKeyLinesAreKept() throws {
        let sdp = try RoundTrip.assertExact(Self.minimal + "k=prompt\nm=audio 9 RTP/AVP 0\nk=clear:secret\n")
        #expect(sdp.encryptionKey == "prompt")
        #expect(sdp.media[0].encryptionKey == "clear:secret")
    }

    @Test func parsesBytesAndEmptyValuesForTextFields() throws {
        let sdp = try SDPParser().parse(
            bytes: Array("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=\ni=\ne=\nc=IN IP4 192.0.2.1\nt=0 0\n".utf8))
        #expect(sdp.sessionName == "")
        #expect(sdp.information == "")
        #expect(sdp.emails == [""])
        try RoundTrip.assertModel(sdp)
    }

    @Test func sessionWithoutMedia() throws {
        let sdp = try RoundTrip.assertExact("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n")
        #expect(sdp.media.isEmpty)
        #expect(sdp.connection == nil)
    }

    /// Mutating the fixtures byte by byte: every result must either fail with a located error
    /// or round-trip. (The libFuzzer target in Fuzz/ does the same at scale.)
    @Test func mutatedFixturesNeverCrashAndRoundTrip() throws {
        var generator = SeededGenerator(seed: 0x5D9)
        let sources = FixtureTests.all.keys.sorted().compactMap { FixtureTests.all[$0] }.map { Array($0.utf8) }
        let alphabet = Array(" =:/\r\n\0-0123456789amcvtosbrzkipue*.\u{7F}".utf8) + [0xC3, 0xFF, 0x80]
        var parsedCount = 0
        for _ in 0..<3_000 {
            var bytes = sources[Int.random(in: 0..<sources.count, using: &generator)]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            do {
                let parsed = try SDPParser().parse(bytes: bytes)
                parsedCount += 1
                let reparsed = try SDPParser().parse(parsed.serialized())
                #expect(reparsed == parsed)
                #expect(OfferAnswer.changes(from: parsed, to: reparsed).isEmpty)
            } catch {
                #expect(error.line >= 0)
                #expect(error.line <= bytes.filter { $0 == 0x0A }.count + 2)
            }
        }
        #expect(parsedCount > 100)
    }
}
