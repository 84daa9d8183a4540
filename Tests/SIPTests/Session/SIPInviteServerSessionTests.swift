import NIOCore
import Testing

@testable import SIP

/// `SIPInviteServerSession` in virtual time: RFC 3261 13.3 (provisional and final responses,
/// 2xx retransmission until the ACK and the 64*T1 give-up), 9.2 (CANCEL), offerless INVITE
/// (answer in ACK), and the dialog rules of 12.1.1 and 12.2.
@Suite struct SIPInviteServerSessionTests {
    typealias T = SessionTest
    let t0 = SessionTest.t0
    static let caller = try! SocketAddress(ipAddress: "198.51.100.10", port: 5060)

    static func invite(body: [UInt8] = SessionTest.offer, extra: String = "") -> SIPMessage {
        T.message(
            """
            INVITE sip:bridge@203.0.113.5:5070 SIP/2.0
            Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bKtrunk1;received=198.51.100.10
            Record-Route: <sip:198.51.100.10;lr>
            Record-Route: <sip:core.example.net;lr>
            Max-Forwards: 69
            From: "Carol" <sip:+15550001@trunk.example.net>;tag=from1
            To: <sip:bridge@203.0.113.5:5070>
            Call-ID: call-1@trunk.example.net
            CSeq: 101 INVITE
            Contact: <sip:+15550001@198.51.100.10:5060>
            \(extra)\(body.isEmpty ? "" : "Content-Type: application/sdp\n")Content-Length: \(body.count)


            """, body: body)
    }

    func makeSession(invite: SIPMessage = invite(), random: SessionTest.FixedRandom = .init(150)) throws
        -> SIPInviteServerSession
    {
        try SIPInviteServerSession(
            invite: invite, source: Self.caller, configuration: T.configuration(random: random), localTag: "bridge1")
    }

    /// A request of the caller in the dialog.
    func inDialog(_ method: SIPMethod, _ sequence: UInt32, branch: String? = nil, body: [UInt8] = []) -> SIPMessage {
        var headers = SIPHeaders()
        headers.add(.via, "SIP/2.0/UDP 198.51.100.10:5060;branch=\(branch ?? "z9hG4bK\(method)\(sequence)")")
        headers.add(.maxForwards, "70")
        headers.add(.from, "\"Carol\" <sip:+15550001@trunk.example.net>;tag=from1")
        headers.add(.to, "<sip:bridge@203.0.113.5:5070>;tag=bridge1")
        headers.add(.callID, "call-1@trunk.example.net")
        headers.add(.cseq, "\(sequence) \(method)")
        if !body.isEmpty { headers.add(.contentType, "application/sdp") }
        return SIPMessage(
            method: method, uri: try! SIPAnyURI(parsing: "sip:bridge@203.0.113.5:5070"), headers: headers, body: body)
    }

    func answered() throws -> SIPInviteServerSession {
        var session = try makeSession()
        _ = session.answer(sdp: T.answer, now: t0)
        _ = session.receive(request: inDialog(.ack, 101, branch: "z9hG4bKack"), now: t0 + .milliseconds(100))
        #expect(session.state == .confirmed)
        return session
    }

    // MARK: - Answering

    @Test func ringsAndAnswersWithTheDialogHeaders() throws {
        var session = try makeSession()
        #expect(session.state == .received)
        let ring = session.ring(now: t0 + .milliseconds(50))
        let ringing = try #require(T.responses(ring).first)
        #expect(ringing.statusCode == 180)
        #expect(try ringing.to?.tag == "bridge1")
        // 12.1.1: Record-Route copied in order, our Contact.
        #expect(ringing.headers.values(for: .recordRoute) == ["<sip:198.51.100.10;lr>", "<sip:core.example.net;lr>"])
        #expect(try ringing.contacts?.addresses.first?.uri.description == "sip:bridge@203.0.113.5:5070")
        #expect(session.state == .early)
        #expect(session.dialog?.state == .early)

        let progress = T.responses(session.sessionProgress(sdp: T.answer, now: t0 + .milliseconds(60)))
        #expect(progress.first?.statusCode == 183)
        #expect(progress.first?.body == T.answer)

        let answer = session.answer(sdp: T.answer, now: t0 + .seconds(1))
        let ok = try #require(T.responses(answer).first)
        #expect(ok.statusCode == 200)
        #expect(ok.body == T.answer)
        #expect(try ok.contentType == .sdp)
        #expect(try ok.to?.tag == "bridge1")
        #expect(ok.headers[.allow]?.contains("BYE") == true)
        #expect(session.state == .answered)
        #expect(session.dialog?.state == .confirmed)
        // No second answer, no late ringing.
        #expect(session.answer(sdp: T.answer, now: t0 + .seconds(1)).isEmpty)
        #expect(session.ring(now: t0 + .seconds(1)).isEmpty)
    }

    @Test func the2xxIsRetransmittedFromT1DoublingToT2UntilTheAck() throws {
        var session = try makeSession()
        let ok = try #require(T.responses(session.answer(sdp: T.answer, now: t0)).first)
        // Retransmissions at 0.5, 1.5, 3.5, 7.5, 11.5 s (intervals 0.5, 1, 2, 4, 4: T2 caps).
        var sent: [Int64] = []
        var now = t0
        while let deadline = session.nextDeadline, deadline <= t0 + .seconds(12) {
            now = deadline
            if T.responses(session.timerFired(now: now)) == [ok] {
                sent.append((now - t0).nanoseconds / 1_000_000)
            }
        }
        #expect(sent == [500, 1500, 3500, 7500, 11_500])
        let ack = inDialog(.ack, 101, branch: "z9hG4bKack")
        #expect(T.events(session.receive(request: ack, now: now + .milliseconds(1))) == [.acknowledged(ack)])
        #expect(session.state == .confirmed)
        #expect(session.nextDeadline == nil)
        // A retransmitted ACK changes nothing.
        #expect(session.receive(request: ack, now: now + .milliseconds(2)).isEmpty)
    }

    @Test func noAckWithin64T1SendsByeAndReports() throws {
        var session = try makeSession()
        _ = session.answer(sdp: T.answer, now: t0)
        var events: [SIPSessionEvent] = []
        var byes: [SIPMessage] = []
        var retransmissions = 0
        while let deadline = session.nextDeadline, deadline <= t0 + .seconds(40) {
            let actions = session.timerFired(now: deadline)
            events += T.events(actions)
            byes += T.requests(actions).filter { $0.method == .bye }
            retransmissions += T.responses(actions).count
            if !byes.isEmpty { break }
        }
        #expect(events == [.ackTimedOut])
        #expect(retransmissions == 10)  // 0.5 1.5 3.5 7.5 11.5 15.5 ... 31.5 s
        let bye = try #require(byes.first)
        #expect(try bye.cseq == SIPCSeq(sequence: 1, method: .bye))
        #expect(bye.requestURI?.description == "sip:+15550001@198.51.100.10:5060")
        // 12.1.1: the UAS keeps the Record-Route order.
        #expect(bye.headers.values(for: .route) == ["<sip:198.51.100.10;lr>", "<sip:core.example.net;lr>"])
        #expect(session.state == .terminating)
        let done = session.receive(response: T.response(to: bye, 200, contact: nil), now: t0 + .seconds(33))
        #expect(T.events(done) == [.terminated])
    }

    @Test func rejectAndHangUpBeforeTheAnswer() throws {
        var busy = try makeSession()
        let actions = busy.reject(status: 486, now: t0)
        #expect(T.statuses(actions) == [486])
        #expect(try T.responses(actions).first?.to?.tag == "bridge1")
        #expect(T.events(actions) == [.terminated])
        #expect(busy.reject(status: 486, now: t0).isEmpty)

        var quiet = try makeSession()
        #expect(T.statuses(quiet.hangUp(now: t0)) == [480])
        var ringing = try makeSession()
        _ = ringing.ring(now: t0)
        #expect(T.statuses(ringing.hangUp(now: t0 + .seconds(1))) == [487])
    }

    @Test func hangUpBeforeTheAckWaitsForIt() throws {
        var session = try makeSession()
        _ = session.answer(sdp: T.answer, now: t0)
        // 15: no BYE before the ACK of our 2xx.
        #expect(session.hangUp(now: t0 + .milliseconds(10)).isEmpty)
        let ack = inDialog(.ack, 101, branch: "z9hG4bKack")
        let actions = session.receive(request: ack, now: t0 + .milliseconds(200))
        #expect(T.events(actions) == [.acknowledged(ack)])
        #expect(T.methods(actions) == [.bye])
    }

    // MARK: - CANCEL (9.2)

    @Test func cancelBeforeTheAnswerGets200And487() throws {
        var session = try makeSession()
        _ = session.ring(now: t0)
        let cancel = inDialog(.cancel, 101, branch: "z9hG4bKtrunk1")
        var untagged = cancel
        untagged.headers.set(.to, "<sip:bridge@203.0.113.5:5070>")
        let actions = session.receive(request: untagged, now: t0 + .seconds(2))
        let responses = T.responses(actions)
        #expect(responses.map(\.statusCode) == [200, 487])
        #expect(try responses[0].cseq?.method == .cancel)
        #expect(try responses[1].cseq == SIPCSeq(sequence: 101, method: .invite))
        #expect(try responses[1].to?.tag == "bridge1")
        #expect(T.events(actions) == [.cancelled, .terminated])
        #expect(session.state == .terminated)
    }

    @Test func cancelAfterTheAnswerHasNoEffect() throws {
        var session = try makeSession()
        _ = session.answer(sdp: T.answer, now: t0)
        let cancel = inDialog(.cancel, 101, branch: "z9hG4bKtrunk1")
        let actions = session.receive(request: cancel, now: t0 + .milliseconds(10))
        #expect(T.statuses(actions) == [200])
        #expect(T.events(actions).isEmpty)
        #expect(session.state == .answered)
    }

    // MARK: - Offerless INVITE

    @Test func offerlessInviteGetsOurOfferAndTheAnswerComesInTheAck() throws {
        var session = try makeSession(invite: Self.invite(body: []))
        #expect(session.isOfferless)
        let ok = try #require(T.responses(session.answer(sdp: T.offer, now: t0)).first)
        #expect(ok.body == T.offer)
        let ack = inDialog(.ack, 101, branch: "z9hG4bKack", body: T.answer)
        let events = T.events(session.receive(request: ack, now: t0 + .milliseconds(80)))
        #expect(events == [.acknowledged(ack)])
        guard case .acknowledged(let received)? = events.first else { return }
        #expect(received.body == T.answer)
    }

    // MARK: - Inside the dialog

    @Test func callerByeEndsTheCall() throws {
        var session = try answered()
        let bye = inDialog(.bye, 102)
        let actions = session.receive(request: bye, now: t0 + .seconds(30))
        #expect(T.statuses(actions) == [200])
        #expect(T.events(actions) == [.remoteHangUp(bye), .terminated])
        #expect(session.isFinished(now: t0 + .seconds(62)))
    }

    @Test func byeBeforeTheAnswerEndsTheInviteWith487() throws {
        var session = try makeSession()
        _ = session.ring(now: t0)
        let bye = inDialog(.bye, 102)
        let actions = session.receive(request: bye, now: t0 + .seconds(1))
        #expect(T.statuses(actions) == [200, 487])
        #expect(T.events(actions) == [.remoteHangUp(bye), .terminated])
    }

    @Test func inDialogCSeqMustNotGoBack() throws {
        var session = try answered()
        #expect(T.statuses(session.receive(request: inDialog(.options, 105), now: t0 + .seconds(1))) == [200])
        let late = session.receive(request: inDialog(.info, 103), now: t0 + .seconds(2))
        #expect(T.statuses(late) == [500])
        #expect(T.responses(late).first?.reasonPhrase?.contains("out of order") == true)
        // Unknown dialog: 481.
        var stranger = inDialog(.info, 106)
        stranger.headers.set(.to, "<sip:bridge@203.0.113.5:5070>;tag=other")
        #expect(T.statuses(session.receive(request: stranger, now: t0 + .seconds(2))) == [481])
        // Methods we do not take: 405 with Allow, 501 for unknown ones.
        let refer = session.receive(request: inDialog(.refer, 107), now: t0 + .seconds(3))
        #expect(T.statuses(refer) == [405])
        #expect(T.responses(refer).first?.headers[.allow] != nil)
        #expect(T.statuses(session.receive(request: inDialog("FOO", 108), now: t0 + .seconds(3))) == [501])
    }

    @Test func calleeGlareWaitsZeroToTwoSeconds() throws {
        let random = SessionTest.FixedRandom(150)
        var session = try makeSession(random: random)
        _ = session.answer(sdp: T.answer, now: t0)
        _ = session.receive(request: inDialog(.ack, 101, branch: "z9hG4bKack"), now: t0 + .milliseconds(50))
        let reinvite = try #require(T.requests(session.reinvite(sdp: T.answer, now: t0 + .seconds(5))).first)
        #expect(try reinvite.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(reinvite.requestURI?.description == "sip:+15550001@198.51.100.10:5060")
        _ = session.receive(response: T.response(to: reinvite, 491, contact: nil), now: t0 + .seconds(5))
        // We did not make the Call-ID: 0-2 s (14.1).
        #expect(random.ranges.withLock { $0 } == [0...200])
        #expect(session.nextDeadline == t0 + .milliseconds(6500))
        // The caller's own re-INVITE arrives before our retry: we take it, and wait again.
        let theirs = inDialog(.invite, 102, body: T.offer)
        #expect(T.events(session.receive(request: theirs, now: t0 + .seconds(6))) == [.reinviteReceived(theirs)])
        #expect(session.timerFired(now: t0 + .milliseconds(6500)).isEmpty)
        #expect(session.nextDeadline == t0 + .milliseconds(8000))
        _ = session.reject(reinvite: theirs, status: 488, now: t0 + .seconds(7))
        let retried = T.requests(session.timerFired(now: t0 + .milliseconds(8000)))
        #expect(try retried.map { try $0.cseq } == [SIPCSeq(sequence: 2, method: .invite)])
    }

    @Test func aSecondReinviteBeforeTheFirstIsAnsweredGets500() throws {
        var session = try answered()
        let first = inDialog(.invite, 102, body: T.offer)
        _ = session.receive(request: first, now: t0 + .seconds(1))
        let second = session.receive(request: inDialog(.invite, 103, body: T.offer), now: t0 + .seconds(1))
        let response = try #require(T.responses(second).first)
        #expect(response.statusCode == 500)
        #expect(response.headers["Retry-After"] != nil)
        // The caller hangs up with its re-INVITE pending: 487 for it (15.1.2).
        let bye = session.receive(request: inDialog(.bye, 104), now: t0 + .seconds(2))
        #expect(T.statuses(bye) == [200, 487])
    }

    @Test func invitesWeCannotTakeAreRefused() {
        let configuration = T.configuration()
        #expect(SIPInviteServerSession.check(Self.invite(), configuration: configuration) == nil)
        let needs100rel = SIPInviteServerSession.check(
            Self.invite(extra: "Require: 100rel\n"), configuration: configuration)
        #expect(needs100rel?.statusCode == 420)
        #expect(needs100rel?.headers[.unsupported] == "100rel")
        var text = Self.invite(body: Array("hello".utf8))
        text.headers.set(.contentType, "text/plain")
        let unsupportedBody = SIPInviteServerSession.check(text, configuration: configuration)
        #expect(unsupportedBody?.statusCode == 415)
        #expect(unsupportedBody?.headers[.accept] == "application/sdp")
        var noContact = Self.invite()
        noContact.headers.remove(.contact)
        #expect(SIPInviteServerSession.check(noContact, configuration: configuration)?.statusCode == 400)
        #expect(throws: SIPParseError.self) {
            try SIPInviteServerSession(invite: noContact, source: Self.caller, configuration: configuration)
        }
    }
}
