import Testing

@testable import SDP

@Suite struct MalformedInputTests {
    static let head = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n"
    static let session = head + "c=IN IP4 192.0.2.1\nt=0 0\n"

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var code: SDPError.Code
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(
            text: head + "c=IN IP4\nt=0 0\n", code: .malformedLine,
            message: #"line 4: expected "c=<nettype> <addrtype> <address>", got "c=IN IP4""#),
        Case(text: "", code: .missingLine, message: #"line 1: expected "v=0", got end of input"#),
        Case(text: "\r\n\n", code: .missingLine, message: #"line 3: expected "v=0", got end of input"#),
        Case(text: "v=1\n", code: .malformedLine, message: #"line 1: expected "v=0", got "v=1""#),
        Case(
            text: "o=- 1 1 IN IP4 192.0.2.1\n", code: .missingLine,
            message: #"line 1: expected "v=0", got "o=- 1 1 IN IP4 192.0.2.1""#),
        Case(
            text: "v=0\ns=-\n", code: .missingLine,
            message:
                #"line 2: expected "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>", got "s=-""#
        ),
        Case(
            text: "v=0\no=- 1 IN IP4 192.0.2.1\n", code: .malformedLine,
            message:
                #"line 2: expected "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>", got "o=- 1 IN IP4 192.0.2.1""#
        ),
        Case(
            text: "v=0\no=- x1 1 IN IP4 192.0.2.1\n", code: .malformedLine,
            message:
                #"line 2: expected "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>", got "o=- x1 1 IN IP4 192.0.2.1""#
        ),
        Case(
            text: "v=0\no=- 1 1 IN IP4 192.0.2.1\n", code: .missingLine,
            message: #"line 3: expected "s=<session name>", got end of input"#),
        Case(
            text: head + "c=IN IP4 192.0.2.1\nm=audio 9 RTP/AVP 0\n", code: .missingLine,
            message: #"line 5: expected "t=<start-time> <stop-time>", got "m=audio 9 RTP/AVP 0""#),
        Case(
            text: head + "t=0\n", code: .malformedLine,
            message: #"line 4: expected "t=<start-time> <stop-time>", got "t=0""#),
        Case(
            text: head + "t=0 99999999999999999999999\n", code: .malformedLine,
            message: #"line 4: expected "t=<start-time> <stop-time>", got "t=0 99999999999999999999999""#),
        Case(
            text: head + "x=unknown\nt=0 0\n", code: .unknownLineType,
            message: #"line 4: expected one of the line types v o s i u e p c b t r z k a m, got "x=unknown""#),
        Case(
            text: head + "garbage\n", code: .malformedLine,
            message: #"line 4: expected "<type>=<value>", got "garbage""#),
        Case(
            text: head + "r=7d 1h 0 25h\nt=0 0\n", code: .misplacedLine,
            message: #"line 4: expected "t=<start-time> <stop-time>" before "r=", got "r=7d 1h 0 25h""#),
        Case(
            text: head + "t=0 0\nr=7d 1h\n", code: .malformedLine,
            message:
                #"line 5: expected "r=<repeat interval> <active duration> <offsets from start-time>", got "r=7d 1h""#),
        Case(
            text: head + "t=0 0\nz=2882844526 -1h 2898848070\n", code: .malformedLine,
            message:
                #"line 5: expected "z=<adjustment time> <offset> <adjustment time> <offset> ...", got "z=2882844526 -1h 2898848070""#
        ),
        Case(
            text: head + "c=IN IP4 192.0.2.1\nc=IN IP4 192.0.2.2\nt=0 0\n", code: .duplicateLine,
            message: #"line 5: expected at most one "c=" line at session level, got "c=IN IP4 192.0.2.2""#),
        Case(
            text: head + "b=AS\nt=0 0\n", code: .malformedLine,
            message: #"line 4: expected "b=<bwtype>:<bandwidth>", got "b=AS""#),
        Case(
            text: head + "c=IN IP4 224.2.1.1/ttl\nt=0 0\n", code: .malformedLine,
            message:
                #"line 4: expected "c=<nettype> IP4 <address>[/<ttl>[/<number of addresses>]]", got "c=IN IP4 224.2.1.1/ttl""#
        ),
        Case(
            text: session + "m=audio 9 RTP/AVP\n", code: .malformedLine,
            message:
                #"line 6: expected "m=<media> <port>[/<number of ports>] <proto> <fmt> ...", got "m=audio 9 RTP/AVP""#),
        Case(
            text: session + "m=audio 70000 RTP/AVP 0\n", code: .malformedLine,
            message:
                #"line 6: expected "m=<media> <port>[/<number of ports>] <proto> <fmt> ...", got "m=audio 70000 RTP/AVP 0""#
        ),
        Case(
            text: session + "m=audio 9 RTP//AVP 0\n", code: .malformedLine,
            message:
                #"line 6: expected "m=<media> <port>[/<number of ports>] <proto> <fmt> ...", got "m=audio 9 RTP//AVP 0""#
        ),
        Case(
            text: head + "t=0 0\nm=audio 9 RTP/AVP 0\na=sendrecv\n", code: .missingConnection,
            message:
                #"line 5: expected a "c=" line in this media description or at session level, got "m=audio 9 RTP/AVP 0""#
        ),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\nt=0 0\n", code: .misplacedLine,
            message: #"line 7: expected a media-level line (i= c= b= k= a=) or "m=", got "t=0 0""#),
        Case(
            text: session + "v=0\n", code: .misplacedLine,
            message: #"line 6: expected a session-level line (i= u= e= p= c= b= t= r= z= k= a=) or "m=", got "v=0""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 96\na=rtpmap:96 opus\n", code: .invalidAttribute,
            message:
                #"line 7: expected "a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]", got "a=rtpmap:96 opus""#
        ),
        Case(
            text: session + "m=audio 9 RTP/AVP 200\na=rtpmap:200 opus/48000/2\n", code: .invalidAttribute,
            message:
                #"line 7: expected "a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]", got "a=rtpmap:200 opus/48000/2""#
        ),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=candidate:1 1 udp 1 192.0.2.1 9 typ host generation\n",
            code: .invalidAttribute,
            message:
                #"line 7: expected "a=candidate:<foundation> <component-id> <transport> <priority> <address> <port> typ <cand-type> [raddr <rel-addr>] [rport <rel-port>] *(<name> <value>)", got "a=candidate:1 1 udp 1 192.0.2.1 9 typ host generation""#
        ),
        Case(
            text: session + "m=audio 9 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:not*base64\n",
            code: .invalidAttribute,
            message:
                #"line 7: expected "a=crypto:<tag> <crypto-suite> inline:<key||salt>[|<lifetime>][|<MKI>:<length>] [<session-param> ...]", got "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:not*base64""#
        ),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=fingerprint:sha-256 AB:C\n", code: .invalidAttribute,
            message: #"line 7: expected "a=fingerprint:<hash-func> <XX:XX:...>", got "a=fingerprint:sha-256 AB:C""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=setup:client\n", code: .invalidAttribute,
            message: #"line 7: expected "a=setup:active|passive|actpass|holdconn", got "a=setup:client""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=sendrecv:yes\n", code: .invalidAttribute,
            message: #"line 7: expected "a=sendrecv", got "a=sendrecv:yes""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=ice-ufrag:ab\n", code: .invalidAttribute,
            message: #"line 7: expected "a=ice-ufrag:<4 to 256 ice-chars>", got "a=ice-ufrag:ab""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=ptime:twenty\n", code: .invalidAttribute,
            message: #"line 7: expected "a=ptime:<milliseconds>", got "a=ptime:twenty""#),
        Case(
            text: session + "m=audio 9 RTP/AVP 0\na=rtpmap\n", code: .invalidAttribute,
            message: #"line 7: expected "a=rtpmap:<value>", got "a=rtpmap""#),
        Case(
            text: session + "a=:value\n", code: .malformedLine,
            message: #"line 6: expected "a=<attribute>[:<value>]", got "a=:value""#),
        Case(
            text: session + "a=bad name\n", code: .malformedLine,
            message: #"line 6: expected "a=<attribute>[:<value>]", got "a=bad name""#),
        Case(
            text: session + "a=x:a\u{0}b\n", code: .invalidCharacters,
            message: #"line 6: expected UTF-8 text without NUL or CR characters, got "a=x:a\u{0}b""#),
        Case(
            text: session + "a=x:a\rb\r\n", code: .invalidCharacters,
            message: #"line 6: expected UTF-8 text without NUL or CR characters, got "a=x:a\rb""#),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: Case) {
        let error = RoundTrip.error(testCase.text)
        #expect(error?.code == testCase.code)
        #expect(error?.description == testCase.message)
    }

    @Test func invalidUTF8() throws {
        var bytes = Array((Self.session + "a=x:").utf8)
        bytes += [0xC3, 0x28, 0x0A]
        #expect(throws: SDPError.self) { try SDPParser().parse(bytes: bytes) }
        do {
            _ = try SDPParser().parse(bytes: bytes)
        } catch {
            #expect(error.code == .invalidCharacters)
            #expect(error.line == 6)
        }
    }

    @Test func inputTooLarge() {
        let text = Self.session + String(repeating: "a=x\n", count: 20_000)
        let error = RoundTrip.error(text)
        #expect(error?.code == .inputTooLarge)
        #expect(error?.line == 0)
        #expect(error?.description == "input of \(text.utf8.count) bytes is over the limit of 65536 bytes")
    }

    @Test func tooManyLines() {
        let text = Self.session + String(repeating: "a=x\n", count: 1_100)
        let error = RoundTrip.error(text)
        #expect(error?.code == .tooManyLines)
        #expect(error?.description == #"line 1025: expected at most 1024 lines, got "a=x""#)
        // Exactly at the limit is fine.
        #expect(throws: Never.self) { try SDPParser().parse(Self.session + String(repeating: "a=x\n", count: 1_019)) }
    }

    @Test func tooManyMediaDescriptions() {
        let parser = SDPParser(limits: SDPLimits(maxMediaDescriptions: 2))
        let text = Self.session + String(repeating: "m=audio 9 RTP/AVP 0\n", count: 3)
        let error = RoundTrip.error(text, parser: parser)
        #expect(error?.code == .tooManyMediaDescriptions)
        #expect(error?.line == 8)
    }

    @Test func lenientParserKeepsMalformedKnownAttributes() throws {
        let text = Self.session + "m=audio 9 RTP/AVP 96\na=rtpmap:96 opus\na=rtpmap:97 telephone-event/8000\n"
        let parser = SDPParser(validatesKnownAttributes: false)
        let sdp = try RoundTrip.assertExact(text, parser: parser)
        // The malformed one stays in the list but the typed view skips it.
        #expect(sdp.media[0].attributes(named: "rtpmap").count == 2)
        #expect(sdp.media[0].rtpMaps.map(\.payloadType) == [97])
    }

    @Test func hostileLongLineIsShortenedInMessages() {
        let text = Self.head + "t=" + String(repeating: "9", count: 500) + "\n"
        let error = RoundTrip.error(text)
        #expect(error?.line == 4)
        #expect(error?.lineText?.utf8.count == 502)
        #expect((error?.description.utf8.count ?? 0) < 200)
        #expect(error?.description.hasSuffix("...\"") == true)
    }
}
