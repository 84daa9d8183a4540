import Testing

@testable import Jingle
import SDP
import XMPPCore

/// Jingle <-> SDP translation: every Jingle fixture goes Jingle -> SDP -> Jingle, every SDP sample
/// goes SDP -> Jingle -> SDP, and both must agree on everything the two formats can express (the
/// normalizations below are exactly the documented ones in `JingleSDPTranslation` and docs/jingle-sdp.md).
@Suite struct JingleSDPTranslationTests {
    static let origin = Origin(sessionID: "4242", sessionVersion: 1, unicastAddress: "0.0.0.0")
    static let offersAndAnswers = Fixture.all.filter {
        $0.contains("session-initiate") || $0.contains("session-accept")
    }

    // MARK: - Normalizations (what one side cannot express)

    /// A Jingle content reduced to what SDP can carry.
    static func expressible(_ content: JingleContent) -> JingleContent {
        var content = content
        content.disposition = nil
        content.extensions = []
        if var rtp = content.rtpDescription {
            rtp.ssrc = nil
            rtp.extensions = []
            let ptime = rtp.payloadTypes.lazy.compactMap(\.ptime).first
            let maxptime = rtp.payloadTypes.lazy.compactMap(\.maxptime).first
            rtp.payloadTypes = rtp.payloadTypes.map { payloadType in
                var payloadType = payloadType.canonicalized()
                payloadType.ptime = ptime
                payloadType.maxptime = maxptime
                payloadType.extensions = []
                payloadType.parameters = payloadType.parameters.map { parameter in
                    payloadType.isTelephoneEvent && parameter.name == "events"
                        ? JingleParameter("", parameter.value) : parameter
                }
                payloadType.feedback = payloadType.feedback.map {
                    JingleRTCPFeedback(type: $0.type, subtype: $0.subtype)
                }
                return payloadType
            }
            rtp.feedback = rtp.feedback.map { JingleRTCPFeedback(type: $0.type, subtype: $0.subtype) }
            if let encryption = rtp.encryption {
                rtp.encryption = encryption.crypto.isEmpty ? nil : JingleEncryption(crypto: encryption.crypto)
            }
            rtp.sources = rtp.sources.filter { !$0.parameters.isEmpty }.map {
                JingleSource(ssrc: $0.ssrc, parameters: $0.parameters)
            }
            content.description = .rtp(rtp)
        }
        var transport = content.iceUDPTransport ?? JingleICEUDPTransport()
        transport.extensions = []
        transport.candidates = transport.candidates.map { candidate in
            var candidate = candidate
            candidate.id = nil
            candidate.generation = candidate.generation ?? 0
            return candidate
        }
        let setup = transport.fingerprints.lazy.compactMap(\.setup).first
        transport.fingerprints = transport.fingerprints.map {
            JingleDTLSFingerprint(hash: $0.hash, setup: setup, value: $0.value.uppercased())
        }
        content.transport = .iceUDP(transport)
        return content
    }

    /// What an SDP says that Jingle can carry, per media section, with the documented defaults applied.
    struct MediaSummary: Hashable, CustomStringConvertible {
        var type: String
        var mid: String
        var formats: [String]
        var codecs: [RTPMap?]
        var fmtp: [[FormatParameters.Parameter]]
        var feedback: [String]
        var extensionMaps: [ExtensionMap]
        var allowMixed: Bool
        var direction: MediaDirection?
        var rtcpMux: Bool
        var ssrc: [SSRCAttribute]
        var ssrcGroups: [SSRCGroup]
        var ufrag: String?
        var pwd: String?
        var candidates: [ICECandidate]
        var fingerprints: [Fingerprint]
        var setup: SetupRole?
        var crypto: [CryptoAttribute]
        var bandwidths: [Bandwidth]
        var ptime: Int?
        var maxptime: Int?
        var description: String { "\(mid): \(formats)" }
    }

    static func summary(_ sdp: SessionDescription) -> ([MediaSummary], [MediaGroup]) {
        let media = sdp.media.enumerated().filter { $0.element.port != 0 && $0.element.proto.isRTP }.map {
            index, media in
            MediaSummary(
                type: media.type.rawValue, mid: media.mid ?? media.type.rawValue, formats: media.formats,
                codecs: media.payloadTypes.map { media.codec(for: $0) },
                fmtp: media.payloadTypes.map { media.formatParameters(for: String($0))?.parameterList ?? [] },
                feedback: media.rtcpFeedback.map(\.attributeValue).sorted(), extensionMaps: media.extensionMaps,
                allowMixed: media.hasAttribute("extmap-allow-mixed") || sdp.hasAttribute("extmap-allow-mixed"),
                direction: media.direction ?? sdp.direction, rtcpMux: media.rtcpMux,
                ssrc: media.ssrcAttributes, ssrcGroups: media.ssrcGroups, ufrag: media.iceUfrag ?? sdp.iceUfrag,
                pwd: media.icePwd ?? sdp.icePwd,
                candidates: media.candidates.map { candidate in
                    var candidate = candidate
                    candidate.extensions = candidate.extensions.filter {
                        ["tcptype", "generation", "network-id"].contains($0.name)
                    }
                    if candidate.extensionValue("generation") == nil {
                        candidate.extensions.append(.init("generation", "0"))
                    }
                    return candidate
                },
                fingerprints: media.fingerprints.isEmpty ? sdp.fingerprints : media.fingerprints,
                setup: media.setup ?? sdp.setup, crypto: media.cryptos, bandwidths: media.bandwidths,
                ptime: media.ptime, maxptime: media.maxptime)
        }
        return (media, sdp.groups)
    }

    static func sortedSummary(_ summary: MediaSummary) -> MediaSummary {
        var summary = summary
        summary.candidates = summary.candidates.map { candidate in
            var candidate = candidate
            candidate.extensions.sort { $0.name < $1.name }
            return candidate
        }
        return summary
    }

    // MARK: - Round trips

    @Test(arguments: offersAndAnswers)
    func jingleToSDPToJingle(_ name: String) throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza(name)))
        let sdp = try JingleSDPTranslation.sessionDescription(payload, origin: Self.origin)
        // What we write is valid SDP for the SDP module's strict parser.
        let text = sdp.serialized()
        let reparsed = try SessionDescription(parsing: text)
        let back = try JingleSDPTranslation.payload(
            reparsed, action: payload.action, sid: payload.sid, initiator: payload.initiator,
            responder: payload.responder)
        #expect(back.groups == payload.groups)
        #expect(back.contents.count == payload.contents.count)
        for (original, translated) in zip(payload.contents, back.contents) {
            #expect(Self.expressible(translated) == Self.expressible(original), "\(name) content \(original.name)")
        }
        // And the Jingle we produce is itself well-formed and round-trips as XML.
        #expect(try JinglePayload(element: XML.reparseChild(back.element)) == back)
    }

    @Test(arguments: SDPSample.all.map(\.name))
    func sdpToJingleToSDP(_ name: String) throws {
        let sample = try #require(SDPSample.all.first { $0.name == name })
        let author: JingleCreator = sample.author == .initiator ? .initiator : .responder
        let original = try SessionDescription(parsing: sample.sdp)
        let jingle = try JingleSDPTranslation.contents(original, author: author)
        #expect(!jingle.contents.isEmpty)
        // The Jingle survives XML.
        let payload = JinglePayload(
            action: author == .initiator ? .sessionInitiate : .sessionAccept, sid: "s",
            contents: jingle.contents, groups: jingle.groups)
        let viaXML = try JinglePayload(element: XML.reparseChild(payload.element))
        #expect(viaXML == payload)
        let back = try JingleSDPTranslation.sessionDescription(
            contents: viaXML.contents, groups: viaXML.groups, author: author, origin: original.origin)
        let reparsed = try SessionDescription(parsing: back.serialized())
        let (before, beforeGroups) = Self.summary(original)
        let (after, afterGroups) = Self.summary(reparsed)
        #expect(afterGroups == beforeGroups)
        #expect(after.count == before.count)
        for (b, a) in zip(before, after) {
            let lhs = Self.sortedSummary(a)
            let rhs = Self.sortedSummary(b)
            #expect(lhs.codecs == rhs.codecs, "\(name)")
            #expect(lhs.fmtp == rhs.fmtp, "\(name)")
            #expect(lhs.candidates == rhs.candidates, "\(name)")
            #expect(lhs == rhs, "\(name)")
        }
    }

    // MARK: - Field by field

    @Test func conversationsOfferReadsLikeABrowserOffer() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("conversations-session-initiate.xml")))
        let text = try JingleSDPTranslation.sessionDescription(payload, origin: Self.origin).serialized()
        for line in [
            "a=group:BUNDLE 0 1", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:tS7p", "a=ice-pwd:Hq2a6Y3mVv1bN0xK8cLz4wRe",
            "a=fingerprint:sha-256 6B:0F:11:A3:5C:94:2E:D7:80:41:FE:3A:9B:C2:17:66:D5:08:E9:4A:BB:70:23:1C:5F:86:E2:39:A0:4D:C7:12",
            "a=setup:actpass", "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap-allow-mixed",
            "a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtcp-fb:111 transport-cc", "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000",
            "a=rtpmap:110 telephone-event/48000", "a=ssrc:2859641208 cname:Tq9vC5Z0sR2nLwYb",
            "a=ssrc:2859641208 msid:my-media-stream my-audio-track", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99",
            "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack pli", "a=fmtp:97 apt=96",
            "a=ssrc-group:FID 1506263170 3704539822",
        ] {
            #expect(text.contains(line + "\r\n"), "missing \(line)")
        }
    }

    @Test func candidatesMapFieldByField() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("conversations-transport-info.xml")))
        let jingle = try #require(payload.contents.first?.iceUDPTransport?.candidates.first)
        let sdp = try JingleSDPTranslation.sdpCandidate(jingle)
        #expect(
            sdp.attributeValue
                == "842163049 1 udp 1686052607 203.0.113.77 61542 typ srflx raddr 10.0.2.15 rport 46371 generation 0 network-id 1"
        )
        let back = try JingleSDPTranslation.jingleCandidate(sdp, id: "c3f08a21")
        #expect(back == jingle)
        // Chrome's line: extensions Jingle cannot carry (network-cost) are dropped, generation kept.
        let chrome = try ICECandidate(
            attributeValue:
                "1467250027 1 udp 2122260223 192.0.2.10 54400 typ host generation 0 network-id 1 network-cost 10")
        #expect(
            try JingleSDPTranslation.jingleCandidate(chrome, id: "x")
                == JingleICECandidate(
                    component: 1, foundation: "1467250027", generation: 0, id: "x", ip: "192.0.2.10", network: 1,
                    port: 54400,
                    priority: 2_122_260_223, protocol: "udp", type: .host))
        // A TCP candidate keeps its tcptype; a missing generation becomes 0 (XEP-0176 requires it).
        let tcp = try ICECandidate(attributeValue: "1 1 TCP 2105524479 192.0.2.77 9 typ host tcptype active")
        let jingleTCP = try JingleSDPTranslation.jingleCandidate(tcp, id: "t")
        #expect(jingleTCP.tcpType == "active" && jingleTCP.protocol == "TCP" && jingleTCP.generation == 0)
        // Components beyond XEP-0176's range are refused with the attribute named.
        let big = try ICECandidate(attributeValue: "1 300 udp 1 192.0.2.1 5 typ host")
        #expect {
            try JingleSDPTranslation.jingleCandidate(big, id: nil)
        } throws: { ($0 as? JingleError)?.attribute == "component" }
    }

    @Test func defaultCandidateGivesPortAndAddress() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("dino-session-initiate.xml")))
        let sdp = try JingleSDPTranslation.sessionDescription(payload, origin: Self.origin)
        // The server-reflexive candidate is preferred over the host one (RFC 8445 section 5.1.1.1).
        #expect(sdp.media[0].port == 50320)
        #expect(sdp.media[0].connection == .ip4("198.51.100.81"))
        #expect(sdp.media[0].proto == .udpTLSRTPSAVPF)
        // rtcp-mux is offered, so no a=rtcp even though a component 2 candidate exists.
        #expect(sdp.media[0].rtcp == nil)
        let gajim = try #require(try JinglePayload.find(in: Fixture.stanza("gajim-session-initiate.xml")))
        let plain = try JingleSDPTranslation.sessionDescription(gajim, origin: Self.origin)
        #expect(plain.media[0].proto == .rtpAVP)
        #expect(plain.media[0].rtcp?.port == 47121)
        #expect(plain.media[0].formatParameters(for: "101")?.parameters == "0-15")
    }

    @Test func sendersMapToDirectionsFromTheAuthorsPointOfView() {
        let cases: [(JingleSenders, JingleCreator, MediaDirection)] = [
            (.both, .initiator, .sendrecv), (.both, .responder, .sendrecv), (.none, .initiator, .inactive),
            (.initiator, .initiator, .sendonly), (.initiator, .responder, .recvonly),
            (.responder, .initiator, .recvonly), (.responder, .responder, .sendonly), (.none, .responder, .inactive),
        ]
        for (senders, author, direction) in cases {
            #expect(JingleSDPTranslation.direction(senders, author: author) == direction, "\(senders) by \(author)")
            #expect(JingleSDPTranslation.senders(direction, author: author) == senders, "\(direction) by \(author)")
        }
    }

    @Test func headerExtensionDirectionsFollowTheAuthor() throws {
        // Firefox's answer says /recvonly: the responder only receives it, so the initiator sends it.
        let answer = try JingleSDPTranslation.contents(
            SessionDescription(parsing: SDPSample.firefoxAnswer), author: .responder)
        let extensions = try #require(answer.contents.first?.rtpDescription?.headerExtensions)
        #expect(
            extensions[1]
                == JingleHeaderExtension(id: 2, uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level", senders: .initiator)
        )
        #expect(extensions[0].senders == nil)
        // Movim's offer says senders='responder': the initiator's SDP says recvonly.
        let movim = try #require(try JinglePayload.find(in: Fixture.stanza("movim-session-initiate.xml")))
        let sdp = try JingleSDPTranslation.sessionDescription(movim, origin: Self.origin)
        #expect(sdp.media[0].extensionMaps[1].direction == .recvonly)
    }

    @Test func codecsAreWrittenAsTheRFCsFixThem() throws {
        let content = JingleContent(
            name: "a",
            description: .rtp(
                JingleRTPDescription(
                    media: "audio",
                    payloadTypes: [
                        JinglePayloadType(id: 111, name: "OPUS", clockrate: 48000, channels: 1),
                        JinglePayloadType(id: 9, name: "G722", clockrate: 16000),
                        .telephoneEvent(id: 101, clockrate: 8000, events: "0-15"),
                        JinglePayloadType(
                            id: 102, name: "telephone-event", clockrate: 48000,
                            parameters: [JingleParameter("events", "0-16")]),
                    ])),
            transport: .iceUDP(JingleICEUDPTransport()))
        let media = try JingleSDPTranslation.mediaDescription(content, author: .initiator)
        #expect(media.rtpMap(for: 111) == RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(media.rtpMap(for: 9) == RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000))
        #expect(media.rtpMap(for: 101) == RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000))
        #expect(media.formatParameters(for: "101")?.parameters == "0-15")
        #expect(media.formatParameters(for: "102")?.parameters == "0-16")
        // Back in Jingle, the events list is the unnamed parameter Conversations uses.
        var sdp = SessionDescription(origin: Self.origin)
        sdp.media = [media]
        let back = try JingleSDPTranslation.contents(sdp, author: .initiator)
        #expect(back.contents[0].rtpDescription?.payloadType(id: 102)?.parameters == [JingleParameter("", "0-16")])
    }

    @Test func sessionLevelAttributesBecomeMediaLevel() throws {
        let rtpengine = try JingleSDPTranslation.contents(
            SessionDescription(parsing: SDPSample.rtpengineAnswer), author: .responder)
        let transport = try #require(rtpengine.contents.first?.iceUDPTransport)
        #expect(transport.fingerprints.first?.setup == .passive)
        #expect(transport.fingerprints.first?.hash == "sha-256")
        #expect(transport.ufrag == "Hx8GpWr2")
        #expect(rtpengine.contents.first?.name == "audio")
        let freeswitch = try JingleSDPTranslation.contents(
            SessionDescription(parsing: SDPSample.freeswitchSDES), author: .initiator)
        let content = try #require(freeswitch.contents.first)
        #expect(content.senders == .initiator)  // session-level a=sendonly by the initiator
        #expect(
            content.rtpDescription?.encryption?.crypto.map(\.cryptoSuite) == [
                "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
            ])
        #expect(
            content.rtpDescription?.encryption?.crypto.last?.keyParams
                == "inline:SkR/cRxfmPYqOgOeW2OVW5GiXs3ClJjHqk1YXyHm|2^31")
        #expect(
            content.rtpDescription?.payloadType(id: 0)
                == JinglePayloadType(id: 0, name: "PCMU", clockrate: 8000, ptime: 20))
        let asterisk = try JingleSDPTranslation.contents(
            SessionDescription(parsing: SDPSample.asteriskOffer), author: .initiator)
        #expect(
            asterisk.contents[0].rtpDescription?.payloadTypes.allSatisfy { $0.ptime == 20 && $0.maxptime == 150 }
                == true)
        #expect(asterisk.contents[0].iceUDPTransport == JingleICEUDPTransport())
    }

    @Test func rejectedAndNonRTPSectionsAreSkipped() throws {
        let sdp = try SessionDescription(
            parsing: """
                v=0
                o=- 1 1 IN IP4 192.0.2.1
                s=-
                t=0 0
                m=audio 5000 RTP/AVP 0
                c=IN IP4 192.0.2.1
                a=mid:a
                m=video 0 RTP/AVP 96
                c=IN IP4 192.0.2.1
                a=rtpmap:96 VP8/90000
                a=mid:v
                m=application 5002 UDP/DTLS/SCTP webrtc-datachannel
                c=IN IP4 192.0.2.1
                a=mid:d

                """)
        let translated = try JingleSDPTranslation.contents(sdp, author: .initiator)
        #expect(translated.contents.map(\.name) == ["a"])
        #expect(translated.skipped == ["v", "d"])
    }

    @Test func nothingFromJingleCanInjectSDPLines() throws {
        func content(_ parameter: JingleParameter) -> JingleContent {
            JingleContent(
                name: "a",
                description: .rtp(
                    JingleRTPDescription(
                        media: "audio",
                        payloadTypes: [
                            JinglePayloadType(id: 96, name: "opus", clockrate: 48000, parameters: [parameter])
                        ])),
                transport: .iceUDP(JingleICEUDPTransport()))
        }
        #expect {
            try JingleSDPTranslation.mediaDescription(content(JingleParameter("x", "1\r\na=evil")), author: .initiator)
        } throws: { ($0 as? JingleError)?.code == .untranslatable && ($0 as? JingleError)?.element == "parameter" }
        var badName = content(JingleParameter("x", "1"))
        badName.name = "a b"
        #expect {
            try JingleSDPTranslation.mediaDescription(badName, author: .initiator)
        } throws: { ($0 as? JingleError)?.attribute == "name" }
        var badUfrag = content(JingleParameter("x", "1"))
        badUfrag.transport = .iceUDP(JingleICEUDPTransport(ufrag: "a\nb", pwd: "p"))
        #expect {
            try JingleSDPTranslation.mediaDescription(badUfrag, author: .initiator)
        } throws: { ($0 as? JingleError)?.attribute == "ufrag" }
        var badFingerprint = content(JingleParameter("x", "1"))
        badFingerprint.transport = .iceUDP(
            JingleICEUDPTransport(fingerprints: [JingleDTLSFingerprint(hash: "sha-256", setup: .active, value: "XY:ZZ")]
            ))
        #expect {
            try JingleSDPTranslation.mediaDescription(badFingerprint, author: .initiator)
        } throws: { ($0 as? JingleError)?.element == "fingerprint" }
    }

    @Test func onlyOffersAndAnswersTranslateWhole() throws {
        let info = JinglePayload(action: .transportInfo, sid: "s")
        #expect(throws: JingleError(.untranslatable, "")) {
            try JingleSDPTranslation.sessionDescription(info, origin: Self.origin)
        }
        let sdp = try SessionDescription(parsing: SDPSample.asteriskOffer)
        #expect(throws: JingleError(.untranslatable, "")) {
            try JingleSDPTranslation.payload(sdp, action: .contentAdd, sid: "s")
        }
        let payload = try JingleSDPTranslation.payload(
            sdp, action: .sessionInitiate, sid: "call-1", initiator: "+1@gw/x")
        #expect(payload.action == .sessionInitiate && payload.sid == "call-1" && payload.initiator == "+1@gw/x")
    }
}
