import Testing

@testable import Jingle
import XMPPCore

/// XEP-0353 Jingle Message Initiation: the message model and both proposal state machines.
@Suite struct JingleMessageTests {
    static let bridge = JID(literal: "+15557654321@sip.example.org")
    static let juliet = JID(literal: "juliet@capulet.example")
    static let phone = JID(literal: "juliet@capulet.example/phone")
    static let tablet = JID(literal: "juliet@capulet.example/tablet")
    static let laptop = JID(literal: "juliet@capulet.example/laptop")
    static let id = "9f2c6a1e-6b34-4d8b-9a51-0c2e7f6d1b44"

    static func sent(_ actions: [JingleOutgoingProposal.Action]) -> [XMLElement] {
        actions.compactMap { if case .send(let stanza) = $0 { stanza } else { nil } }
    }

    static func events(_ actions: [JingleOutgoingProposal.Action]) -> [JingleOutgoingProposal.Event] {
        actions.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    static func sent(_ actions: [JingleIncomingProposal.Action]) -> [XMLElement] {
        actions.compactMap { if case .send(let stanza) = $0 { stanza } else { nil } }
    }

    static func events(_ actions: [JingleIncomingProposal.Action]) -> [JingleIncomingProposal.Event] {
        actions.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    /// A JMI message from a device of Juliet's.
    static func message(from: JID, _ kind: JingleMessage.Kind, id: String = id) -> XMLElement {
        JingleMessage(kind, id: id).message(from: from, to: bridge, id: "m-\(kind.name)")
    }

    /// Every JMI message must be type='chat' with a <store/> hint (XEP-0353 section 3).
    static func expectWellFormed(_ stanza: XMLElement, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stanza.name == "message" && stanza.type == "chat", sourceLocation: sourceLocation)
        #expect(stanza.firstChild("store", namespace: JingleNamespace.hints) != nil, sourceLocation: sourceLocation)
        #expect(stanza.id?.isEmpty == false, sourceLocation: sourceLocation)
    }

    static func jmi(_ stanza: XMLElement?) throws -> JingleMessage {
        let stanza = try #require(stanza)
        return try #require(try JingleMessage.find(in: stanza))
    }

    static func newProposal() -> (JingleOutgoingProposal, [JingleOutgoingProposal.Action]) {
        JingleOutgoingProposal.propose(
            id: id, from: bridge, to: juliet, descriptions: [.rtp(JingleRTPDescription(media: "audio"))])
    }

    // MARK: - Model

    @Test func fixturesParseIntoTheRightKinds() throws {
        let propose = try Self.jmi(Fixture.stanza("jmi-propose.xml"))
        guard case .propose(let descriptions) = propose.kind else {
            Issue.record("\(propose)")
            return
        }
        #expect(descriptions == [.rtp(JingleRTPDescription(media: "audio"))])
        #expect(propose.id == "ca3cf894-5325-482f-a412-a6e9f832298d")
        #expect(propose.extensions.map(\.name) == ["device"])
        #expect(try Self.jmi(Fixture.stanza("jmi-ringing.xml")).kind == .ringing)
        #expect(try Self.jmi(Fixture.stanza("jmi-proceed.xml")).kind == .proceed)
        #expect(
            try Self.jmi(Fixture.stanza("jmi-reject.xml")).kind
                == .reject(reason: JingleReason(.busy, text: "Busy"), tieBreak: false))
        #expect(
            try Self.jmi(Fixture.stanza("jmi-retract.xml")).kind
                == .retract(reason: JingleReason(.cancel, text: "Retracted"), tieBreak: false))
        #expect(
            try Self.jmi(Fixture.stanza("jmi-finish.xml")).kind
                == .finish(reason: JingleReason(.success, text: "Success"), migratedTo: nil))
        #expect(
            try Self.jmi(Fixture.stanza("jmi-finish-migrated.xml")).kind
                == .finish(
                    reason: JingleReason(.expired, text: "Session migrated"),
                    migratedTo: "989a46a6-f202-4910-a7c3-83c6ba3f3947"))
        #expect(
            try Self.jmi(Fixture.stanza("jmi-reject-tie-break.xml")).kind
                == .reject(reason: JingleReason(.expired, text: "Tie-Break"), tieBreak: true))
    }

    @Test func builtMessagesAreChatWithStoreHint() throws {
        let kinds: [JingleMessage.Kind] = [
            .propose(descriptions: [
                .rtp(JingleRTPDescription(media: "audio")), .rtp(JingleRTPDescription(media: "video")),
            ]),
            .ringing, .proceed, .accept, .reject(reason: JingleReason(.busy), tieBreak: true),
            .retract(reason: JingleReason(.cancel), tieBreak: false),
            .finish(reason: JingleReason(.success), migratedTo: "other"),
        ]
        for kind in kinds {
            let stanza = JingleMessage(kind, id: "abc").message(from: Self.bridge, to: Self.juliet, id: "m1")
            Self.expectWellFormed(stanza)
            let reparsed = try XML.reparse(stanza)
            #expect(try JingleMessage.find(in: reparsed) == JingleMessage(kind, id: "abc"), "\(kind)")
        }
    }

    @Test func malformedJMIIsRefusedWithTheElementNamed() throws {
        let noID = try XML.parse("<message><proceed xmlns='urn:xmpp:jingle-message:0'/></message>")
        #expect(throws: JingleError(.missingAttribute, "")) { try JingleMessage.find(in: noID) }
        let emptyPropose = try XML.parse("<message><propose xmlns='urn:xmpp:jingle-message:0' id='x'/></message>")
        #expect {
            try JingleMessage.find(in: emptyPropose)
        } throws: { error in
            (error as? JingleError)?.element == "propose" && (error as? JingleError)?.code == .missingElement
        }
        let unknown = try XML.parse("<message><wave xmlns='urn:xmpp:jingle-message:0' id='x'/></message>")
        #expect(throws: JingleError(.invalidElement, "")) { try JingleMessage.find(in: unknown) }
        #expect(try JingleMessage.find(in: XML.parse("<message><body>hi</body></message>")) == nil)
    }

    @Test func tieBreakOrder() {
        // XEP-0353 section 4.1, example: ca3cf894... is lower than fecbea35...
        #expect(
            JingleMessage.ourProposeWins(
                ourID: "ca3cf894-5325-482f-a412-a6e9f832298d", ourJID: Self.bridge,
                theirID: "fecbea35-08d3-404f-9ec7-2b57c566fa74", theirJID: Self.phone))
    }

    // MARK: - A call we propose to a user with several devices

    @Test func proposeGoesToTheBareJID() throws {
        let (proposal, actions) = Self.newProposal()
        let stanza = try #require(Self.sent(actions).first)
        Self.expectWellFormed(stanza)
        #expect(stanza[attribute: "to"] == "juliet@capulet.example")
        #expect(try Self.jmi(stanza).id == Self.id)
        #expect(proposal.state == .proposing(ringing: []))
    }

    @Test func firstProceedWinsAndLateDevicesAreTold() throws {
        var (proposal, _) = Self.newProposal()
        // Two devices ring; each is reported once.
        #expect(Self.events(proposal.handle(Self.message(from: Self.phone, .ringing))) == [.ringing(Self.phone)])
        #expect(Self.events(proposal.handle(Self.message(from: Self.tablet, .ringing))) == [.ringing(Self.tablet)])
        #expect(proposal.handle(Self.message(from: Self.phone, .ringing)).isEmpty)
        #expect(proposal.state == .proposing(ringing: [Self.phone, Self.tablet]))
        // The phone proceeds first: initiate the session toward its full JID.
        #expect(Self.events(proposal.handle(Self.message(from: Self.phone, .proceed))) == [.proceed(Self.phone)])
        #expect(proposal.state == .proceeding(device: Self.phone))
        // The Jingle session goes to the phone's full JID with sid = proposal id.
        let (session, initiate) = try proposal.initiateSession(
            contents: JingleSessionTests.audioAnswer(setup: .actpass))
        #expect(session.sid == Self.id && session.peer == Self.phone && session.role == .initiator)
        let initiateStanza = try #require(JingleSessionTests.sent(initiate).first)
        #expect(initiateStanza[attribute: "to"] == Self.phone.description)
        #expect(try JingleSessionTests.jingle(initiateStanza).sid == Self.id)
        // The tablet's crossing proceed is answered with a retract at its full JID.
        let late = proposal.handle(Self.message(from: Self.tablet, .proceed))
        #expect(Self.events(late).isEmpty)
        let retract = try #require(Self.sent(late).first)
        Self.expectWellFormed(retract)
        #expect(retract[attribute: "to"] == Self.tablet.description)
        guard case .retract(let reason?, tieBreak: false) = try Self.jmi(retract).kind else {
            Issue.record("\(retract)")
            return
        }
        #expect(reason.condition == .cancel)
        #expect(try Self.jmi(retract).id == Self.id)
        // A reject from another device after the proceed does not end the call; a duplicate proceed is ignored.
        #expect(
            proposal.handle(Self.message(from: Self.laptop, .reject(reason: JingleReason(.busy), tieBreak: false)))
                .isEmpty)
        #expect(proposal.handle(Self.message(from: Self.phone, .proceed)).isEmpty)
        #expect(proposal.state == .proceeding(device: Self.phone))
        // The call ends: finish to the bare JID with success.
        let finish = proposal.finish()
        let stanza = try #require(Self.sent(finish).first)
        Self.expectWellFormed(stanza)
        #expect(stanza[attribute: "to"] == "juliet@capulet.example")
        #expect(try Self.jmi(stanza).kind == .finish(reason: JingleReason(.success), migratedTo: nil))
        #expect(proposal.state == .ended(.finished(JingleReason(.success), remote: false)))
        #expect(proposal.finish().isEmpty)
        // A device that proceeds even later still learns no session will come.
        #expect(try Self.jmi(Self.sent(proposal.handle(Self.message(from: Self.laptop, .proceed))).first).id == Self.id)
    }

    @Test func rejectEndsTheProposal() throws {
        var (proposal, _) = Self.newProposal()
        let reject = try Fixture.stanza("jmi-reject.xml")
        #expect(
            Self.events(proposal.handle(reject)) == [
                .rejected(by: Self.tablet, reason: JingleReason(.busy, text: "Busy"))
            ])
        #expect(proposal.state == .ended(.rejected(by: Self.tablet, reason: JingleReason(.busy, text: "Busy"))))
        // Nothing more is accepted, and there is nothing to retract.
        #expect(throws: JingleError(.invalidState, "")) { try proposal.retract() }
        #expect(proposal.timeout().isEmpty)
    }

    @Test func fixtureDevicesDriveTheProposal() throws {
        var (proposal, _) = Self.newProposal()
        #expect(Self.events(proposal.handle(try Fixture.stanza("jmi-ringing.xml"))) == [.ringing(Self.phone)])
        #expect(Self.events(proposal.handle(try Fixture.stanza("jmi-proceed.xml"))) == [.proceed(Self.phone)])
        // The user's device migrated the call away: it finished this one.
        let finished = proposal.handle(try Fixture.stanza("jmi-finish-migrated.xml"))
        #expect(Self.events(finished) == [.finished(JingleReason(.expired, text: "Session migrated"))])
        // Both parties SHOULD send finish: ours follows, once.
        #expect(Self.sent(proposal.finish()).count == 1)
        #expect(proposal.finish().isEmpty)
    }

    @Test func retractAndTimeout() throws {
        var (proposal, _) = Self.newProposal()
        let retract = try proposal.retract(reason: JingleReason(.cancel, text: "Caller hung up"))
        let stanza = try #require(Self.sent(retract).first)
        Self.expectWellFormed(stanza)
        #expect(stanza[attribute: "to"] == "juliet@capulet.example")
        #expect(
            try Self.jmi(stanza).kind
                == .retract(reason: JingleReason(.cancel, text: "Caller hung up"), tieBreak: false))
        #expect(proposal.state == .ended(.retracted(JingleReason(.cancel, text: "Caller hung up"))))

        var (timed, _) = Self.newProposal()
        _ = timed.handle(Self.message(from: Self.phone, .ringing))
        let timeout = timed.timeout()
        #expect(try Self.jmi(Self.sent(timeout).first).kind == .retract(reason: JingleReason(.cancel), tieBreak: false))
        #expect(timed.timeout().isEmpty)
        // A proceed racing our retract is told the call is gone.
        #expect(
            Self.sent(timed.handle(Self.message(from: Self.phone, .proceed))).first?[attribute: "to"]
                == Self.phone.description)
    }

    @Test func otherSendersAndIDsAreIgnored() throws {
        var (proposal, _) = Self.newProposal()
        let stranger = JingleMessage(.proceed, id: Self.id).message(
            from: JID(literal: "mallory@evil.example/x"), to: Self.bridge, id: "m")
        #expect(proposal.handle(stranger).isEmpty)
        #expect(proposal.handle(Self.message(from: Self.phone, .proceed, id: "other-id")).isEmpty)
        // A proceed from the bare JID names no device: ignored.
        #expect(proposal.handle(Self.message(from: Self.juliet, .proceed)).isEmpty)
        #expect(proposal.state == .proposing(ringing: []))
    }

    @Test func bouncedProposeFails() throws {
        var (proposal, _) = Self.newProposal()
        let bounce = try XML.parse(
            """
            <message from='juliet@capulet.example' to='\(Self.bridge)' type='error' id='x'>
            <propose xmlns='urn:xmpp:jingle-message:0' id='\(Self.id)'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose>
            <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>
            """)
        #expect(Self.events(proposal.handle(bounce)) == [.deliveryFailed(StanzaError(.cancel, "service-unavailable"))])
        #expect(proposal.state == .ended(.failed))
    }

    @Test func crossingProposesAreTieBroken() throws {
        // Ours is lower: the user's propose is rejected with <tie-break/> and <expired/>.
        var (low, _) = JingleOutgoingProposal.propose(
            id: "ca3cf894-5325-482f-a412-a6e9f832298d", from: Self.bridge, to: Self.juliet,
            descriptions: [.rtp(JingleRTPDescription(media: "audio"))])
        let theirs = Self.message(
            from: Self.phone, .propose(descriptions: [.rtp(JingleRTPDescription(media: "audio"))]),
            id: "fecbea35-08d3-404f-9ec7-2b57c566fa74")
        let answer = low.handle(theirs)
        let reject = try #require(Self.sent(answer).first)
        #expect(reject[attribute: "to"] == Self.phone.description)
        #expect(
            try Self.jmi(reject)
                == JingleMessage(
                    .reject(reason: JingleReason(.expired, text: "Tie-Break"), tieBreak: true),
                    id: "fecbea35-08d3-404f-9ec7-2b57c566fa74"))
        #expect(low.state == .proposing(ringing: []))

        // Ours is higher: we retract ours with <tie-break/> and treat theirs as incoming.
        var (high, _) = JingleOutgoingProposal.propose(
            id: "fecbea35-08d3-404f-9ec7-2b57c566fa74", from: Self.bridge, to: Self.juliet,
            descriptions: [.rtp(JingleRTPDescription(media: "audio"))])
        let lower = Self.message(
            from: Self.phone, .propose(descriptions: [.rtp(JingleRTPDescription(media: "audio"))]),
            id: "ca3cf894-5325-482f-a412-a6e9f832298d")
        let lost = high.handle(lower)
        #expect(
            try Self.jmi(Self.sent(lost).first)
                == JingleMessage(
                    .retract(reason: JingleReason(.expired, text: "Tie-Break"), tieBreak: true),
                    id: "fecbea35-08d3-404f-9ec7-2b57c566fa74"))
        #expect(Self.events(lost) == [.lostTieBreak(lower)])
        #expect(high.state == .ended(.lostTieBreak(theirID: "ca3cf894-5325-482f-a412-a6e9f832298d")))
        #expect(try JingleIncomingProposal(message: lower) != nil)
    }

    // MARK: - A call proposed to us

    static let romeo = JID(literal: "romeo@montague.example/Conversations.Xj3k")

    @Test func incomingProposeProceedThenSession() throws {
        var proposal = try #require(try JingleIncomingProposal(message: Fixture.stanza("jmi-propose.xml")))
        #expect(proposal.caller == Self.romeo)
        #expect(proposal.local == JID(literal: "+15551234567@sip.example.org"))
        #expect(proposal.descriptions.map(\.media) == ["audio"])
        // Replies go to the full JID that proposed.
        let ringing = try #require(Self.sent(proposal.ring()).first)
        Self.expectWellFormed(ringing)
        #expect(ringing[attribute: "to"] == Self.romeo.description)
        #expect(ringing[attribute: "from"] == "+15551234567@sip.example.org")
        #expect(try Self.jmi(ringing) == JingleMessage(.ringing, id: "ca3cf894-5325-482f-a412-a6e9f832298d"))
        let proceed = try #require(Self.sent(try proposal.proceed()).first)
        Self.expectWellFormed(proceed)
        #expect(proceed[attribute: "to"] == Self.romeo.description)
        #expect(try Self.jmi(proceed).kind == .proceed)
        #expect(proposal.state == .proceeded)
        // The session-initiate with the matching sid is taken; one with another sid is not.
        let initiate = try XML.parse(
            """
            <iq from='\(Self.romeo)' to='+15551234567@sip.example.org' id='si' type='set'>
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='ca3cf894-5325-482f-a412-a6e9f832298d'/></iq>
            """)
        let otherSid = try Fixture.stanza("conversations-session-initiate.xml")
        let tookOther = proposal.takeSessionInitiate(otherSid)
        #expect(!tookOther)
        let took = proposal.takeSessionInitiate(initiate)
        #expect(took)
        #expect(proposal.state == .inSession)
        // startSession combines the claim with JingleSession.receiveInitiate.
        var fresh = try #require(try JingleIncomingProposal(message: Fixture.stanza("jmi-propose.xml")))
        let early = fresh.startSession(initiate)
        #expect(early == nil)  // before proceed
        _ = try fresh.proceed()
        let monalShaped = try XML.parse(
            """
            <iq from='\(Self.romeo)' to='+15551234567@sip.example.org' id='si2' type='set'>
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='ca3cf894-5325-482f-a412-a6e9f832298d'>
            <content creator='initiator' name='0'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='0' name='PCMU'/></description>
            <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'><fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB</fingerprint></transport>
            </content></jingle></iq>
            """)
        let maybeStarted = fresh.startSession(monalShaped)
        let started = try #require(maybeStarted)
        #expect(started.session?.sid == "ca3cf894-5325-482f-a412-a6e9f832298d")
        #expect(started.session?.state == .pending)
        #expect(fresh.state == .inSession)
        // The user's finish, then ours (to the bare JID).
        #expect(
            Self.events(proposal.handle(try Fixture.stanza("jmi-finish.xml"))) == [
                .finished(JingleReason(.success, text: "Success"))
            ])
        let finish = try #require(Self.sent(proposal.finish()).first)
        Self.expectWellFormed(finish)
        #expect(finish[attribute: "to"] == "romeo@montague.example")
        #expect(proposal.finish().isEmpty)
    }

    @Test func incomingRetractBeforeSessionLeavesNothing() throws {
        var proposal = try #require(try JingleIncomingProposal(message: Fixture.stanza("jmi-propose.xml")))
        _ = try proposal.proceed()
        #expect(
            Self.events(proposal.handle(try Fixture.stanza("jmi-retract.xml"))) == [
                .retracted(JingleReason(.cancel, text: "Retracted"))
            ])
        #expect(proposal.state == .ended(.retracted(JingleReason(.cancel, text: "Retracted"))))
        // Nothing to finish, nothing to take.
        #expect(proposal.finish().isEmpty)
        let initiate = try XML.parse(
            """
            <iq from='\(Self.romeo)' to='+15551234567@sip.example.org' id='si' type='set'>
            <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='ca3cf894-5325-482f-a412-a6e9f832298d'/></iq>
            """)
        let took = proposal.takeSessionInitiate(initiate)
        #expect(!took)
    }

    @Test func incomingReject() throws {
        var proposal = try #require(try JingleIncomingProposal(message: Fixture.stanza("jmi-propose.xml")))
        let reject = try #require(Self.sent(try proposal.reject()).first)
        Self.expectWellFormed(reject)
        #expect(reject[attribute: "to"] == Self.romeo.description)
        #expect(try Self.jmi(reject).kind == .reject(reason: JingleReason(.busy), tieBreak: false))
        #expect(throws: JingleError(.invalidState, "")) { try proposal.proceed() }
        #expect(proposal.ring().isEmpty)
    }

    @Test func onlyProposesStartIncomingProposals() throws {
        #expect(try JingleIncomingProposal(message: Fixture.stanza("jmi-proceed.xml")) == nil)
        #expect(
            try JingleIncomingProposal(message: XML.parse("<message from='a@b/c' to='d@e'><body>x</body></message>"))
                == nil)
    }
}
