import Testing

@testable import SDP

@Suite struct OfferAnswerTests {
    static let origin = Origin(sessionID: "1700000000", sessionVersion: 1, unicastAddress: "192.0.2.5")

    static func capabilities(
        _ media: [MediaCapability], connection: ConnectionData = .ip4("192.0.2.5")
    ) -> LocalCapabilities {
        LocalCapabilities(origin: origin, connection: connection, media: media)
    }

    static func audio(
        _ codecs: [Codec], events: TelephoneEvents? = .dtmfAndFlash, direction: MediaDirection = .sendrecv,
        proto: TransportProtocol = .rtpAVP, accepted: [TransportProtocol] = [], rtcpMux: Bool = false
    ) -> MediaCapability {
        MediaCapability(
            type: .audio, codecs: codecs, telephoneEvent: events.map { .init(events: $0) }, port: 40000, proto: proto,
            acceptedProtocols: accepted, direction: direction, ptime: 20, rtcpMux: rtcpMux)
    }

    static func offer(_ media: String, session: String = "c=IN IP4 198.51.100.7\nt=0 0\n") throws -> SessionDescription
    {
        try SessionDescription(parsing: "v=0\no=peer 5 5 IN IP4 198.51.100.7\ns=-\n" + session + media)
    }

    // MARK: Offers

    @Test func offerLooksLikeATelephonyOffer() throws {
        let offer = try OfferAnswer.makeOffer(Self.capabilities([Self.audio([.pcmu, .pcma])]))
        #expect(
            offer.serialized()
                == RoundTrip.crlf(
                    """
                    v=0
                    o=- 1700000000 1 IN IP4 192.0.2.5
                    s=-
                    c=IN IP4 192.0.2.5
                    t=0 0
                    m=audio 40000 RTP/AVP 0 8 101
                    a=rtpmap:0 PCMU/8000
                    a=rtpmap:8 PCMA/8000
                    a=rtpmap:101 telephone-event/8000
                    a=fmtp:101 0-16
                    a=ptime:20
                    a=sendrecv

                    """))
    }

    @Test func offerPayloadTypes() throws {
        let codecs: [Codec] = [
            .opus(), .g722,
            Codec(name: "iLBC", clockRate: 8000, formatParameters: "mode=30", preferredPayloadType: 111),
            Codec(name: "speex", clockRate: 16000), .pcmu, .comfortNoise,
        ]
        let offer = try OfferAnswer.makeOffer(Self.capabilities([Self.audio(codecs)]))
        let audio = offer.media[0]
        // Opus takes its preferred 111; iLBC's preferred 111 is taken, so it gets the lowest free
        // dynamic type; static codecs keep RFC 3551 numbers; telephone-event once per clock rate
        // (48000 first, on the preferred 101), comfort noise adds none.
        #expect(audio.formats == ["111", "9", "96", "97", "0", "13", "101", "98", "99"])
        #expect(audio.rtpMap(for: 111) == RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(audio.rtpMap(for: 96)?.encodingName == "iLBC")
        #expect(audio.formatParameters(for: "96")?.parameters == "mode=30")
        #expect(audio.formatParameters(for: "111")?.parameters == "minptime=10;useinbandfec=1")
        #expect(audio.rtpMap(for: 101) == RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 48000))
        #expect(audio.rtpMap(for: 98) == RTPMap(payloadType: 98, encodingName: "telephone-event", clockRate: 8000))
        #expect(audio.rtpMap(for: 99) == RTPMap(payloadType: 99, encodingName: "telephone-event", clockRate: 16000))
        #expect(audio.formatParameters(for: "98")?.telephoneEvents == .dtmfAndFlash)
    }

    @Test func offerErrors() {
        let tooMany = (0..<33).map { Codec(name: "X\($0)", clockRate: 8000) }
        #expect(throws: SDPError.self) {
            try OfferAnswer.makeOffer(Self.capabilities([Self.audio(tooMany, events: nil)]))
        }
        #expect(throws: SDPError.self) { try OfferAnswer.makeOffer(Self.capabilities([Self.audio([.pcmu, .pcmu])])) }
        do {
            _ = try OfferAnswer.makeOffer(Self.capabilities([Self.audio([Codec(name: "bad name", clockRate: 8000)])]))
            Issue.record("offered")
        } catch {
            #expect(error.code == .invalidCapabilities)
        }
        // 32 dynamic codecs fit exactly.
        let fits = (0..<32).map { Codec(name: "X\($0)", clockRate: 8000) }
        #expect(throws: Never.self) { try OfferAnswer.makeOffer(Self.capabilities([Self.audio(fits, events: nil)])) }
    }

    @Test func offerWithExtraAttributesAndMediaConnection() throws {
        var capability = Self.audio([.opus()], events: nil, proto: .udpTLSRTPSAVPF, rtcpMux: true)
        capability.connection = .ip6("2001:db8::5")
        capability.attributes = [Attribute("ice-ufrag", "8hhY"), Attribute("setup", "actpass")]
        var capabilities = Self.capabilities([capability])
        capabilities.attributes = [Attribute("ice-lite")]
        let offer = try OfferAnswer.makeOffer(capabilities)
        #expect(offer.iceLite)
        #expect(offer.media[0].connection == .ip6("2001:db8::5"))
        #expect(offer.media[0].rtcpMux)
        #expect(offer.media[0].setup == .actpass)
        #expect(offer.media[0].attributes.last == Attribute("setup", "actpass"))
    }

    // MARK: Answers

    @Test func mirrorsDynamicPayloadTypesFromTheOffer() throws {
        let offer = try SessionDescription(parsing: Fixtures.firefoxAudioOffer)
        let ours = Self.audio([.opus(), .pcmu], events: .dtmf, proto: .udpTLSRTPSAVPF, rtcpMux: true)
        let answer = try OfferAnswer.answer(to: offer, capabilities: Self.capabilities([ours]))
        let audio = answer.media[0]
        // Our opus prefers 111, the offer says 109: the answer says 109 (RFC 3264 section 6.1).
        #expect(audio.formats == ["109", "0", "101"])
        #expect(audio.rtpMap(for: 109) == RTPMap(payloadType: 109, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(audio.formatParameters(for: "109")?.parameters == "minptime=10;useinbandfec=1")
        #expect(audio.formatParameters(for: "101")?.parameters == "0-15")
        #expect(audio.mid == "0")
        #expect(audio.rtcpMux)
        #expect(audio.proto == .udpTLSRTPSAVPF)
        #expect(audio.port == 40000)
        #expect(audio.direction == .sendrecv)
        #expect(answer.connection == .ip4("192.0.2.5"))
        #expect(answer.origin == Self.origin)
    }

    @Test func staticPayloadTypesWithoutRtpmap() throws {
        let offer = try Self.offer("m=audio 5004 RTP/AVP 18 0 8 9\n")
        let answer = try OfferAnswer.answer(
            to: offer, capabilities: Self.capabilities([Self.audio([.pcma, .g722, .pcmu])]))
        #expect(answer.media[0].formats == ["0", "8", "9"])
        #expect(answer.media[0].rtpMaps.map(\.encodingName) == ["PCMU", "PCMA", "G722"])
        // No telephone-event was offered, so none is answered.
        #expect(!answer.media[0].rtpMaps.contains { $0.encodingName == "telephone-event" })
    }

    @Test func codecsMatchByNameIgnoringCaseClockRateAndChannels() throws {
        let offer = try Self.offer(
            "m=audio 5004 RTP/AVP 96 97 98 99\na=rtpmap:96 L16/16000/2\na=rtpmap:97 l16/16000\n"
                + "a=rtpmap:98 OPUS/48000/2\na=rtpmap:99 speex/8000\n")
        let ours = Self.audio(
            [
                Codec(name: "L16", clockRate: 16000), Codec(name: "opus", clockRate: 48000),
                Codec(name: "SPEEX", clockRate: 16000),
            ],
            events: nil)
        let answer = try OfferAnswer.answer(to: offer, capabilities: Self.capabilities([ours]))
        // L16/16000/2 differs in channels, speex/8000 in clock rate; opus matches without channels.
        #expect(answer.media[0].formats == ["97", "98"])
        #expect(answer.media[0].rtpMap(for: 98)?.channels == 2)
    }

    @Test func orderPreference() throws {
        let offer = try Self.offer("m=audio 5004 RTP/AVP 8 0 9 101\na=rtpmap:101 telephone-event/8000\n")
        let capabilities = Self.capabilities([Self.audio([.g722, .pcmu])])
        let offerOrder = try OfferAnswer.answer(to: offer, capabilities: capabilities)
        #expect(offerOrder.media[0].formats == ["0", "9", "101"])
        let ourOrder = try OfferAnswer.answer(to: offer, capabilities: capabilities, preferOurOrder: true)
        #expect(ourOrder.media[0].formats == ["9", "0", "101"])
    }

    struct EventCase: Sendable, CustomTestStringConvertible {
        var offer: String
        var ours: [Codec]
        var formats: [String]
        var events: String?
        var testDescription: String { "\(formats)" }
    }

    static let eventCases: [EventCase] = [
        // telephone-event only at the clock rate of an accepted codec.
        EventCase(
            offer:
                "m=audio 5004 RTP/AVP 109 0 110 101\na=rtpmap:109 opus/48000/2\na=rtpmap:110 telephone-event/48000\n"
                + "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n",
            ours: [.pcmu], formats: ["0", "101"], events: "0-15"),
        EventCase(
            offer:
                "m=audio 5004 RTP/AVP 109 0 110 101\na=rtpmap:109 opus/48000/2\na=rtpmap:110 telephone-event/48000\n"
                + "a=rtpmap:101 telephone-event/8000\n",
            ours: [.opus(), .pcmu], formats: ["109", "0", "110", "101"], events: "0-15"),
        EventCase(
            offer: "m=audio 5004 RTP/AVP 109 101\na=rtpmap:109 opus/48000/2\na=rtpmap:101 telephone-event/8000\n",
            ours: [.opus(), .pcmu], formats: ["109"], events: nil),
        // Events intersect with ours (0-16); no fmtp means 0-15 (RFC 4733 section 2.4.1).
        EventCase(
            offer: "m=audio 5004 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15,66,70\n",
            ours: [.pcmu], formats: ["0", "101"], events: "0-15"),
        EventCase(
            offer: "m=audio 5004 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 66,70\n", ours: [.pcmu],
            formats: ["0"], events: nil),
        // telephone-event alone does not accept a stream.
        EventCase(
            offer: "m=audio 5004 RTP/AVP 8 101\na=rtpmap:101 telephone-event/8000\n", ours: [.pcmu],
            formats: ["8", "101"],
            events: nil),
    ]

    @Test(arguments: eventCases)
    func telephoneEventClockRates(_ testCase: EventCase) throws {
        let offer = try Self.offer(testCase.offer)
        let answer = try OfferAnswer.answer(to: offer, capabilities: Self.capabilities([Self.audio(testCase.ours)]))
        #expect(answer.media[0].formats == testCase.formats)
        let events = answer.media[0].rtpMaps.first { $0.encodingName == "telephone-event" }
            .flatMap { answer.media[0].formatParameters(for: String($0.payloadType))?.parameters }
        #expect(events == testCase.events)
    }

    @Test func rejectsWithPortZeroAndTheOfferedFormats() throws {
        let offer = try Self.offer(
            "m=video 5006 RTP/AVP 31 32\na=mid:v\nm=audio 5004 RTP/AVP 97\na=rtpmap:97 iLBC/8000\n"
                + "m=audio 0 RTP/AVP 0\nm=audio 5008 RTP/SAVP 0\nm=audio 5010 RTP/AVP 13\nm=audio 5012 RTP/AVP 0\n"
                + "m=audio 5014 RTP/AVP 0\n")
        let answer = try OfferAnswer.answer(
            to: offer, capabilities: Self.capabilities([Self.audio([.pcmu, .comfortNoise])]))
        // One answer section per offered one, in order (RFC 3264 section 6).
        #expect(answer.media.count == offer.media.count)
        #expect(answer.media.map(\.type) == offer.media.map(\.type))
        #expect(answer.media.map(\.port) == [0, 0, 0, 0, 0, 40000, 0])
        #expect(answer.media.map(\.formats) == [["31", "32"], ["97"], ["0"], ["0"], ["13"], ["0"], ["0"]])
        #expect(answer.media.map(\.proto) == offer.media.map(\.proto))
        // A rejected section keeps only its mid.
        #expect(answer.media[0].attributes == [Attribute("mid", "v")])
        #expect(answer.media[1].attributes.isEmpty)
        // The one audio capability answers the first acceptable stream; the next one is rejected.
        #expect(answer.media[6].isRejected)
    }

    @Test func acceptedProtocols() throws {
        let offer = try Self.offer(
            "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:VeXNjkbcjtS3wnZNKlpNdncG+F2GkAJK1r2jQBvp\n"
        )
        var ours = Self.audio([.pcmu], accepted: [.rtpAVP, .rtpSAVP])
        ours.attributes = [
            Attribute("crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:yMvMyTX2zR9hImrhUziuGjQATTO6DSRqwEyBsbry")
        ]
        let answer = try OfferAnswer.answer(to: offer, capabilities: Self.capabilities([ours]))
        #expect(answer.media[0].proto == .rtpSAVP)
        #expect(answer.media[0].port == 40000)
        #expect(answer.media[0].cryptos.first?.tag == 1)
    }

    struct DirectionCase: Sendable, CustomTestStringConvertible {
        var offered: MediaDirection
        var local: MediaDirection
        var answer: MediaDirection
        var testDescription: String { "\(offered)+\(local)->\(answer)" }
    }

    static let directionCases: [DirectionCase] = [
        .init(offered: .sendrecv, local: .sendrecv, answer: .sendrecv),
        .init(offered: .sendonly, local: .sendrecv, answer: .recvonly),
        .init(offered: .recvonly, local: .sendrecv, answer: .sendonly),
        .init(offered: .inactive, local: .sendrecv, answer: .inactive),
        .init(offered: .sendrecv, local: .recvonly, answer: .recvonly),
        .init(offered: .sendrecv, local: .sendonly, answer: .sendonly),
        .init(offered: .sendrecv, local: .inactive, answer: .inactive),
        .init(offered: .sendonly, local: .sendonly, answer: .inactive),
        .init(offered: .recvonly, local: .recvonly, answer: .inactive),
        .init(offered: .sendonly, local: .recvonly, answer: .recvonly),
        .init(offered: .recvonly, local: .sendonly, answer: .sendonly),
    ]

    @Test(arguments: directionCases)
    func directionTable(_ testCase: DirectionCase) throws {
        #expect(OfferAnswer.answerDirection(offered: testCase.offered, local: testCase.local) == testCase.answer)
        let offer = try Self.offer("m=audio 5004 RTP/AVP 0\na=\(testCase.offered)\n")
        let answer = try OfferAnswer.answer(
            to: offer, capabilities: Self.capabilities([Self.audio([.pcmu], direction: testCase.local)]))
        #expect(answer.media[0].direction == testCase.answer)
        // A session-level direction in the offer counts the same (RFC 8866 section 6.7).
        let sessionLevel = try Self.offer(
            "m=audio 5004 RTP/AVP 0\n", session: "c=IN IP4 198.51.100.7\nt=0 0\na=\(testCase.offered)\n")
        let sessionAnswer = try OfferAnswer.answer(
            to: sessionLevel, capabilities: Self.capabilities([Self.audio([.pcmu], direction: testCase.local)]))
        #expect(sessionAnswer.media[0].direction == testCase.answer)
    }

    @Test func rfc2543HoldAddress() throws {
        let held = try Self.offer("m=audio 5004 RTP/AVP 0\n", session: "c=IN IP4 0.0.0.0\nt=0 0\n")
        let answer = try OfferAnswer.answer(to: held, capabilities: Self.capabilities([Self.audio([.pcmu])]))
        #expect(answer.media[0].direction == .recvonly)
        // With ICE, 0.0.0.0 is a placeholder and means nothing (RFC 8839 section 4.3.1).
        let chrome = try SessionDescription(parsing: Fixtures.chromeAudioOffer)
        let webrtc = try OfferAnswer.answer(
            to: chrome,
            capabilities: Self.capabilities([Self.audio([.opus(), .pcmu], proto: .udpTLSRTPSAVPF, rtcpMux: true)]))
        #expect(webrtc.media[0].direction == .sendrecv)
        #expect(webrtc.media[0].formats == ["111", "0", "110", "126"])
        #expect(webrtc.media[0].rtcpMux)
    }

    @Test func rtcpMuxOnlyWhenOfferedAndSupported() throws {
        let muxed = try Self.offer("m=audio 5004 RTP/AVP 0\na=rtcp-mux\n")
        let plain = try Self.offer("m=audio 5004 RTP/AVP 0\n")
        let supporting = Self.capabilities([Self.audio([.pcmu], rtcpMux: true)])
        let notSupporting = Self.capabilities([Self.audio([.pcmu], rtcpMux: false)])
        #expect(try OfferAnswer.answer(to: muxed, capabilities: supporting).media[0].rtcpMux)
        #expect(try !OfferAnswer.answer(to: plain, capabilities: supporting).media[0].rtcpMux)
        #expect(try !OfferAnswer.answer(to: muxed, capabilities: notSupporting).media[0].rtcpMux)
    }

    /// RFC 4317 section 2.1: Bob supports only PCMU and MPV, and answers with those.
    @Test func rfc4317AudioAndVideo1() throws {
        let offer = try SessionDescription(parsing: Fixtures.rfc3264AliceOffer)
        let bob = LocalCapabilities(
            origin: Origin(
                username: "bob", sessionID: "2808844564", sessionVersion: 2_808_844_564,
                unicastAddress: "host.biloxi.example.com"),
            sessionName: "", connection: .ip4("host.biloxi.example.com"),
            media: [
                MediaCapability(type: .audio, codecs: [.pcmu], port: 49174, direction: .sendrecv),
                MediaCapability(type: .video, codecs: [Codec(name: "MPV", clockRate: 90000)], port: 49170),
            ])
        let answer = try OfferAnswer.answer(to: offer, capabilities: bob)
        var expected = try SessionDescription(
            parsing: """
                v=0
                o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com
                s=
                c=IN IP4 host.biloxi.example.com
                t=0 0
                m=audio 49174 RTP/AVP 0
                a=rtpmap:0 PCMU/8000
                m=video 49170 RTP/AVP 32
                a=rtpmap:32 MPV/90000

                """)
        // We always state the direction.
        expected.media[0].direction = .sendrecv
        expected.media[1].direction = .sendrecv
        #expect(answer == expected)
    }

    @Test func answeringOurOwnOffer() throws {
        let offer = try OfferAnswer.makeOffer(Self.capabilities([Self.audio([.opus(), .pcma, .pcmu])]))
        let peer = LocalCapabilities(
            origin: Origin(sessionID: "9", sessionVersion: 1, unicastAddress: "198.51.100.9"),
            connection: .ip4("198.51.100.9"),
            media: [MediaCapability(type: .audio, codecs: [.pcmu, .pcma], telephoneEvent: .init(), port: 7078)])
        let answer = try OfferAnswer.answer(to: offer, capabilities: peer, preferOurOrder: true)
        #expect(answer.media[0].formats == ["0", "8", "96"])
        #expect(answer.media[0].rtpMap(for: 96)?.clockRate == 8000)
        try RoundTrip.assertModel(answer)
    }
}
