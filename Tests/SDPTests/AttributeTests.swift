import Testing

@testable import SDP

@Suite struct AttributeTests {
    /// Each typed value parses from the text and prints the same text back.
    static func assertTyped<Value: SDPAttributeValue>(
        _ text: String, _ expected: Value, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let parsed = try Value(attributeValue: text)
        #expect(parsed == expected, sourceLocation: sourceLocation)
        #expect(parsed.attributeValue == text, sourceLocation: sourceLocation)
        #expect(try Value(attributeValue: expected.attributeValue) == expected, sourceLocation: sourceLocation)
    }

    @Test func rtpMap() throws {
        try Self.assertTyped(
            "111 opus/48000/2", RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        try Self.assertTyped("0 PCMU/8000", RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        for bad in ["", "96", "96 opus", "128 x/1", "96 opus/", "96 opus/48000/two", "96 /8000", "x opus/8000"] {
            #expect(throws: SDPError.self, "\(bad)") { try RTPMap(attributeValue: bad) }
        }
    }

    @Test func formatParameters() throws {
        try Self.assertTyped(
            "111 minptime=10;useinbandfec=1", FormatParameters(format: "111", parameters: "minptime=10;useinbandfec=1"))
        try Self.assertTyped("96", FormatParameters(format: "96", parameters: ""))
        let h264 = try FormatParameters(
            attributeValue: "102 level-asymmetry-allowed=1; packetization-mode=1 ;profile-level-id=42e01f;flag")
        #expect(
            h264.parameterList == [
                .init("level-asymmetry-allowed", "1"), .init("packetization-mode", "1"),
                .init("profile-level-id", "42e01f"),
                .init("flag"),
            ])
        #expect(h264["PROFILE-LEVEL-ID"] == "42e01f")
        #expect(h264["missing"] == nil)
        #expect(h264.payloadType == 102)
        var built = FormatParameters(format: "111", parameterList: [.init("stereo", "1"), .init("cbr")])
        #expect(built.attributeValue == "111 stereo=1;cbr")
        built.parameterList.append(.init("maxaveragebitrate", "20000"))
        #expect(built.parameters == "stereo=1;cbr;maxaveragebitrate=20000")
    }

    @Test(arguments: [
        ("0-16", [0...16] as [ClosedRange<UInt8>]), ("0-15,66,70", [0...15, 66...66, 70...70]), ("255", [255...255]),
    ])
    func telephoneEvents(text: String, ranges: [ClosedRange<UInt8>]) throws {
        let events = try TelephoneEvents(parsing: text)
        #expect(events.ranges == ranges)
        #expect(events.description == text)
    }

    @Test func telephoneEventsRejectsAndIntersects() throws {
        for bad in ["", "0-", "-1", "16-0", "0-256", "a", "0,,1", "0-1-2", " 0"] {
            #expect(throws: SDPError.self, "\(bad)") { try TelephoneEvents(parsing: bad) }
        }
        let offered = try TelephoneEvents(parsing: "0-15,66,70")
        #expect(offered.contains(11) && offered.contains(66) && !offered.contains(16))
        #expect(offered.intersection(.dtmfAndFlash).description == "0-15")
        #expect(offered.intersection(TelephoneEvents([60...70])).description == "66,70")
        #expect(TelephoneEvents([250...255]).intersection(TelephoneEvents([0...255])).description == "250-255")
        #expect(TelephoneEvents([0...3]).intersection(TelephoneEvents([4...9])).isEmpty)
    }

    @Test func rtcp() throws {
        try Self.assertTyped("53020", RTCPAttribute(port: 53020))
        try Self.assertTyped(
            "53020 IN IP4 126.16.64.4",
            RTCPAttribute(port: 53020, address: .init(addressType: "IP4", address: "126.16.64.4")))
        try Self.assertTyped(
            "53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD",
            RTCPAttribute(
                port: 53020, address: .init(addressType: "IP6", address: "2001:2345:6789:ABCD:EF01:2345:6789:ABCD")))
        for bad in ["", "x", "70000", "9 IN IP4", "9 IN IP4 a b"] {
            #expect(throws: SDPError.self, "\(bad)") { try RTCPAttribute(attributeValue: bad) }
        }
    }

    @Test func rtcpFeedback() throws {
        try Self.assertTyped("96 nack pli", RTCPFeedback(payloadType: 96, type: "nack", subtype: "pli"))
        try Self.assertTyped("* ccm fir", RTCPFeedback(target: .all, type: "ccm", subtype: "fir"))
        try Self.assertTyped("111 transport-cc", RTCPFeedback(payloadType: 111, type: "transport-cc"))
        try Self.assertTyped("* trr-int 100", RTCPFeedback(target: .all, type: "trr-int", subtype: "100"))
        #expect(throws: SDPError.self) { try RTCPFeedback(attributeValue: "96") }
    }

    @Test func extensionMap() throws {
        try Self.assertTyped(
            "1 urn:ietf:params:rtp-hdrext:toffset", ExtensionMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:toffset"))
        try Self.assertTyped(
            "2/sendrecv urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24",
            ExtensionMap(
                id: 2, direction: .sendrecv, uri: "urn:ietf:params:rtp-hdrext:smpte-tc", attributes: "25@600/24"))
        for bad in ["1", "x urn:a", "1/both urn:a", "123456 urn:a", "1/sendrecv/x urn:a"] {
            #expect(throws: SDPError.self, "\(bad)") { try ExtensionMap(attributeValue: bad) }
        }
    }

    @Test func ssrcAndGroups() throws {
        try Self.assertTyped(
            "12345 cname:user@example.com", SSRCAttribute(ssrc: 12345, attribute: "cname", value: "user@example.com"))
        try Self.assertTyped(
            "4294967295 msid:stream track", SSRCAttribute(ssrc: 4_294_967_295, attribute: "msid", value: "stream track")
        )
        try Self.assertTyped("1 x-flag", SSRCAttribute(ssrc: 1, attribute: "x-flag"))
        for bad in ["", "1", "4294967296 cname:x", "1 :x", "x cname:y"] {
            #expect(throws: SDPError.self, "\(bad)") { try SSRCAttribute(attributeValue: bad) }
        }
        try Self.assertTyped("FID 1 2", SSRCGroup(semantics: "FID", ssrcs: [1, 2]))
        #expect(throws: SDPError.self) { try SSRCGroup(attributeValue: "FID 1 x") }
        try Self.assertTyped("BUNDLE 0 1 data", MediaGroup(semantics: "BUNDLE", mids: ["0", "1", "data"]))
        try Self.assertTyped("LS", MediaGroup(semantics: "LS", mids: []))
        #expect(throws: SDPError.self) { try MediaGroup(attributeValue: "") }
        try Self.assertTyped("stream track", MediaStreamID(id: "stream", appData: "track"))
        try Self.assertTyped("-", MediaStreamID(id: "-"))
        #expect(throws: SDPError.self) { try MediaStreamID(attributeValue: "a b c") }
    }

    @Test func candidate() throws {
        try Self.assertTyped(
            "1 1 UDP 2130706431 192.0.2.1 5000 typ host",
            ICECandidate(
                foundation: "1", component: 1, priority: 2_130_706_431, address: "192.0.2.1", port: 5000, type: .host))
        try Self.assertTyped(
            "a+/b 2 TCP 1 2001:db8::1 9 typ relay raddr 203.0.113.1 rport 3478 tcptype passive ufrag Ab12",
            ICECandidate(
                foundation: "a+/b", component: 2, transport: "TCP", priority: 1, address: "2001:db8::1", port: 9,
                type: .relay,
                relatedAddress: "203.0.113.1", relatedPort: 3478,
                extensions: [.init("tcptype", "passive"), .init("ufrag", "Ab12")]))
        // Extension order is kept, and a related port alone is allowed.
        let onlyPort = try ICECandidate(attributeValue: "1 1 udp 1 h.example 1 typ srflx rport 2 network-id 3")
        #expect(onlyPort.relatedAddress == nil && onlyPort.relatedPort == 2)
        #expect(onlyPort.extensions == [.init("network-id", "3")])
        for bad in [
            "1 1 udp 1 192.0.2.1 1 host", "1 1 udp 1 192.0.2.1 1 typ", "1 1 udp 1 192.0.2.1 70000 typ host",
            "1 1 udp 99999999999 192.0.2.1 1 typ host", "f@o 1 udp 1 192.0.2.1 1 typ host",
            "1 1000 udp 1 192.0.2.1 1 typ host", "1 1 udp 1 192.0.2.1 1 typ host generation",
            "1 1 udp 1 192.0.2.1 1 typ srflx raddr 192.0.2.2 rport x",
            String(repeating: "f", count: 33) + " 1 udp 1 192.0.2.1 1 typ host",
        ] {
            #expect(throws: SDPError.self, "\(bad)") { try ICECandidate(attributeValue: bad) }
        }
    }

    @Test func fingerprint() throws {
        try Self.assertTyped(
            "sha-1 4A:AD:B9:B1:3F", Fingerprint(hashFunction: "sha-1", value: [0x4A, 0xAD, 0xB9, 0xB1, 0x3F]))
        // RFC 8122 writes upper case; lower case is read, and printed upper case.
        let lower = try Fingerprint(attributeValue: "sha-256 ab:cd")
        #expect(lower.value == [0xAB, 0xCD])
        #expect(lower.attributeValue == "sha-256 AB:CD")
        for bad in ["sha-256", "sha-256 ABCD", "sha-256 AB:", "sha-256 AB:GG", "sha-256 AB CD"] {
            #expect(throws: SDPError.self, "\(bad)") { try Fingerprint(attributeValue: bad) }
        }
    }

    @Test func setup() throws {
        for role in SetupRole.allCases { try Self.assertTyped(role.rawValue, role) }
        #expect(throws: SDPError.self) { try SetupRole(attributeValue: "ACTIVE") }
    }

    @Test func crypto() throws {
        // RFC 4568 section 4's example shape, with a key of our own (30 bytes of 0x00...0x1d).
        let key = (0..<30).map { UInt8($0) }
        let encoded = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
        try Self.assertTyped(
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(encoded)|2^20|1:32",
            CryptoAttribute(
                tag: 1, suite: "AES_CM_128_HMAC_SHA1_80",
                keyParameters: [
                    .inline(.init(keySalt: key, lifetime: .powerOfTwo(20), mki: .init(value: 1, length: 32)))
                ]))
        try Self.assertTyped(
            "2 AES_CM_128_HMAC_SHA1_32 inline:\(encoded)|1048576 KDR=1 UNENCRYPTED_SRTP",
            CryptoAttribute(
                tag: 2, suite: "AES_CM_128_HMAC_SHA1_32",
                keyParameters: [.inline(.init(keySalt: key, lifetime: .packets(1_048_576)))],
                sessionParameters: ["KDR=1", "UNENCRYPTED_SRTP"]))
        try Self.assertTyped(
            "3 F8_128_HMAC_SHA1_80 inline:\(encoded)|2:4;inline:\(encoded)|3:4",
            CryptoAttribute(
                tag: 3, suite: "F8_128_HMAC_SHA1_80",
                keyParameters: [
                    .inline(.init(keySalt: key, mki: .init(value: 2, length: 4))),
                    .inline(.init(keySalt: key, mki: .init(value: 3, length: 4))),
                ]))
        try Self.assertTyped(
            "4 X_SUITE x_method:some-info",
            CryptoAttribute(tag: 4, suite: "X_SUITE", keyParameters: [.other(method: "x_method", info: "some-info")]))
        // Tabs are whitespace in RFC 4568's grammar.
        #expect(
            try CryptoAttribute(attributeValue: "1\tAES_CM_128_HMAC_SHA1_80\tinline:\(encoded)").inlineKey?.keySalt
                == key)
        for bad in [
            "1 AES_CM_128_HMAC_SHA1_80", "x AES inline:\(encoded)", "1234567890 AES inline:\(encoded)",
            "1 AES-CM inline:\(encoded)", "1 AES inline:", "1 AES inline:\(encoded)|2^x", "1 AES inline:\(encoded)|1:0",
            "1 AES inline:\(encoded)|1:129", "1 AES inline:\(encoded)|1:4|2^20", "1 AES inline:A", "1 AES :x",
        ] {
            #expect(throws: SDPError.self, "\(bad)") { try CryptoAttribute(attributeValue: bad) }
        }
    }

    @Test func base64() {
        for length in 0..<50 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64.encode(bytes)
            #expect(Base64.decode(text.utf8) == bytes)
            #expect(Base64.decode(text.utf8.filter { $0 != UInt8(ascii: "=") }) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("A".utf8) == nil)
        #expect(Base64.decode("Zm8=A".utf8) == nil)
        #expect(Base64.decode("Zm===".utf8) == nil)
    }

    @Test func settersKeepPositionAndOtherAttributes() throws {
        var media = MediaDescription(
            type: .audio, port: 4000, proto: .rtpAVP, formats: ["0"],
            attributes: [
                Attribute("x-a"), Attribute("sendonly"), Attribute("x-b"), Attribute("rtcp-mux"), Attribute("x-c"),
            ])
        media.direction = .inactive
        #expect(media.attributes.map(\.description) == ["x-a", "inactive", "x-b", "rtcp-mux", "x-c"])
        media.direction = nil
        #expect(media.direction == nil)
        #expect(media.attributes.map(\.description) == ["x-a", "x-b", "rtcp-mux", "x-c"])
        media.rtcpMux = false
        media.rtcpMux = true
        media.rtcpMux = true
        #expect(media.attributes.filter { $0.name == "rtcp-mux" }.count == 1)
        media.mid = "audio"
        media.ptime = 20
        media.iceOptions = ["trickle", "renomination"]
        #expect(media.iceOptions == ["trickle", "renomination"])
        media.iceOptions = []
        #expect(!media.hasAttribute("ice-options"))
        media.rtpMaps = [RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)]
        media.rtpMaps.append(RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000))
        #expect(
            media.attributes.map(\.description).suffix(4) == [
                "mid:audio", "ptime:20", "rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000",
            ])
        media.setup = .active
        media.setup = .passive
        #expect(media.attributes(named: "setup") == [Attribute("setup", "passive")])
        media.candidates = []
        media.endOfCandidates = true
        #expect(media.endOfCandidates)
        media.ssrcAttributes = [
            SSRCAttribute(ssrc: 7, attribute: "cname", value: "a"),
            SSRCAttribute(ssrc: 7, attribute: "label", value: "b"),
            SSRCAttribute(ssrc: 9, attribute: "cname", value: "a"),
        ]
        #expect(media.ssrcs == [7, 9])
        media.ptime = nil
        #expect(!media.hasAttribute("ptime"))
    }

    @Test func buildingFromScratch() throws {
        var sdp = SessionDescription(
            origin: Origin(sessionID: "20518", sessionVersion: 0, unicastAddress: "203.0.113.1"),
            connection: .ip4("203.0.113.1"))
        sdp.iceLite = true
        sdp.groups = [.bundle(["a"])]
        var audio = MediaDescription(type: .audio, port: 54400, proto: .udpTLSRTPSAVPF)
        audio.mid = "a"
        audio.addCodec(
            payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2, formatParameters: "useinbandfec=1")
        audio.addCodec(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        audio.addCodec(
            payloadType: 101, encodingName: "telephone-event", clockRate: 8000,
            formatParameters: TelephoneEvents.dtmf.description)
        audio.direction = .sendrecv
        audio.rtcpMux = true
        audio.iceUfrag = "8hhY"
        audio.icePwd = "asd88fgpdd777uzjYhagZg"
        audio.candidates = [
            ICECandidate(
                foundation: "1", component: 1, priority: 2_130_706_431, address: "203.0.113.1", port: 54400, type: .host
            )
        ]
        audio.endOfCandidates = true
        audio.fingerprints = [Fingerprint(hashFunction: "sha-256", value: Array(repeating: 0xAB, count: 32))]
        audio.setup = .actpass
        audio.rtcpFeedback = [RTCPFeedback(payloadType: 111, type: "transport-cc")]
        audio.extensionMaps = [ExtensionMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level")]
        audio.ssrcAttributes = [SSRCAttribute(ssrc: 1, attribute: "cname", value: "bridge")]
        audio.msid = [MediaStreamID(id: "s", appData: "t")]
        sdp.media.append(audio)
        try sdp.validate()
        try RoundTrip.assertModel(sdp)
        let text = sdp.serialized()
        #expect(
            text.hasPrefix(
                "v=0\r\no=- 20518 0 IN IP4 203.0.113.1\r\ns=-\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\na=ice-lite\r\na=group:BUNDLE a\r\n"
            ))
        #expect(
            text.contains(
                "m=audio 54400 UDP/TLS/RTP/SAVPF 111 0 101\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n"
            ))
        #expect(text.contains("a=fmtp:101 0-15\r\n"))
    }

    @Test func validateRejectsUnrepresentableModels() {
        let origin = Origin(sessionID: "1", sessionVersion: 1, unicastAddress: "192.0.2.1")
        var lineBreak = SessionDescription(origin: origin, sessionName: "a\r\nb=1", connection: .ip4("192.0.2.1"))
        #expect(throws: SDPError.self) { try lineBreak.validate() }
        lineBreak.sessionName = "fine"
        #expect(throws: Never.self) { try lineBreak.validate() }

        var spaceInFormat = SessionDescription(origin: origin, connection: .ip4("192.0.2.1"))
        spaceInFormat.media = [MediaDescription(type: .audio, port: 1, proto: .rtpAVP, formats: ["0 8"])]
        do {
            try spaceInFormat.validate()
            Issue.record("validated")
        } catch {
            #expect(error.code == .unrepresentableModel)
        }

        var noFormats = SessionDescription(origin: origin, connection: .ip4("192.0.2.1"))
        noFormats.media = [MediaDescription(type: .audio, port: 1, proto: .rtpAVP)]
        #expect(throws: SDPError.self) { try noFormats.validate() }

        let noTiming = SessionDescription(origin: origin, timing: [])
        #expect(throws: SDPError.self) { try noTiming.validate() }
    }
}
