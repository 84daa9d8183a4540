import Testing

@testable import SDP

@Suite struct FixtureTests {
    static let all: [String: String] = [
        "chrome": Fixtures.chromeAudioOffer, "firefox": Fixtures.firefoxAudioOffer,
        "asterisk": Fixtures.asteriskOffer, "freeswitch": Fixtures.freeSWITCHSDESOffer,
        "kamailio-rtpengine": Fixtures.kamailioRTPEngineAnswer, "rfc8866": Fixtures.rfc8866Example,
        "rfc4566": Fixtures.rfc4566Example, "rfc3264-offer": Fixtures.rfc3264AliceOffer,
        "rfc3264-answer": Fixtures.rfc3264BobAnswer, "rfc8866-repeat-zone": Fixtures.rfc8866RepeatAndZone,
    ]

    @Test(arguments: all.keys.sorted())
    func roundTripsExactly(name: String) throws {
        let text = try #require(Self.all[name])
        try RoundTrip.assertExact(text)
        // The same text with CRLF endings parses to the same model.
        #expect(try SDPParser().parse(RoundTrip.crlf(text)) == SDPParser().parse(text))
    }

    @Test func chromeOffer() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeAudioOffer)
        #expect(sdp.origin.sessionID == "4611731400430051336")
        #expect(sdp.origin.sessionVersion == 2)
        #expect(sdp.groups == [MediaGroup(semantics: "BUNDLE", mids: ["0"])])
        // Chrome's "msid-semantic: WMS" keeps its space: the value is verbatim.
        #expect(sdp.firstValue(of: "msid-semantic") == " WMS 6e7f3a2c-5b1d-4c8e-9f0a-1b2c3d4e5f60")
        #expect(sdp.hasAttribute("extmap-allow-mixed"))
        #expect(sdp.media.count == 1)
        let audio = sdp.media[0]
        #expect(audio.type == .audio)
        #expect(audio.port == 9)
        #expect(audio.proto == .udpTLSRTPSAVPF)
        #expect(audio.formats == ["111", "63", "9", "0", "8", "13", "110", "126"])
        #expect(audio.connection == .ip4("0.0.0.0"))
        #expect(audio.rtcp == RTCPAttribute(port: 9, address: .init(addressType: "IP4", address: "0.0.0.0")))
        #expect(audio.mid == "0")
        #expect(audio.direction == .sendrecv)
        #expect(audio.rtcpMux)
        #expect(audio.iceUfrag == "CnD8")
        #expect(audio.icePwd == "zRA9a9SkpXz9w3QlY7Zkuvqd")
        #expect(audio.iceOptions == ["trickle"])
        #expect(audio.setup == .actpass)
        #expect(audio.fingerprints.count == 1)
        #expect(audio.fingerprints[0].hashFunction == "sha-256")
        #expect(audio.fingerprints[0].value.count == 32)
        #expect(audio.fingerprints[0].value.first == 0xA5)
        #expect(audio.rtpMap(for: 111) == RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(audio.rtpMaps.count == 8)
        #expect(audio.formatParameters(for: "111")?["useinbandfec"] == "1")
        #expect(audio.formatParameters(for: "111")?["MINPTIME"] == "10")
        #expect(audio.rtcpFeedback == [RTCPFeedback(payloadType: 111, type: "transport-cc")])
        #expect(audio.extensionMaps.map(\.id) == [1, 2, 3, 4])
        #expect(audio.extensionMaps[3].uri == "urn:ietf:params:rtp-hdrext:sdes:mid")
        #expect(audio.ssrcs == [3_570_614_608])
        #expect(
            audio.ssrcAttributes[0] == SSRCAttribute(ssrc: 3_570_614_608, attribute: "cname", value: "4TOk42mSjXCkVIa6")
        )
        #expect(
            audio.msid == [
                MediaStreamID(
                    id: "6e7f3a2c-5b1d-4c8e-9f0a-1b2c3d4e5f60", appData: "0d4c1a8b-2e3f-4a5b-8c6d-7e8f9a0b1c2d")
            ])

        let candidates = audio.candidates
        #expect(candidates.count == 3)
        #expect(candidates[0].foundation == "1467250027")
        #expect(candidates[0].transport == "udp")
        #expect(candidates[0].priority == 2_122_260_223)
        #expect(candidates[0].type == .host)
        #expect(
            candidates[0].extensions == [
                .init("generation", "0"), .init("network-id", "1"), .init("network-cost", "10"),
            ])
        #expect(candidates[1].tcpType == "active")
        #expect(candidates[1].extensions.first == .init("tcptype", "active"))
        #expect(candidates[2].type == .serverReflexive)
        #expect(candidates[2].relatedAddress == "192.0.2.10")
        #expect(candidates[2].relatedPort == 54400)
        #expect(candidates[2].extensionValue("network-cost") == "10")
    }

    @Test func firefoxOffer() throws {
        let sdp = try SessionDescription(parsing: Fixtures.firefoxAudioOffer)
        #expect(sdp.origin.username == "mozilla...THIS_IS_SDPARTA-115.0")
        #expect(sdp.fingerprints.first?.value.count == 32)
        #expect(sdp.iceOptions == ["trickle"])
        let audio = sdp.media[0]
        #expect(audio.endOfCandidates)
        #expect(audio.candidates.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(
            audio.extensionMaps[1]
                == ExtensionMap(id: 2, direction: .recvonly, uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level"))
        #expect(audio.rtpMap(for: 9)?.channels == 1)
        #expect(audio.formatParameters(for: "101")?.telephoneEvents == .dtmf)
        #expect(
            audio.formatParameters(for: "109")?.parameterList == [
                .init("maxplaybackrate", "48000"), .init("stereo", "1"), .init("useinbandfec", "1"),
            ])
        #expect(audio.msid.first?.id == "{5a2e9d41-7c3b-4f6e-8a1d-2b3c4d5e6f70}")
        #expect(audio.ssrcs == [2_655_508_255])
        #expect(audio.iceUfrag == "4e4fb440")
    }

    @Test func asteriskOffer() throws {
        let sdp = try SessionDescription(parsing: Fixtures.asteriskOffer)
        #expect(sdp.sessionName == "Asterisk")
        #expect(sdp.connection == .ip4("203.0.113.10"))
        let audio = sdp.media[0]
        #expect(audio.payloadTypes == [0, 8, 9, 101])
        #expect(audio.ptime == 20)
        #expect(audio.maxptime == 150)
        #expect(audio.formatParameters(for: "101")?.telephoneEvents == TelephoneEvents([0...16]))
        #expect(audio.codec(for: 9)?.encodingName == "G722")
        #expect(audio.iceUfrag == nil)
        #expect(audio.candidates.isEmpty)
        #expect(sdp.effectiveDirection(ofMediaAt: 0) == .sendrecv)
    }

    @Test func freeSWITCHOffer() throws {
        let sdp = try SessionDescription(parsing: Fixtures.freeSWITCHSDESOffer)
        let audio = sdp.media[0]
        #expect(audio.proto == .rtpSAVP)
        let cryptos = audio.cryptos
        #expect(cryptos.map(\.tag) == [1, 2, 3])
        #expect(
            cryptos.map(\.suite) == ["AES_256_CM_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
        #expect(cryptos[0].inlineKey?.keySalt.count == 46)
        #expect(cryptos[0].inlineKey?.lifetime == .powerOfTwo(31))
        #expect(cryptos[0].inlineKey?.mki == .init(value: 1, length: 1))
        #expect(cryptos[1].inlineKey?.keySalt.count == 30)
        #expect(cryptos[1].inlineKey?.lifetime == nil)
        #expect(cryptos[1].inlineKey?.mki == nil)
        #expect(cryptos[2].inlineKey?.lifetime == .powerOfTwo(20))
        #expect(cryptos[2].sessionParameters == ["UNENCRYPTED_SRTCP"])
        // The typed value prints back to the received text.
        for attribute in audio.attributes(named: "crypto") {
            #expect(try CryptoAttribute(attributeValue: attribute.value ?? "").attributeValue == attribute.value)
        }
        #expect(audio.rtcp == RTCPAttribute(port: 24673, address: .init(addressType: "IP4", address: "198.51.100.20")))
        #expect(audio.codec(for: 13)?.encodingName == "CN")
    }

    @Test func kamailioRTPEngineAnswer() throws {
        let sdp = try SessionDescription(parsing: Fixtures.kamailioRTPEngineAnswer)
        #expect(sdp.iceLite)
        let audio = sdp.media[0]
        #expect(audio.setup == .passive)
        #expect(audio.rtcp == RTCPAttribute(port: 30000))
        #expect(audio.rtcpMux)
        #expect(audio.candidates.map(\.component) == [1, 2])
        #expect(audio.candidates.allSatisfy { $0.foundation == "RHHJEYXg4JdpmrcX" })
        #expect(audio.endOfCandidates)
        #expect(audio.formats == ["8", "126"])
    }
}
