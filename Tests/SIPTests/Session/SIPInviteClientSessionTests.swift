import NIOCore
import Testing

@testable import SIP

/// `SIPInviteClientSession` in virtual time: RFC 3261 13.2 (INVITE, ACK for every 2xx, forks),
/// 9.1 (CANCEL), 22 (digest), 14.1 (re-INVITE glare) and the dialog rules of 12.2.
@Suite struct SIPInviteClientSessionTests {
    typealias T = SessionTest
    let t0 = SessionTest.t0

    func makeSession(
        credentials: SIPCredentials? = nil, random: SessionTest.FixedRandom = .init(250), routes: [String] = []
    ) throws -> (SIPInviteClientSession, SIPMessage) {
        let configuration = T.configuration(random: random)
        let parameters = SIPInviteParameters(
            requestURI: try SIPAnyURI(parsing: "sip:+15551234@trunk.example.net"),
            from: SIPNameAddress(displayName: "Alice", uri: try SIPURI(parsing: "sip:alice@bridge.example.org")),
            sdp: T.offer, routes: try routes.map { try SIPNameAddress(parsing: $0) })
        let invite = SIPInviteClientSession.makeInvite(parameters, configuration: configuration)
        var session = try SIPInviteClientSession(
            invite: invite, peer: T.trunk, configuration: configuration, credentials: credentials)
        let start = session.start(now: t0)
        #expect(start == [.sendRequest(invite, to: T.trunk)])
        #expect(session.start(now: t0).isEmpty)
        return (session, invite)
    }

    /// A session answered 200 by tag "callee1" with a Record-Route.
    func answered(random: SessionTest.FixedRandom = .init(250)) throws -> (SIPInviteClientSession, SIPMessage) {
        var (session, invite) = try makeSession(random: random)
        let ok = T.response(to: invite, 200, recordRoute: ["<sip:198.51.100.10;lr>"], body: T.answer)
        let actions = session.receive(response: ok, now: t0 + .milliseconds(50))
        #expect(T.events(actions) == [.answered(ok)])
        #expect(session.state == .confirmed)
        return (session, invite)
    }

    /// A request the callee sends in the dialog of `session`.
    func inDialog(_ method: SIPMethod, _ sequence: UInt32, session: SIPInviteClientSession, body: [UInt8] = [])
        -> SIPMessage
    {
        let dialog = session.dialog!
        var headers = SIPHeaders()
        headers.add(.via, "SIP/2.0/UDP 198.51.100.20:5080;branch=z9hG4bK\(method)\(sequence)")
        headers.add(.maxForwards, "70")
        headers.add(.from, dialog.remoteAddress.description)
        headers.add(.to, dialog.localAddress.description)
        headers.add(.callID, dialog.id.callID)
        headers.add(.cseq, "\(sequence) \(method)")
        headers.add(.contact, "<sip:callee@198.51.100.20:5080>")
        if !body.isEmpty { headers.add(.contentType, "application/sdp") }
        return SIPMessage(method: method, uri: .sip(session.configuration.contact), headers: headers, body: body)
    }

    // MARK: - Basic call

    @Test func inviteIsBuiltPerSection8() throws {
        let (session, invite) = try makeSession(routes: ["<sip:outbound.example.net;lr>"])
        #expect(invite.requestURI?.description == "sip:+15551234@trunk.example.net")
        let via = try #require(try invite.topVia)
        #expect(via.hasMagicCookie)
        #expect(via.rport == .requested)
        #expect(via.sentBy == "203.0.113.5:5070")
        #expect(try invite.from?.tag == session.localTag)
        #expect(try invite.from?.displayName == "Alice")
        #expect(try invite.to?.tag == nil)
        #expect(try invite.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(try invite.contacts?.addresses.map(\.uri.description) == ["sip:bridge@203.0.113.5:5070"])
        #expect(invite.headers.values(for: .route) == ["<sip:outbound.example.net;lr>"])
        #expect(try invite.contentType == .sdp)
        #expect(invite.body == T.offer)
        #expect(try invite.contentLength == T.offer.count)
        #expect(invite.headers[.allow]?.contains("INVITE") == true)
        #expect(session.state == .calling)
    }

    @Test func happyPathRingsAnswersAcknowledgesAndHangsUp() throws {
        var (session, invite) = try makeSession()
        #expect(session.receive(response: T.response(to: invite, 100, toTag: nil, contact: nil), now: t0).isEmpty)
        #expect(session.state == .proceeding)
        let ringing = T.response(to: invite, 180)
        let ringActions = session.receive(response: ringing, now: t0 + .milliseconds(10))
        let early = SIPDialogID(callID: session.callID, localTag: session.localTag, remoteTag: "callee1")
        #expect(
            T.events(ringActions) == [.earlyDialog(early), .provisional(status: 180, reason: "Ringing", body: nil)])
        #expect(session.earlyDialogs.map(\.id) == [early])

        let ok = T.response(
            to: invite, 200, recordRoute: ["<sip:p2.example.net;lr>", "<sip:198.51.100.10;lr>"], body: T.answer)
        let answerActions = session.receive(response: ok, now: t0 + .seconds(3))
        #expect(T.events(answerActions) == [.answered(ok)])
        let ack = try #require(T.requests(answerActions).first)
        // 13.2.2.4 / 12.2.1.1: ACK to the remote target with the INVITE's CSeq, route set reversed.
        #expect(ack.method == .ack)
        #expect(ack.requestURI?.description == "sip:callee@198.51.100.20:5080")
        #expect(try ack.cseq == SIPCSeq(sequence: 1, method: .ack))
        #expect(ack.headers.values(for: .route) == ["<sip:198.51.100.10;lr>", "<sip:p2.example.net;lr>"])
        #expect(try ack.to?.tag == "callee1")
        #expect(try ack.topVia?.branch != invite.topVia?.branch)
        // The next hop is the first route, an IP address.
        #expect(T.destinations(answerActions) == [try SocketAddress(ipAddress: "198.51.100.10", port: 5060)])
        #expect(session.state == .confirmed)
        #expect(session.dialog?.id == early)

        // Every retransmission of the 2xx gets the same ACK again.
        let again = session.receive(response: ok, now: t0 + .seconds(4))
        #expect(T.requests(again) == [ack])
        #expect(T.events(again).isEmpty)

        let byeActions = session.hangUp(now: t0 + .seconds(60))
        let bye = try #require(T.requests(byeActions).first)
        #expect(bye.method == .bye)
        #expect(try bye.cseq == SIPCSeq(sequence: 2, method: .bye))
        #expect(bye.requestURI?.description == "sip:callee@198.51.100.20:5080")
        #expect(session.state == .terminating)
        let done = session.receive(response: T.response(to: bye, 200, contact: nil), now: t0 + .seconds(61))
        #expect(T.events(done) == [.terminated])
        #expect(session.state == .terminated)
        // Kept for 64*T1 to answer retransmitted 2xx, then finished.
        #expect(!session.isFinished(now: t0 + .seconds(62)))
        #expect(session.nextDeadline == t0 + .seconds(61) + .seconds(32))
        #expect(session.isFinished(now: t0 + .seconds(93)))
        // Still acknowledges a late 2xx retransmission meanwhile.
        #expect(T.requests(session.receive(response: ok, now: t0 + .seconds(62))) == [ack])
    }

    @Test func busyFailsTheCallWithTheResponse() throws {
        var (session, invite) = try makeSession()
        let busy = T.response(to: invite, 486, contact: nil)
        let actions = session.receive(response: busy, now: t0 + .seconds(1))
        // The client transaction ACKs the 486 (17.1.1.3), not the session.
        #expect(T.requests(actions).isEmpty)
        #expect(T.events(actions) == [.failed(status: 486, reason: "Busy Here", response: busy), .terminated])
        #expect(session.state == .terminated)
    }

    @Test func noResponseAtAllFailsWith408() throws {
        var (session, invite) = try makeSession()
        let actions = session.requestTimedOut(invite, now: t0 + .seconds(32))
        #expect(T.events(actions) == [.failed(status: 408, reason: "Request Timeout", response: nil), .terminated])
    }

    // MARK: - CANCEL (9.1)

    @Test func cancelBeforeAnyProvisionalWaitsForOne() throws {
        var (session, invite) = try makeSession()
        #expect(session.cancel(now: t0 + .milliseconds(10)).isEmpty)
        #expect(session.state == .cancelling)
        #expect(session.cancel(now: t0 + .milliseconds(20)).isEmpty)
        let actions = session.receive(
            response: T.response(to: invite, 100, toTag: nil, contact: nil), now: t0 + .milliseconds(300))
        let cancel = try #require(T.requests(actions).first)
        #expect(cancel.method == .cancel)
        #expect(T.destinations(actions) == [T.trunk])
        // Same Request-URI, Call-ID, From, To, CSeq number and top Via (branch) as the INVITE.
        #expect(cancel.requestURI == invite.requestURI)
        #expect(cancel.headers[.via] == invite.headers[.via])
        #expect(cancel.headers[.from] == invite.headers[.from])
        #expect(cancel.headers[.to] == invite.headers[.to])
        #expect(try cancel.cseq == SIPCSeq(sequence: 1, method: .cancel))
        let terminated = session.receive(
            response: T.response(to: invite, 487, contact: nil), now: t0 + .milliseconds(400))
        #expect(T.events(terminated) == [.cancelled, .terminated])
    }

    @Test func cancelAfterAProvisionalGoesAtOnce() throws {
        var (session, invite) = try makeSession()
        _ = session.receive(response: T.response(to: invite, 180), now: t0)
        let actions = session.cancel(now: t0 + .seconds(2))
        #expect(T.methods(actions) == [.cancel])
        // The CANCEL's own 200 changes nothing; the INVITE's 487 ends the call.
        let cancel = T.requests(actions)[0]
        #expect(
            session.receive(response: T.response(to: cancel, 200, toTag: nil, contact: nil), now: t0 + .seconds(2))
                .isEmpty)
        let done = session.receive(response: T.response(to: invite, 487, contact: nil), now: t0 + .seconds(2))
        #expect(T.events(done) == [.cancelled, .terminated])
    }

    @Test func a2xxCrossingTheCancelIsAcknowledgedThenHungUp() throws {
        var (session, invite) = try makeSession()
        _ = session.receive(response: T.response(to: invite, 180), now: t0)
        #expect(T.methods(session.cancel(now: t0 + .seconds(1))) == [.cancel])
        let ok = T.response(to: invite, 200, body: T.answer)
        let actions = session.receive(response: ok, now: t0 + .seconds(1))
        #expect(T.methods(actions) == [.ack, .bye])
        #expect(T.events(actions) == [.cancelled])
        #expect(session.state == .terminating)
        let bye = T.requests(actions)[1]
        #expect(T.events(session.receive(response: T.response(to: bye, 200), now: t0 + .seconds(2))) == [.terminated])
    }

    @Test func cancelWithoutFinalResponseGivesUpAfter64T1() throws {
        var (session, invite) = try makeSession()
        _ = session.receive(response: T.response(to: invite, 180), now: t0)
        _ = session.cancel(now: t0 + .seconds(1))
        #expect(session.nextDeadline == t0 + .seconds(33))
        #expect(session.timerFired(now: t0 + .seconds(20)).isEmpty)
        #expect(T.events(session.timerFired(now: t0 + .seconds(33))) == [.cancelled, .terminated])
    }

    // MARK: - Authentication (22)

    static let authenticator = DigestAuthenticator(realm: "trunk.example.net", secret: Array("0123456789abcdef".utf8))

    func challenge(_ request: SIPMessage, proxy: Bool = false, stale: Bool = false) -> SIPMessage {
        let value = Self.authenticator.challenge(now: 1000, stale: stale)
        return T.response(
            to: request, proxy ? 407 : 401, contact: nil,
            headers: [(proxy ? .proxyAuthenticate : .wwwAuthenticate, value.description)])
    }

    @Test(arguments: [false, true]) func challengeIsAnsweredOnceWithANewCSeq(proxy: Bool) throws {
        var (session, invite) = try makeSession(credentials: SIPCredentials(username: "alice", password: "secret"))
        let actions = session.receive(response: challenge(invite, proxy: proxy), now: t0 + .milliseconds(30))
        #expect(T.events(actions).isEmpty)
        let retry = try #require(T.requests(actions).first)
        #expect(T.destinations(actions) == [T.trunk])
        #expect(try retry.callID == invite.callID)
        #expect(try retry.from?.tag == session.localTag)
        #expect(try retry.cseq == SIPCSeq(sequence: 2, method: .invite))
        #expect(try retry.topVia?.branch != invite.topVia?.branch)
        #expect(retry.body == T.offer)
        let header: SIPHeaderName = proxy ? .proxyAuthorization : .authorization
        let credentials = try DigestCredentials(parsing: try #require(retry.headers[header]))
        let outcome = Self.authenticator.verify(
            credentials, method: .invite, requestURI: "sip:+15551234@trunk.example.net", now: 1001,
            password: { $0 == "alice" ? "secret" : nil })
        #expect(outcome == .authorized(username: "alice"))
        #expect(session.invite == retry)

        // The 2xx to the new INVITE is ACKed with its CSeq and the same credentials.
        let ok = T.response(to: retry, 200, body: T.answer)
        let answered = session.receive(response: ok, now: t0 + .seconds(1))
        let ack = try #require(T.requests(answered).first)
        #expect(try ack.cseq == SIPCSeq(sequence: 2, method: .ack))
        #expect(ack.headers[header] == retry.headers[header])
        #expect(T.events(answered) == [.answered(ok)])
    }

    @Test func aSecondChallengeMeansWrongCredentials() throws {
        var (session, invite) = try makeSession(credentials: SIPCredentials(username: "alice", password: "wrong"))
        let retry = try #require(T.requests(session.receive(response: challenge(invite), now: t0)).first)
        let again = challenge(retry)
        let actions = session.receive(response: again, now: t0 + .seconds(1))
        #expect(T.requests(actions).isEmpty)
        #expect(T.events(actions) == [.failed(status: 401, reason: "Unauthorized", response: again), .terminated])
    }

    @Test func aChallengeWithoutCredentialsFails() throws {
        var (session, invite) = try makeSession()
        let response = challenge(invite)
        #expect(
            T.events(session.receive(response: response, now: t0)).first
                == .failed(status: 401, reason: "Unauthorized", response: response))
    }

    // MARK: - Forks (13.2.2.4)

    @Test func aSecondForkIsAcknowledgedAndHungUp() throws {
        var (session, invite) = try makeSession()
        _ = session.receive(response: T.response(to: invite, 180, toTag: "forkA"), now: t0)
        _ = session.receive(response: T.response(to: invite, 180, toTag: "forkB"), now: t0)
        #expect(session.earlyDialogs.count == 2)
        let first = T.response(to: invite, 200, toTag: "forkA", body: T.answer)
        #expect(T.events(session.receive(response: first, now: t0 + .seconds(1))) == [.answered(first)])
        let second = T.response(to: invite, 200, toTag: "forkB", contact: "<sip:other@198.51.100.30>", body: T.answer)
        let actions = session.receive(response: second, now: t0 + .seconds(1))
        #expect(T.events(actions).isEmpty)
        let requests = T.requests(actions)
        #expect(requests.map(\.method) == [.ack, .bye])
        #expect(try requests.map { try $0.to?.tag } == ["forkB", "forkB"])
        #expect(requests.map { $0.requestURI?.description } == ["sip:other@198.51.100.30", "sip:other@198.51.100.30"])
        // The call stays with the first fork; a retransmitted 2xx of the second is only ACKed.
        #expect(session.dialog?.id.remoteTag == "forkA")
        #expect(T.methods(session.receive(response: second, now: t0 + .seconds(2))) == [.ack])
        // The response to the fork's BYE is ignored.
        #expect(
            session.receive(response: T.response(to: requests[1], 200, toTag: "forkB"), now: t0 + .seconds(2)).isEmpty)
        #expect(session.state == .confirmed)
    }

    // MARK: - Inside the dialog

    @Test func reinviteGlareIsRetriedAfterTheRandomWait() throws {
        let random = SessionTest.FixedRandom(250)
        var (session, _) = try answered(random: random)
        #expect(session.canSendOffer)
        let actions = session.reinvite(sdp: T.offer, now: t0 + .seconds(10))
        let reinvite = try #require(T.requests(actions).first)
        #expect(reinvite.method == .invite)
        #expect(try reinvite.cseq == SIPCSeq(sequence: 2, method: .invite))
        #expect(reinvite.body == T.offer)
        #expect(!session.canSendOffer)
        // The peer's own re-INVITE meanwhile is glare: 491 (14.2).
        let theirs = inDialog(.invite, 1, session: session, body: T.answer)
        #expect(T.statuses(session.receive(request: theirs, now: t0 + .seconds(10))) == [491])

        let pending = session.receive(response: T.response(to: reinvite, 491, contact: nil), now: t0 + .seconds(10))
        #expect(pending.isEmpty)
        // We made the Call-ID: 2.1-4 s in units of 10 ms (14.1).
        #expect(random.ranges.withLock { $0 } == [210...400])
        #expect(session.nextDeadline == t0 + .seconds(10) + .milliseconds(2500))
        #expect(session.timerFired(now: t0 + .seconds(12)).isEmpty)
        let retried = session.timerFired(now: t0 + .milliseconds(12_500))
        let second = try #require(T.requests(retried).first)
        #expect(try second.cseq == SIPCSeq(sequence: 3, method: .invite))
        #expect(second.body == T.offer)
        let ok = T.response(to: second, 200, body: T.answer)
        let done = session.receive(response: ok, now: t0 + .seconds(13))
        #expect(T.events(done) == [.reinviteAnswered(ok)])
        let ack = try #require(T.requests(done).first)
        #expect(try ack.cseq == SIPCSeq(sequence: 3, method: .ack))
        #expect(session.canSendOffer)
    }

    @Test func theCalleesReinviteIsAnsweredAndItsAckAwaited() throws {
        var (session, _) = try answered()
        let reinvite = inDialog(.invite, 2, session: session, body: T.answer)
        #expect(T.events(session.receive(request: reinvite, now: t0 + .seconds(5))) == [.reinviteReceived(reinvite)])
        #expect(!session.canSendOffer)
        let answer = session.answer(reinvite: reinvite, sdp: T.offer, now: t0 + .seconds(5))
        let ok = try #require(T.responses(answer).first)
        #expect(ok.statusCode == 200)
        #expect(ok.body == T.offer)
        #expect(try ok.contacts?.addresses.first?.uri.description == "sip:bridge@203.0.113.5:5070")
        // Retransmitted until the ACK (13.3.1.4).
        #expect(T.responses(session.timerFired(now: t0 + .milliseconds(5500))) == [ok])
        let ack = inDialog(.ack, 2, session: session)
        #expect(T.events(session.receive(request: ack, now: t0 + .seconds(6))) == [.acknowledged(ack)])
        #expect(session.nextDeadline == nil)
        #expect(session.canSendOffer)
    }

    @Test func outOfOrderRequestsGet500() throws {
        var (session, _) = try answered()
        let info = inDialog(.info, 5, session: session, body: Array("Signal=1".utf8))
        let actions = session.receive(request: info, now: t0 + .seconds(5))
        #expect(T.statuses(actions) == [200])
        #expect(T.events(actions) == [.infoReceived(body: Array("Signal=1".utf8), contentType: .sdp)])
        let late = inDialog(.info, 4, session: session)
        let rejected = session.receive(request: late, now: t0 + .seconds(6))
        #expect(T.statuses(rejected) == [500])
        #expect(T.events(rejected).isEmpty)
    }

    @Test func theCalleesByeEndsTheCall() throws {
        var (session, _) = try answered()
        let bye = inDialog(.bye, 3, session: session)
        let actions = session.receive(request: bye, now: t0 + .seconds(9))
        #expect(T.statuses(actions) == [200])
        #expect(T.events(actions) == [.remoteHangUp(bye), .terminated])
        // Later requests in the dialog get 481.
        #expect(
            T.statuses(session.receive(request: inDialog(.info, 4, session: session), now: t0 + .seconds(10))) == [481])
        // A request of another dialog gets 481 too.
        var stranger = inDialog(.bye, 9, session: session)
        stranger.headers.set(.from, "<sip:x@example.com>;tag=unknown")
        #expect(T.statuses(session.receive(request: stranger, now: t0 + .seconds(10))) == [481])
    }

    @Test func infoIsSentAndItsAnswerReported() throws {
        var (session, _) = try answered()
        let actions = session.sendInfo(
            body: Array("Signal=5\r\nDuration=160\r\n".utf8),
            contentType: SIPMediaType(type: "application", subtype: "dtmf-relay"),
            now: t0 + .seconds(3))
        let info = try #require(T.requests(actions).first)
        #expect(info.method == .info)
        #expect(info.headers[.contentType] == "application/dtmf-relay")
        #expect(
            T.events(session.receive(response: T.response(to: info, 200), now: t0 + .seconds(3))) == [
                .infoAnswered(status: 200)
            ])
    }

    @Test func a481ToAReinviteEndsTheDialog() throws {
        var (session, _) = try answered()
        let reinvite = try #require(T.requests(session.reinvite(sdp: T.offer, now: t0 + .seconds(3))).first)
        let gone = T.response(to: reinvite, 481, contact: nil)
        let actions = session.receive(response: gone, now: t0 + .seconds(3))
        #expect(
            T.events(actions) == [
                .failed(status: 481, reason: "Call/Transaction Does Not Exist", response: gone), .terminated,
            ])
        #expect(T.requests(actions).isEmpty)
    }

    @Test func aRefusedReinviteKeepsTheCall() throws {
        var (session, _) = try answered()
        let reinvite = try #require(T.requests(session.reinvite(sdp: T.offer, now: t0 + .seconds(3))).first)
        let actions = session.receive(response: T.response(to: reinvite, 488, contact: nil), now: t0 + .seconds(3))
        #expect(T.events(actions) == [.reinviteFailed(status: 488, reason: "Not Acceptable Here")])
        #expect(session.state == .confirmed)
        #expect(session.canSendOffer)
    }

    @Test func strictRouteSetDrivesByeRequestURI() throws {
        var (session, invite) = try makeSession()
        let ok = T.response(to: invite, 200, recordRoute: ["<sip:198.51.100.77>"], body: T.answer)
        _ = session.receive(response: ok, now: t0)
        let actions = session.hangUp(now: t0 + .seconds(1))
        let bye = try #require(T.requests(actions).first)
        #expect(bye.requestURI?.description == "sip:198.51.100.77")
        #expect(bye.headers.values(for: .route) == ["<sip:callee@198.51.100.20:5080>"])
        #expect(T.destinations(actions) == [try SocketAddress(ipAddress: "198.51.100.77", port: 5060)])
    }

    @Test func malformedInputIsDroppedNotCrashed() throws {
        var (session, invite) = try makeSession()
        var garbage = T.response(to: invite, 200)
        garbage.headers.set(.cseq, "not a cseq")
        #expect(session.receive(response: garbage, now: t0).isEmpty)
        var otherCall = T.response(to: invite, 200)
        otherCall.headers.set(.callID, "someone-else")
        #expect(session.receive(response: otherCall, now: t0).isEmpty)
        // A 2xx without Contact cannot form a dialog: the call fails with a reason.
        let noContact = T.response(to: invite, 200, contact: nil)
        let events = T.events(session.receive(response: noContact, now: t0))
        guard case .failed(let status, let reason, _)? = events.first else {
            Issue.record("events \(events)")
            return
        }
        #expect(status == 502)
        #expect(reason.contains("Contact"))
        // A prepared INVITE without From tag is refused with a precise error.
        var untagged = invite
        untagged.headers.set(.from, "<sip:alice@bridge.example.org>")
        #expect(throws: SIPParseError.self) {
            try SIPInviteClientSession(invite: untagged, peer: T.trunk, configuration: T.configuration())
        }
    }
}
