import Testing

@testable import Jingle
import XMPPCore

/// The `<jingle/>` model: every fixture parses, round-trips (in memory and through XML text), keeps
/// unknown children, and malformed input fails with an error naming the element and attribute.
@Suite struct JingleModelTests {
    static let jingleFixtures = Fixture.all.filter { !$0.hasPrefix("jmi-") }

    @Test func everyFixtureNamesItsProvenance() throws {
        #expect(Fixture.all.count >= 16)
        for name in Fixture.all {
            let provenance = try #require(try Fixture.provenance(name), "\(name) has no provenance comment")
            #expect(provenance.contains("Provenance:"), "\(name)")
            #expect(provenance.contains("XEP-") || provenance.contains("RFC"), "\(name) names no specification")
        }
    }

    @Test(arguments: jingleFixtures)
    func fixtureRoundTrips(_ name: String) throws {
        let iq = try Fixture.stanza(name)
        let payload = try #require(try JinglePayload.find(in: iq))
        // In memory: model -> element -> model.
        #expect(try JinglePayload(element: payload.element) == payload)
        // Through XML text, as it would travel.
        let reparsed = try XML.reparseChild(payload.element)
        #expect(try JinglePayload(element: reparsed) == payload)
        // Building is stable: element -> model -> element.
        #expect(try JinglePayload(element: payload.element).element == payload.element)
        // Nothing understood by this model is left in the extension bins of a known client's stanza.
        #expect(payload.extensions.isEmpty, "\(name): \(payload.extensions)")
    }

    @Test func conversationsInitiateIsFullyModelled() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("conversations-session-initiate.xml")))
        #expect(payload.action == .sessionInitiate)
        #expect(payload.sid == "vLk3Hq9bT0dGm1SAxvRjEw")
        #expect(payload.initiator == "romeo@montague.example/Conversations.Xj3k")
        #expect(payload.groups == [JingleGroup(semantics: "BUNDLE", contents: ["0", "1"])])
        #expect(payload.contents.map(\.name) == ["0", "1"])
        let audio = try #require(payload.contents[0].rtpDescription)
        #expect(audio.media == "audio")
        #expect(audio.rtcpMux)
        #expect(audio.extmapAllowMixed)
        #expect(audio.payloadTypes.map(\.id) == [111, 63, 9, 0, 8, 13, 110, 126])
        let opus = try #require(audio.payloadType(id: 111))
        #expect(opus.name == "opus" && opus.clockrate == 48000 && opus.channels == 2)
        #expect(opus.parameters == [JingleParameter("minptime", "10"), JingleParameter("useinbandfec", "1")])
        #expect(opus.feedback == [JingleRTCPFeedback(type: "transport-cc")])
        #expect(audio.payloadType(id: 63)?.parameters == [JingleParameter("", "111/111")])
        #expect(audio.headerExtensions.count == 4)
        #expect(
            audio.headerExtensions[0]
                == JingleHeaderExtension(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"))
        #expect(
            audio.sources == [
                JingleSource(
                    ssrc: 2_859_641_208,
                    parameters: [
                        JingleParameter("cname", "Tq9vC5Z0sR2nLwYb"),
                        JingleParameter("msid", "my-media-stream my-audio-track"),
                    ])
            ])
        let transport = try #require(payload.contents[0].iceUDPTransport)
        #expect(transport.ufrag == "tS7p" && transport.pwd == "Hq2a6Y3mVv1bN0xK8cLz4wRe")
        #expect(transport.candidates.isEmpty)
        #expect(transport.fingerprints.first?.setup == .actpass)
        #expect(transport.fingerprints.first?.hash == "sha-256")
        let video = try #require(payload.contents[1].rtpDescription)
        #expect(video.sourceGroups == [JingleSourceGroup(semantics: "FID", sources: [1_506_263_170, 3_704_539_822])])
        #expect(video.payloadType(id: 96)?.feedback.count == 5)
        #expect(video.payloadType(id: 96)?.feedback[2] == JingleRTCPFeedback(type: "ccm", subtype: "fir"))
    }

    @Test func candidatesCarryEveryAttribute() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("conversations-transport-info.xml")))
        let candidate = try #require(payload.contents.first?.iceUDPTransport?.candidates.first)
        #expect(
            candidate
                == JingleICECandidate(
                    component: 1, foundation: "842163049", generation: 0, id: "c3f08a21", ip: "203.0.113.77",
                    network: 1,
                    port: 61542, priority: 1_686_052_607, protocol: "udp", relAddr: "10.0.2.15", relPort: 46371,
                    type: .srflx))
        let movim = try #require(try JinglePayload.find(in: Fixture.stanza("movim-session-initiate.xml")))
        let tcp = try #require(movim.contents[0].iceUDPTransport?.candidates[1])
        #expect(tcp.protocol == "tcp" && tcp.tcpType == "active" && tcp.port == 9)
    }

    @Test func movimKeepsUnknownChildrenAndLegacyAttributes() throws {
        let payload = try #require(try JinglePayload.find(in: Fixture.stanza("movim-session-initiate.xml")))
        let audio = try #require(payload.contents[0].rtpDescription)
        #expect(audio.ssrc == 3_912_441_306)
        #expect(audio.headerExtensions[1].senders == .responder)
        let source = try #require(audio.sources.first)
        #expect(source.parameter("mslabel") == "{5f3c2a1b-0e9d-4c8b-a7f6-1e2d3c4b5a69}")
        #expect(source.extensions.count == 1)
        #expect(source.extensions.first?.name == "ssrc-info")
        #expect(source.extensions.first?.namespace == "http://jitsi.org/jitmeet")
        let video = try #require(payload.contents[1].rtpDescription)
        #expect(video.feedback.map(\.type) == ["nack", "nack", "goog-remb"])
        #expect(video.feedbackTRRInterval == 100)
        // The unknown child survives serialization.
        let rebuilt = try JinglePayload(element: XML.reparseChild(payload.element))
        #expect(rebuilt.contents[0].rtpDescription?.sources.first?.extensions == source.extensions)
    }

    @Test func unknownElementsAreKeptEverywhere() throws {
        let iq = try XML.parse(
            """
            <iq from='a@b/c' to='d@e' id='1' type='set'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s1'>
                <content creator='initiator' name='x'>
                  <description xmlns='urn:example:app' kind='whiteboard'/>
                  <transport xmlns='urn:xmpp:jingle:transports:raw-udp:1'><candidate ip='192.0.2.1' port='5'/></transport>
                  <security xmlns='urn:xmpp:jingle:security:xtls:0'/>
                </content>
                <content creator='responder' name='y'>
                  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
                    <payload-type id='0' name='PCMU'><x xmlns='urn:example:pt'/></payload-type>
                    <zrtp-hash xmlns='urn:xmpp:jingle:apps:rtp:zrtp:1' version='1.10'>abc</zrtp-hash>
                  </description>
                  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'><web-socket xmlns='http://jitsi.org/protocol/colibri'/></transport>
                </content>
                <thread xmlns='urn:example:thread'>t</thread>
              </jingle>
            </iq>
            """)
        let payload = try #require(try JinglePayload.find(in: iq))
        guard case .other(let description) = payload.contents[0].description else {
            Issue.record("the unknown description was not kept")
            return
        }
        #expect(description[attribute: "kind"] == "whiteboard")
        guard case .other(let transport) = payload.contents[0].transport else {
            Issue.record("the unknown transport was not kept")
            return
        }
        #expect(transport.elements.count == 1)
        #expect(payload.contents[0].extensions.map(\.name) == ["security"])
        #expect(payload.contents[1].creator == .responder)
        #expect(payload.contents[1].rtpDescription?.payloadTypes.first?.extensions.map(\.name) == ["x"])
        #expect(payload.contents[1].rtpDescription?.extensions.map(\.name) == ["zrtp-hash"])
        #expect(payload.contents[1].iceUDPTransport?.extensions.map(\.name) == ["web-socket"])
        #expect(payload.extensions.map(\.name) == ["thread"])
        #expect(try JinglePayload(element: XML.reparseChild(payload.element)) == payload)
    }

    @Test func everyActionRoundTrips() throws {
        for action in JingleAction.allCases {
            let payload = JinglePayload(
                action: action, sid: "sid-\(action.rawValue)", initiator: "a@b/c", responder: "d@e/f",
                contents: [
                    JingleContent(creator: .responder, name: "n", senders: .initiator, disposition: "early-session")
                ],
                reason: JingleReason(.alternativeSession(sid: "b84tkkwlmb48kgfb"), text: "use that one"))
            #expect(try JinglePayload(element: XML.reparseChild(payload.element)) == payload, "\(action)")
        }
    }

    @Test func everyReasonConditionRoundTrips() throws {
        let conditions: [JingleReasonCondition] = [
            .alternativeSession(sid: nil), .alternativeSession(sid: "x"), .busy, .cancel, .connectivityError, .decline,
            .expired, .failedApplication, .failedTransport, .generalError, .gone, .incompatibleParameters, .mediaError,
            .securityError, .success, .timeout, .unsupportedApplications, .unsupportedTransports,
            .other("future-thing"),
        ]
        for condition in conditions {
            let reason = JingleReason(
                condition, text: "because", extensions: [XMLElement("x", namespace: "urn:example")])
            #expect(try JingleReason(element: XML.reparseChild(reason.element)) == reason, "\(condition)")
            #expect(JingleReasonCondition(name: condition.name).name == condition.name)
        }
    }

    @Test func sessionInfoPayloadsRoundTrip() throws {
        let infos: [JingleRTPInfo] = [
            .active, .hold, .unhold, .ringing, .mute(creator: .initiator, name: "voice"),
            .mute(creator: nil, name: nil),
            .unmute(creator: .responder, name: "video"),
        ]
        for info in infos {
            let payload = JinglePayload(action: .sessionInfo, sid: "s", info: info)
            let parsed = try JinglePayload(element: XML.reparseChild(payload.element))
            #expect(parsed.info == info)
            #expect(parsed == payload)
        }
        // An unknown info payload is kept, not understood.
        let unknown = try JinglePayload(
            element: XML.parseChild(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'><dance xmlns='urn:xmpp:jingle:apps:rtp:info:1'/></jingle>
                """))
        #expect(unknown.info == nil)
        #expect(unknown.extensions.map(\.name) == ["dance"])
    }

    @Test func jmiFixturesRoundTrip() throws {
        for name in Fixture.all where name.hasPrefix("jmi-") {
            let message = try Fixture.stanza(name)
            #expect(message.type == "chat", "\(name)")
            #expect(message.firstChild("store", namespace: JingleNamespace.hints) != nil, "\(name)")
            let jmi = try #require(try JingleMessage.find(in: message), "\(name)")
            #expect(try JingleMessage(element: jmi.element) == jmi, "\(name)")
            #expect(try JingleMessage(element: XML.reparseChild(jmi.element)) == jmi, "\(name)")
        }
    }

    // MARK: - Errors name the element and the attribute

    struct BadInput: Sendable, CustomTestStringConvertible {
        let xml: String
        let code: JingleError.Code
        let element: String
        let attribute: String?
        var testDescription: String { "<\(element)/> \(attribute ?? "")" }
    }

    static let badInputs: [BadInput] = [
        BadInput(
            xml: "<jingle xmlns='urn:xmpp:jingle:1' sid='s'/>", code: .missingAttribute, element: "jingle",
            attribute: "action"),
        BadInput(
            xml: "<jingle xmlns='urn:xmpp:jingle:1' action='session-dance' sid='s'/>", code: .unknownAction,
            element: "jingle", attribute: "action"),
        BadInput(
            xml: "<jingle xmlns='urn:xmpp:jingle:1' action='session-info'/>", code: .missingAttribute,
            element: "jingle", attribute: "sid"),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'><content creator='initiator'/></jingle>",
            code: .missingAttribute, element: "content", attribute: "name"),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'><content creator='nobody' name='a'/></jingle>",
            code: .invalidAttribute, element: "content", attribute: "creator"),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='content-modify' sid='s'><content name='a' senders='everyone'/></jingle>",
            code: .invalidAttribute, element: "content", attribute: "senders"),
        BadInput(xml: candidate("port='99999'"), code: .invalidAttribute, element: "candidate", attribute: "port"),
        BadInput(xml: candidate("port='-1'"), code: .invalidAttribute, element: "candidate", attribute: "port"),
        BadInput(xml: candidate("type='relayed'"), code: .invalidAttribute, element: "candidate", attribute: "type"),
        BadInput(
            xml: candidate("component='0'"), code: .invalidAttribute, element: "candidate", attribute: "component"),
        BadInput(
            xml: candidate("priority='many'"), code: .invalidAttribute, element: "candidate", attribute: "priority"),
        BadInput(
            xml: candidate("ip='192.0.2.1 extra'"), code: .invalidAttribute, element: "candidate", attribute: "ip"),
        BadInput(
            xml: description("<payload-type name='x'/>"), code: .missingAttribute, element: "payload-type",
            attribute: "id"),
        BadInput(
            xml: description("<payload-type id='128' name='x'/>"), code: .invalidAttribute, element: "payload-type",
            attribute: "id"),
        BadInput(
            xml: description("<payload-type id='96'/>"), code: .missingAttribute, element: "payload-type",
            attribute: "name"),
        BadInput(
            xml: description("<payload-type id='96' name='opus' clockrate='48k'/>"), code: .invalidAttribute,
            element: "payload-type", attribute: "clockrate"),
        BadInput(
            xml: description("<payload-type id='96' name='opus'><parameter value='1'/></payload-type>"),
            code: .missingAttribute, element: "parameter", attribute: "name"),
        BadInput(
            xml: description("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='300' uri='u'/>"),
            code: .invalidAttribute, element: "rtp-hdrext", attribute: "id"),
        BadInput(
            xml: description("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3'/>"),
            code: .missingAttribute, element: "rtp-hdrext", attribute: "uri"),
        BadInput(
            xml: description("<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0'/>"), code: .missingAttribute,
            element: "rtcp-fb", attribute: "type"),
        BadInput(
            xml: description("<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4294967296'/>"),
            code: .invalidAttribute, element: "source", attribute: "ssrc"),
        BadInput(
            xml: description("<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0'/>"), code: .missingAttribute,
            element: "ssrc-group", attribute: "semantics"),
        BadInput(
            xml: description("<bandwidth type='AS'>lots</bandwidth>"), code: .invalidElement, element: "bandwidth",
            attribute: nil),
        BadInput(
            xml: description("<encryption required='maybe'/>"), code: .invalidAttribute, element: "encryption",
            attribute: "required"),
        BadInput(
            xml: description("<encryption><crypto crypto-suite='AES_CM_128_HMAC_SHA1_80' tag='1'/></encryption>"),
            code: .missingAttribute, element: "crypto", attribute: "key-params"),
        BadInput(
            xml: transport("<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' setup='actpass'>AB:CD</fingerprint>"),
            code: .missingAttribute, element: "fingerprint", attribute: "hash"),
        BadInput(
            xml: transport(
                "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='sometimes'>AB</fingerprint>"),
            code: .invalidAttribute, element: "fingerprint", attribute: "setup"),
        BadInput(
            xml: transport(
                "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'> </fingerprint>"),
            code: .invalidElement, element: "fingerprint", attribute: nil),
        BadInput(
            xml: transport("<remote-candidate component='1' ip='192.0.2.1'/>"), code: .missingAttribute,
            element: "remote-candidate", attribute: "port"),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s'><reason><text>why</text></reason></jingle>",
            code: .missingElement, element: "reason", attribute: nil),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content/></group></jingle>",
            code: .missingAttribute, element: "content", attribute: "name"),
        BadInput(
            xml:
                "<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'><mute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='me'/></jingle>",
            code: .invalidAttribute, element: "mute", attribute: "creator"),
    ]

    static func candidate(_ override: String) -> String {
        var attributes: [String: String] = [
            "component": "1", "foundation": "1", "generation": "0", "id": "c", "ip": "192.0.2.1", "network": "0",
            "port": "5000", "priority": "1", "protocol": "udp", "type": "host",
        ]
        let name = String(override.prefix { $0 != "=" })
        attributes[name] = nil
        let rest = attributes.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        return transport("<candidate \(rest) \(override)/>")
    }

    static func description(_ inner: String) -> String {
        "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><content creator='initiator' name='a'>"
            + "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>\(inner)</description></content></jingle>"
    }

    static func transport(_ inner: String) -> String {
        "<jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='s'><content creator='initiator' name='a'>"
            + "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'>\(inner)</transport></content></jingle>"
    }

    @Test(arguments: badInputs)
    func malformedInputNamesElementAndAttribute(_ input: BadInput) throws {
        let element = try XML.parseChild(input.xml)
        #expect {
            _ = try JinglePayload(element: element)
        } throws: { error in
            guard let error = error as? JingleError else { return false }
            #expect(error.code == input.code, "\(error)")
            #expect(error.element == input.element, "\(error)")
            #expect(error.attribute == input.attribute, "\(error)")
            #expect(error.reason.contains("<\(input.element)/>"), "\(error.reason)")
            if let attribute = input.attribute { #expect(error.reason.contains("'\(attribute)'"), "\(error.reason)") }
            return true
        }
    }

    @Test func descriptionWithoutMediaIsRefused() throws {
        let element = try XML.parseChild("<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>")
        #expect(throws: JingleError(.missingAttribute, "")) { try JingleRTPDescription(element: element) }
    }

    // MARK: - Codec naming

    @Test func codecsAreCanonicalizedAsTheRFCsFixThem() {
        // RFC 7587 section 7: opus/48000/2 whatever is sent.
        let mono = JinglePayloadType(id: 111, name: "OPUS", clockrate: 16000, channels: 1).canonicalized()
        #expect(mono.name == "opus" && mono.clockrate == 48000 && mono.channels == 2)
        #expect(JinglePayloadType(id: 96, name: "opus").canonicalized().channels == 2)
        #expect(
            JinglePayloadType.opus(id: 111) == JinglePayloadType(id: 111, name: "opus", clockrate: 48000, channels: 2))
        // RFC 3551 section 4.5.2: G722/8000 though it samples at 16 kHz.
        let g722 = JinglePayloadType(id: 9, name: "g722", clockrate: 16000).canonicalized()
        #expect(g722.name == "G722" && g722.clockrate == 8000)
        #expect(JinglePayloadType(id: 9, name: nil).canonicalized() == JinglePayloadType.g722)
        #expect(JinglePayloadType(id: 0, name: nil).canonicalized() == JinglePayloadType.pcmu)
        // RFC 4733: telephone-event is an ordinary payload type.
        let dtmf = JinglePayloadType.telephoneEvent(id: 101)
        #expect(dtmf.isTelephoneEvent && dtmf.clockrate == 8000 && dtmf.parameters == [JingleParameter("", "0-15")])
        #expect(JinglePayloadType(id: 101, name: "Telephone-Event").isTelephoneEvent)
    }
}

extension XML {
    /// Parses a bare child element (not a stanza) by wrapping it in a message.
    static func parseChild(_ xml: String) throws -> XMLElement {
        try #require(try parse("<message>\(xml)</message>").elements.first)
    }
}
