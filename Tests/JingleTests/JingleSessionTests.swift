import Testing

@testable import Jingle
import XMPPCore

/// The XEP-0166 session state machine, in both roles, driven by fixtures and hand-made stanzas.
@Suite struct JingleSessionTests {
    static let bridge = JID(literal: "+15551234567@sip.example.org")
    static let romeo = JID(literal: "romeo@montague.example/Conversations.Xj3k")

    // MARK: - Helpers

    static func sent(_ actions: [JingleSession.Action]) -> [XMLElement] {
        actions.compactMap { if case .send(let stanza) = $0 { stanza } else { nil } }
    }

    static func events(_ actions: [JingleSession.Action]) -> [JingleSession.Event] {
        actions.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    /// Asserts `stanza` is an IQ error with this XMPP condition and (optionally) Jingle condition.
    static func expectError(
        _ stanza: XMLElement?, _ condition: String, jingle: JingleErrorCondition?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let stanza else {
            Issue.record("no stanza", sourceLocation: sourceLocation)
            return
        }
        #expect(stanza.type == "error", sourceLocation: sourceLocation)
        let error = StanzaError(stanza: stanza)
        #expect(error?.condition == condition, sourceLocation: sourceLocation)
        #expect(error.flatMap(JingleErrorCondition.init) == jingle, sourceLocation: sourceLocation)
    }

    static func jingle(_ stanza: XMLElement?) throws -> JinglePayload {
        let stanza = try #require(stanza)
        return try #require(try JinglePayload.find(in: stanza))
    }

    static func iq(_ from: JID, to: JID = bridge, id: String = "q1", _ jingle: String) throws -> XMLElement {
        try XML.parse("<iq from='\(from)' to='\(to)' id='\(id)' type='set'>\(jingle)</iq>")
    }

    static func iq(id: String = "q1", _ jingle: String) throws -> XMLElement {
        try iq(romeo, id: id, jingle)
    }

    /// A responder session started from the Conversations fixture.
    static func incomingConversations(
        configuration: JingleSession.Configuration = .init(supportedMedia: ["audio", "video"])
    )
        throws -> JingleSession
    {
        let (session, actions) = JingleSession.receiveInitiate(
            try Fixture.stanza("conversations-session-initiate.xml"), configuration: configuration)
        #expect(sent(actions).first?.type == "result")
        return try #require(session)
    }

    static func audioAnswer(setup: JingleDTLSSetup = .active) -> [JingleContent] {
        [
            JingleContent(
                creator: .initiator, name: "0", senders: .both,
                description: .rtp(JingleRTPDescription(media: "audio", payloadTypes: [.opus(id: 111)], rtcpMux: true)),
                transport: .iceUDP(
                    JingleICEUDPTransport(
                        ufrag: "brdg", pwd: "bridgepasswordbridgepass",
                        fingerprints: [JingleDTLSFingerprint(hash: "sha-256", setup: setup, value: "AA:BB")])))
        ]
    }

    // MARK: - Responder

    @Test func incomingInitiateIsAcknowledgedAndReported() throws {
        let iq = try Fixture.stanza("conversations-session-initiate.xml")
        let (session, actions) = JingleSession.receiveInitiate(iq)
        let result = try #require(Self.sent(actions).first)
        #expect(result.type == "result" && result.id == "cv-si-1")
        #expect(result[attribute: "to"] == "romeo@montague.example/Conversations.Xj3k")
        #expect(result[attribute: "from"] == "+15551234567@sip.example.org")
        guard case .incoming(let payload)? = Self.events(actions).first else {
            Issue.record("no incoming event: \(actions)")
            return
        }
        #expect(payload.sid == "vLk3Hq9bT0dGm1SAxvRjEw")
        #expect(session?.state == .pending)
        #expect(session?.role == .responder)
        #expect(session?.peer == Self.romeo)
    }

    @Test(arguments: [
        "conversations-session-initiate.xml", "dino-session-initiate.xml", "movim-session-initiate.xml",
        "monal-session-initiate.xml",
    ])
    func everyEncryptedClientInitiateIsTakenAndAccepted(_ name: String) throws {
        let iq = try Fixture.stanza(name)
        let (maybeSession, actions) = JingleSession.receiveInitiate(iq)
        var session = try #require(maybeSession)
        #expect(Self.sent(actions).map(\.type) == ["result"])
        guard case .incoming(let offer)? = Self.events(actions).first else {
            Issue.record("\(name): \(actions)")
            return
        }
        // Answer the first audio content, choosing the DTLS role from the offer.
        let offered = try #require(offer.contents.first { $0.rtpDescription?.media == "audio" })
        let setup = try JingleDTLSRole.answerSetup(toOffered: offered.iceUDPTransport?.fingerprints.first?.setup)
        #expect(setup == .active)
        var answer = Self.audioAnswer(setup: setup)
        answer[0].name = offered.name
        let accept = try session.accept(contents: answer)
        let stanza = try #require(Self.sent(accept).first)
        #expect(stanza.type == "set")
        #expect(stanza[attribute: "to"] == iq[attribute: "from"])
        let payload = try Self.jingle(stanza)
        #expect(payload.action == .sessionAccept)
        #expect(payload.responder == iq[attribute: "to"])
        #expect(payload.sid == offer.sid)
    }

    @Test func answerMayNotSayActpass() throws {
        var session = try Self.incomingConversations()
        #expect(throws: JingleError(.invalidAttribute, "")) {
            try session.accept(contents: Self.audioAnswer(setup: .actpass))
        }
        #expect(session.state == .pending)
    }

    @Test func sessionWithoutFingerprintIsRefusedWithSecurityError() throws {
        let iq = try Fixture.stanza("gajim-session-initiate.xml")
        let (session, actions) = JingleSession.receiveInitiate(iq)
        let stanzas = Self.sent(actions)
        #expect(stanzas.count == 2)
        #expect(stanzas[0].type == "result")
        let terminate = try Self.jingle(stanzas[1])
        #expect(terminate.action == .sessionTerminate)
        #expect(terminate.sid == "i7qZ2mXeL0")
        #expect(terminate.reason?.condition == .securityError)
        #expect(Self.events(actions) == [.ended(try #require(terminate.reason))])
        #expect(session?.state == .ended)

        // The operator may allow unencrypted media for legacy clients.
        let allowed = JingleSession.receiveInitiate(iq, configuration: .init(allowUnencryptedMedia: true))
        #expect(allowed.session?.state == .pending)
        #expect(Self.sent(allowed.actions).map(\.type) == ["result"])
    }

    @Test func unsupportedApplicationsAndTransportsAreRefusedAfterTheAck() throws {
        let videoOnly = try Self.iq(
            """
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='v1'><content creator='initiator' name='v'>
            <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'><payload-type id='96' name='VP8' clockrate='90000'/></description>
            <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'/></content></jingle>
            """)
        let video = JingleSession.receiveInitiate(videoOnly)
        #expect(try Self.jingle(Self.sent(video.actions).last).reason?.condition == .unsupportedApplications)
        let rawUDP = try Self.iq(
            """
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='r1'><content creator='initiator' name='a'>
            <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='0' name='PCMU'/></description>
            <transport xmlns='urn:xmpp:jingle:transports:raw-udp:1'/></content></jingle>
            """)
        let raw = JingleSession.receiveInitiate(rawUDP)
        #expect(Self.sent(raw.actions).first?.type == "result")
        #expect(try Self.jingle(Self.sent(raw.actions).last).reason?.condition == .unsupportedTransports)
        #expect(raw.session?.state == .ended)
    }

    @Test func malformedOrUnknownInitiationsGetTheXEPErrors() throws {
        // Unknown action: bad-request (XEP-0166 section 7.2).
        let unknown = JingleSession.receiveInitiate(
            try Self.iq("<jingle xmlns='urn:xmpp:jingle:1' action='session-dance' sid='x'/>"))
        #expect(unknown.session == nil)
        Self.expectError(Self.sent(unknown.actions).first, "bad-request", jingle: nil)
        #expect(StanzaError(stanza: try #require(Self.sent(unknown.actions).first))?.text?.contains("'action'") == true)
        // Another action for a session that does not exist: unknown-session.
        let stray = JingleSession.receiveInitiate(
            try Self.iq("<jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='nope'/>"))
        Self.expectError(Self.sent(stray.actions).first, "item-not-found", jingle: .unknownSession)
        // Duplicate content names, and contents without description: bad-request.
        let duplicate = JingleSession.receiveInitiate(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='d'>
                <content creator='initiator' name='a'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>
                <content creator='initiator' name='a'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>
                </jingle>
                """))
        Self.expectError(Self.sent(duplicate.actions).first, "bad-request", jingle: nil)
        let empty = JingleSession.receiveInitiate(
            try Self.iq("<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='e'/>"))
        Self.expectError(Self.sent(empty.actions).first, "bad-request", jingle: nil)
        // XEP-0166 section 7.2.10: no content with disposition 'session'.
        let early = JingleSession.receiveInitiate(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='e'><content creator='initiator' name='a' disposition='early-session'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
                """))
        Self.expectError(Self.sent(early.actions).first, "bad-request", jingle: nil)
    }

    @Test func onlyThePeerFullJIDMayActOnTheSession() throws {
        var session = try Self.incomingConversations()
        let sameUserOtherDevice = JID(literal: "romeo@montague.example/tablet")
        let actions = session.handle(
            try Self.iq(
                sameUserOtherDevice,
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='vLk3Hq9bT0dGm1SAxvRjEw'><reason><success/></reason></jingle>
                """))
        Self.expectError(Self.sent(actions).first, "item-not-found", jingle: .unknownSession)
        #expect(session.state == .pending)
        // A wrong sid from the right peer is unknown too.
        let wrongSid = session.handle(
            try Self.iq("<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='other'/>"))
        Self.expectError(Self.sent(wrongSid).first, "item-not-found", jingle: .unknownSession)
    }

    @Test func trickledCandidatesAndICERestart() throws {
        var session = try Self.incomingConversations()
        let actions = session.handle(try Fixture.stanza("conversations-transport-info.xml"))
        #expect(Self.sent(actions).map(\.type) == ["result"])
        guard case .transportInfo(let content, let transport)? = Self.events(actions).first else {
            Issue.record("\(actions)")
            return
        }
        #expect(content == "0")
        #expect(transport.candidates.first?.type == .srflx)
        // New credentials: an ICE restart (XEP-0176 section 8).
        let restart = session.handle(
            try Self.iq(
                id: "q9",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='0'>
                <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='nEw1' pwd='anotherpasswordanotherpa'/></content></jingle>
                """))
        guard case .iceRestart(content: "0", let newTransport)? = Self.events(restart).first else {
            Issue.record("\(restart)")
            return
        }
        #expect(newTransport.ufrag == "nEw1")
        // Candidates for an unknown content: unknown-content.
        let unknown = session.handle(
            try Self.iq(
                id: "q10",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='9'>
                <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
                """))
        Self.expectError(Self.sent(unknown).first, "item-not-found", jingle: .unknownContent)
    }

    @Test func sessionInfoMessages() throws {
        var session = try Self.incomingConversations()
        let ringing = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'><hold xmlns='urn:xmpp:jingle:apps:rtp:info:1'/></jingle>
                """))
        #expect(Self.sent(ringing).map(\.type) == ["result"])
        #expect(Self.events(ringing) == [.info(.hold)])
        let mute = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'><mute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='initiator' name='0'/></jingle>
                """))
        #expect(Self.events(mute) == [.info(.mute(creator: .initiator, name: "0"))])
        // An empty session-info is a ping (XEP-0166 section 6.8).
        let ping = session.handle(
            try Self.iq("<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'/>"))
        #expect(Self.sent(ping).map(\.type) == ["result"] && Self.events(ping).isEmpty)
        // An unknown payload: feature-not-implemented + unsupported-info.
        let unknown = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='vLk3Hq9bT0dGm1SAxvRjEw'><knock xmlns='urn:example:info'/></jingle>
                """))
        Self.expectError(Self.sent(unknown).first, "feature-not-implemented", jingle: .unsupportedInfo)
        // Sending one ourselves.
        let sentRinging = try session.sendInfo(.ringing)
        let payload = try Self.jingle(Self.sent(sentRinging).first)
        #expect(payload.action == .sessionInfo && payload.info == .ringing)
    }

    @Test func unsupportedContentAddIsRejectedNotIgnored() throws {
        var session = try Self.incomingConversations(configuration: .init())
        _ = try session.accept(contents: Self.audioAnswer())
        let actions = session.handle(
            try Self.iq(
                id: "add1",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='2' senders='both'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'><payload-type id='96' name='VP8' clockrate='90000'/></description>
                <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='tS7p' pwd='Hq2a6Y3mVv1bN0xK8cLz4wRe'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB</fingerprint></transport></content></jingle>
                """))
        let stanzas = Self.sent(actions)
        #expect(stanzas.map(\.type) == ["result", "set"])
        let reject = try Self.jingle(stanzas[1])
        #expect(reject.action == .contentReject)
        #expect(reject.contents.map(\.name) == ["2"])
        #expect(reject.reason?.condition == .unsupportedApplications)
        #expect(Self.events(actions).isEmpty)
        #expect(session.contents.map(\.name) == ["0"])
    }

    @Test func supportedContentAddIsOfferedToTheCaller() throws {
        var session = try Self.incomingConversations(configuration: .init(supportedMedia: ["audio", "video"]))
        _ = try session.accept(contents: Self.audioAnswer())
        let actions = session.handle(
            try Self.iq(
                id: "add2",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='2'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'><payload-type id='96' name='VP8' clockrate='90000'/></description>
                <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='tS7p' pwd='x'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB</fingerprint></transport></content></jingle>
                """))
        guard case .contentAddRequested(let requested)? = Self.events(actions).first else {
            Issue.record("\(actions)")
            return
        }
        #expect(requested.map(\.name) == ["2"])
        var answer = Self.audioAnswer()[0]
        answer.name = "2"
        let accept = try session.acceptContent([answer])
        #expect(try Self.jingle(Self.sent(accept).first).action == .contentAccept)
        #expect(session.contents.map(\.name) == ["0", "2"])
        #expect(throws: JingleError(.invalidState, "")) {
            try session.rejectContent(["2"], reason: JingleReason(.decline))
        }
    }

    @Test func transportReplaceIsAnsweredWithTransportReject() throws {
        var session = try Self.incomingConversations()
        let actions = session.handle(
            try Self.iq(
                id: "tr",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='transport-replace' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='0'>
                <transport xmlns='urn:xmpp:jingle:transports:raw-udp:1'><candidate ip='192.0.2.1' port='5000' generation='0' component='1' id='a'/></transport></content></jingle>
                """))
        let stanzas = Self.sent(actions)
        #expect(stanzas.map(\.type) == ["result", "set"])
        let reject = try Self.jingle(stanzas[1])
        #expect(reject.action == .transportReject)
        #expect(reject.contents.first?.name == "0")
        guard case .other(let transport)? = reject.contents.first?.transport else {
            Issue.record("the refused transport is not echoed")
            return
        }
        #expect(transport.namespace == "urn:xmpp:jingle:transports:raw-udp:1")
    }

    @Test func outOfOrderActions() throws {
        var session = try Self.incomingConversations()
        // A second session-initiate for the same sid.
        Self.expectError(
            Self.sent(session.handle(try Fixture.stanza("conversations-session-initiate.xml"))).first,
            "unexpected-request", jingle: .outOfOrder)
        // session-accept sent to the responder.
        Self.expectError(
            Self.sent(
                session.handle(
                    try Self.iq(
                        """
                        <jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='0'>
                        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
                        """))
            ).first, "unexpected-request", jingle: .outOfOrder)
        // transport-accept for a transport-replace we never sent.
        Self.expectError(
            Self.sent(
                session.handle(
                    try Self.iq(
                        "<jingle xmlns='urn:xmpp:jingle:1' action='transport-accept' sid='vLk3Hq9bT0dGm1SAxvRjEw'/>"))
            ).first,
            "unexpected-request", jingle: .outOfOrder)
        // content-accept with no content-add outstanding.
        Self.expectError(
            Self.sent(
                session.handle(
                    try Self.iq(
                        """
                        <jingle xmlns='urn:xmpp:jingle:1' action='content-accept' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='0'/></jingle>
                        """))
            ).first, "unexpected-request", jingle: .outOfOrder)
        #expect(session.state == .pending)
    }

    @Test func remoteTerminationThenUnknownSession() throws {
        var session = try Self.incomingConversations()
        let actions = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='vLk3Hq9bT0dGm1SAxvRjEw'><reason><decline/><text>no</text></reason></jingle>
                """))
        #expect(Self.sent(actions).map(\.type) == ["result"])
        #expect(Self.events(actions) == [.terminated(JingleReason(.decline, text: "no"))])
        #expect(session.state == .ended)
        let late = session.handle(try Fixture.stanza("conversations-transport-info.xml"))
        Self.expectError(Self.sent(late).first, "item-not-found", jingle: .unknownSession)
    }

    @Test func localTerminationEndsAtOnce() throws {
        var session = try Self.incomingConversations()
        let actions = session.terminate(reason: JingleReason(.busy))
        let payload = try Self.jingle(Self.sent(actions).first)
        #expect(payload.action == .sessionTerminate && payload.reason == JingleReason(.busy))
        #expect(session.state == .ended)
        // XEP-0166 section 6.7: after sending session-terminate, further sets get unknown-session.
        Self.expectError(
            Self.sent(session.handle(try Fixture.stanza("conversations-transport-info.xml"))).first,
            "item-not-found", jingle: .unknownSession)
        #expect(session.terminate(reason: JingleReason(.success)).isEmpty)
        #expect(throws: JingleError(.invalidState, "")) { try session.sendInfo(.ringing) }
    }

    @Test func contentModifyAndRemove() throws {
        var session = try Self.incomingConversations()
        let modify = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-modify' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='1' senders='initiator'/></jingle>
                """))
        #expect(Self.events(modify) == [.contentModified(name: "1", senders: .initiator)])
        let noSenders = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-modify' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='1'/></jingle>
                """))
        Self.expectError(Self.sent(noSenders).first, "bad-request", jingle: nil)
        let removeVideo = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-remove' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='1'/></jingle>
                """))
        #expect(Self.events(removeVideo) == [.contentRemoved(["1"])])
        #expect(session.state == .pending)
        // Removing the last content voids the session (XEP-0166 section 7.2.5).
        let removeAudio = session.handle(
            try Self.iq(
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-remove' sid='vLk3Hq9bT0dGm1SAxvRjEw'><content creator='initiator' name='0'/></jingle>
                """))
        #expect(Self.sent(removeAudio).map(\.type) == ["result", "set"])
        #expect(try Self.jingle(Self.sent(removeAudio)[1]).action == .sessionTerminate)
        #expect(session.state == .ended)
    }

    // MARK: - Initiator

    static let juliet = JID(literal: "juliet@capulet.example/Conversations.q81Z")
    static let bridgeFull = JID(literal: "+15557654321@sip.example.org/bridge")

    static func outgoing() -> (JingleSession, [JingleSession.Action]) {
        JingleSession.initiate(
            sid: "9f2c6a1e-6b34-4d8b-9a51-0c2e7f6d1b44", local: bridgeFull, peer: juliet,
            contents: audioAnswer(setup: .actpass))
    }

    @Test func initiatorSendsInitiateAndTakesTheAccept() throws {
        var (session, actions) = Self.outgoing()
        let initiate = try #require(Self.sent(actions).first)
        #expect(initiate.type == "set" && initiate[attribute: "to"] == Self.juliet.description)
        let payload = try Self.jingle(initiate)
        #expect(payload.action == .sessionInitiate)
        #expect(payload.initiator == Self.bridgeFull.description)
        #expect(session.state == .pending)
        // The ack of our session-initiate changes nothing.
        #expect(
            session.handle(
                try XML.parse("<iq from='\(Self.juliet)' to='\(Self.bridgeFull)' id='\(initiate.id!)' type='result'/>")
            ).isEmpty)
        // Conversations accepts.
        let accept = session.handle(try Fixture.stanza("conversations-session-accept.xml"))
        #expect(Self.sent(accept).map(\.type) == ["result"])
        guard case .accepted(let answer)? = Self.events(accept).first else {
            Issue.record("\(accept)")
            return
        }
        #expect(answer.contents.first?.iceUDPTransport?.fingerprints.first?.setup == .active)
        #expect(try JingleDTLSRole.resolve(.offerer, peerSetup: .active) == .server)
        #expect(session.state == .active)
        #expect(session.remoteContents.first?.iceUDPTransport?.ufrag == "Wd3Q")
        // A second accept is out of order.
        Self.expectError(
            Self.sent(session.handle(try Fixture.stanza("conversations-session-accept.xml"))).first,
            "unexpected-request", jingle: .outOfOrder)
    }

    @Test func acceptWithoutFingerprintIsTerminated() throws {
        var (session, _) = Self.outgoing()
        let actions = session.handle(
            try Self.iq(
                Self.juliet, to: Self.bridgeFull,
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='9f2c6a1e-6b34-4d8b-9a51-0c2e7f6d1b44'><content creator='initiator' name='0'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='0' name='PCMU'/></description>
                <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'/></content></jingle>
                """))
        #expect(Self.sent(actions).map(\.type) == ["result", "set"])
        #expect(try Self.jingle(Self.sent(actions)[1]).reason?.condition == .securityError)
        #expect(session.state == .ended)
    }

    @Test func initiateErrorsEndTheSession() throws {
        var (session, actions) = Self.outgoing()
        let id = try #require(Self.sent(actions).first?.id)
        let error = try XML.parse(
            """
            <iq from='\(Self.juliet)' to='\(Self.bridgeFull)' id='\(id)' type='error'><error type='cancel'>
            <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>
            """)
        let result = session.handle(error)
        #expect(Self.events(result) == [.requestFailed(.sessionInitiate, StanzaError(.cancel, "service-unavailable"))])
        #expect(session.state == .ended)
        // A response from someone else, or for an id we never used, is ignored.
        var (other, _) = Self.outgoing()
        #expect(
            other.handle(
                try XML.parse("<iq from='mallory@evil.example/x' to='\(Self.bridgeFull)' id='\(id)' type='result'/>")
            ).isEmpty)
        #expect(
            other.handle(try XML.parse("<iq from='\(Self.juliet)' to='\(Self.bridgeFull)' id='unknown' type='error'/>"))
                .isEmpty)
        #expect(other.state == .pending)
    }

    @Test func simultaneousInitiatesAreTieBroken() throws {
        // XEP-0166 section 7.2.16: the lower sid (i;octet) wins; equal sids: the lower JID.
        #expect(
            JingleSession.ourInitiateWins(
                ourSid: "a73sjjvkla37jfea", ourJID: Self.bridgeFull, theirSid: "b84tkkwlmb48kgfb", theirJID: Self.juliet
            ))
        #expect(
            !JingleSession.ourInitiateWins(ourSid: "b", ourJID: Self.bridgeFull, theirSid: "a", theirJID: Self.juliet))
        // i;octet order: 'B' (0x42) sorts before 'a' (0x61).
        #expect(
            JingleSession.ourInitiateWins(ourSid: "B", ourJID: Self.bridgeFull, theirSid: "a", theirJID: Self.juliet))
        #expect(
            JingleSession.ourInitiateWins(
                ourSid: "same", ourJID: Self.bridgeFull, theirSid: "same", theirJID: Self.juliet))

        var (ours, _) = JingleSession.initiate(
            sid: "a-lower", local: Self.bridgeFull, peer: Self.juliet, contents: Self.audioAnswer(setup: .actpass))
        let theirs = try Self.iq(
            Self.juliet, to: Self.bridgeFull, id: "their-init",
            """
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='z-higher'><content creator='initiator' name='0'>
            <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
            """)
        let answer = try #require(ours.answerCompetingInitiate(theirs))
        Self.expectError(Self.sent(answer).first, "conflict", jingle: .tieBreak)

        // When theirs wins we hand it to receiveInitiate, and the peer's conflict ends ours.
        var (losing, sentInitiate) = JingleSession.initiate(
            sid: "zz-higher", local: Self.bridgeFull, peer: Self.juliet, contents: Self.audioAnswer(setup: .actpass))
        let lowerTheirs = try Self.iq(
            Self.juliet, to: Self.bridgeFull, id: "their-init-2",
            """
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='a-lower'><content creator='initiator' name='0'>
            <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
            """)
        #expect(losing.answerCompetingInitiate(lowerTheirs) == nil)
        let conflict = try XML.parse(
            """
            <iq from='\(Self.juliet)' to='\(Self.bridgeFull)' id='\(Self.sent(sentInitiate)[0].id!)' type='error'><error type='cancel'>
            <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><tie-break xmlns='urn:xmpp:jingle:errors:1'/></error></iq>
            """)
        #expect(Self.events(losing.handle(conflict)) == [.lostTieBreak(.sessionInitiate)])
        #expect(losing.state == .ended)
        _ = ours
    }

    @Test func simultaneousContentAddsFavourTheInitiator() throws {
        var (session, _) = Self.outgoing()
        _ = session.handle(try Fixture.stanza("conversations-session-accept.xml"))
        var video = Self.audioAnswer(setup: .actpass)[0]
        video.name = "1"
        let ours = try session.addContent([video])
        #expect(try Self.jingle(Self.sent(ours).first).action == .contentAdd)
        // The responder's crossing content-add loses: conflict + tie-break (XEP-0166 section 7.2.16).
        let theirs = session.handle(
            try Self.iq(
                Self.juliet, to: Self.bridgeFull, id: "their-add",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='9f2c6a1e-6b34-4d8b-9a51-0c2e7f6d1b44'><content creator='responder' name='r1'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content></jingle>
                """))
        Self.expectError(Self.sent(theirs).first, "conflict", jingle: .tieBreak)
        // Their content-accept for ours completes it.
        let accepted = session.handle(
            try Self.iq(
                Self.juliet, to: Self.bridgeFull, id: "acc",
                """
                <jingle xmlns='urn:xmpp:jingle:1' action='content-accept' sid='9f2c6a1e-6b34-4d8b-9a51-0c2e7f6d1b44'><content creator='initiator' name='1'>
                <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='v2'/></content></jingle>
                """))
        guard case .contentAccepted(let contents)? = Self.events(accepted).first else {
            Issue.record("\(accepted)")
            return
        }
        #expect(contents.map(\.name) == ["1"])
        #expect(session.contents.map(\.name) == ["0", "1"])
    }

    @Test func requestIDsAreUniqueAndAddressedToThePeer() throws {
        var (session, actions) = Self.outgoing()
        var ids = Set(Self.sent(actions).compactMap(\.id))
        for _ in 0..<5 {
            let sent = Self.sent(
                try session.sendTransportInfo(content: "0", transport: JingleICEUDPTransport(ufrag: "brdg")))
            #expect(sent.first?[attribute: "to"] == Self.juliet.description)
            #expect(sent.first?[attribute: "from"] == Self.bridgeFull.description)
            ids.formUnion(sent.compactMap(\.id))
        }
        #expect(ids.count == 6)
        #expect(throws: JingleError(.invalidState, "")) {
            try session.sendTransportInfo(content: "nope", transport: JingleICEUDPTransport())
        }
    }
}
