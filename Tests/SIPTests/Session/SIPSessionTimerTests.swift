import NIOCore
import Testing

@testable import SIP

/// RFC 4028 session timers between a caller and a callee session over real transaction layers,
/// in virtual time: negotiation, refreshes by UPDATE or re-INVITE, 422, and the BYE of the side
/// that stops hearing refreshes.
@Suite struct SIPSessionTimerTests {
    typealias T = SessionTest
    typealias Pair = SIPSessionPairTests.Pair

    static func answeringAll(_ pair: Pair) {
        SIPSessionPairTests.answering(pair)
        pair.calleeApp = { pair, event in
            if case .reinviteReceived(let request) = event {
                pair.calleePerform(pair.callee!.answer(reinvite: request, sdp: T.answer, now: pair.now))
            }
        }
    }

    static func sessionExpires(_ message: SIPMessage) -> SIPSessionExpires? { (try? message.sessionExpires) ?? nil }

    func sent(_ pair: Pair, _ method: SIPMethod, byCaller: Bool) -> [SIPMessage] {
        pair.wire.filter { $0.toCallee == byCaller && $0.message.method == method }.map(\.message)
    }

    @Test func theCallerRefreshesWithUpdateAtHalfTheInterval() throws {
        let pair = try Pair(callerRandom: 250, calleeRandom: 50, caller: { $0.sessionInterval = 120 })
        pair.onNewCall = Self.answeringAll
        pair.start()
        pair.run(for: .seconds(1))
        let invite = try #require(sent(pair, .invite, byCaller: true).first)
        #expect(Self.sessionExpires(invite)?.interval == 120)
        #expect(invite.supportsOption("timer"))
        // 9: the caller supports timers and named no refresher, so the callee makes it refresh.
        let ok = try #require(pair.wire.first { $0.message.statusCode == 200 }?.message)
        #expect(Self.sessionExpires(ok)?.refresher == .uac)
        #expect(((try? ok.require) ?? []).contains("timer"))

        pair.run(for: .seconds(10 * 60))
        // One refresh every 60 s, each an UPDATE without SDP answered 200 by the callee's session
        // itself: the applications saw no offer.
        let updates = sent(pair, .update, byCaller: true)
        #expect((9...10).contains(updates.count))
        #expect(updates.allSatisfy { $0.body.isEmpty && Self.sessionExpires($0)?.refresher == .uac })
        #expect(sent(pair, .invite, byCaller: true).count == 1)
        #expect(!pair.calleeEvents.contains { if case .reinviteReceived = $0 { true } else { false } })
        #expect(pair.caller.state == .confirmed)
        #expect(pair.callee?.state == .confirmed)
    }

    @Test func withoutUpdateTheRefreshIsAReinviteWithTheSameSDP() throws {
        let pair = try Pair(
            callerRandom: 250, calleeRandom: 50, caller: { $0.sessionInterval = 120 },
            callee: { $0.allow = [.invite, .ack, .bye, .cancel, .options] })
        pair.onNewCall = Self.answeringAll
        pair.start()
        pair.run(for: .seconds(200))
        let invites = sent(pair, .invite, byCaller: true)
        #expect(invites.count == 4)  // the call and refreshes at 60, 120, 180 s
        #expect(invites.dropFirst().allSatisfy { $0.body == T.offer })
        #expect(sent(pair, .update, byCaller: true).isEmpty)
        #expect(sent(pair, .ack, byCaller: true).count == 4)
        #expect(pair.caller.state == .confirmed)
        // The caller's application did not hear about its session's own refreshes.
        #expect(!pair.callerEvents.contains { if case .reinviteAnswered = $0 { true } else { false } })
    }

    @Test func theCalleeHangsUpWhenRefreshesStop() throws {
        let pair = try Pair(callerRandom: 250, calleeRandom: 50, caller: { $0.sessionInterval = 120 })
        pair.onNewCall = Self.answeringAll
        pair.drop = { message, toCallee in toCallee && message.method == .update }
        pair.start()
        pair.run(for: .seconds(87))
        #expect(pair.callee?.state == .confirmed)
        // 10: BYE at 120 - min(32, 120 / 3) = 88 s after the answer.
        pair.run(for: .seconds(2))
        #expect(sent(pair, .bye, byCaller: false).count == 1)
        #expect(
            pair.calleeEvents.contains {
                if case .failed(408, let reason, nil) = $0 { reason.contains("Session timer expired") } else { false }
            })
        #expect(pair.caller.state == .terminated)
        #expect(pair.callerEvents.contains { if case .remoteHangUp = $0 { true } else { false } })
    }

    @Test func aRefreshTimingOutEndsTheCallWithBye() throws {
        // The callee refreshes (the caller does not do timers); the caller stops answering.
        let pair = try Pair(callerRandom: 250, calleeRandom: 50, callee: { $0.sessionInterval = 100 })
        pair.onNewCall = Self.answeringAll
        pair.start()
        pair.run(for: .seconds(1))
        let ok = try #require(pair.wire.first { $0.message.statusCode == 200 }?.message)
        #expect(Self.sessionExpires(ok)?.refresher == .uas)
        #expect(!((try? ok.require) ?? []).contains("timer"))  // the caller did not say it supports timers
        // The caller gets the refreshes (its own timer, as refreshee, restarts) but its answers are lost.
        pair.drop = { message, toCallee in
            toCallee && message.statusCode == 200 && (try? message.cseq)??.method == .update
        }
        pair.run(for: .seconds(100))
        // Refresh at 50 s, Timer F 32 s later: 408 ends the dialog with BYE.
        #expect(sent(pair, .update, byCaller: false).count >= 1)
        #expect(pair.calleeEvents.contains { if case .failed(408, _, _) = $0 { true } else { false } })
        #expect(sent(pair, .bye, byCaller: false).count == 1)
        #expect(pair.callee?.state == .terminated)
    }

    @Test func a422IsAnsweredWithTheCalleesMinimum() throws {
        var callerConfiguration = T.configuration()
        callerConfiguration.sessionInterval = 100
        var calleeConfiguration = T.configuration()
        calleeConfiguration.minimumSessionInterval = 300
        let invite = SIPInviteClientSession.makeInvite(
            SIPInviteParameters(
                requestURI: try SIPAnyURI(parsing: "sip:callee@192.0.2.2"),
                from: SIPNameAddress(uri: try SIPURI(parsing: "sip:caller@example.test")), sdp: T.offer),
            configuration: callerConfiguration)
        var caller = try SIPInviteClientSession(invite: invite, peer: T.trunk, configuration: callerConfiguration)
        _ = caller.start(now: T.t0)
        // 8.1 / 9: below the callee's minimum, from a caller that supports timers: 422 with Min-SE.
        let refusal = try #require(SIPInviteServerSession.check(invite, configuration: calleeConfiguration))
        #expect(refusal.statusCode == 422)
        #expect((try? refusal.minSE) == 300)
        #expect(SIPInviteServerSession.check(invite, configuration: T.configuration()) == nil)

        let actions = caller.receive(response: T.response(to: invite, 422, headers: [(.minSE, "300")]), now: T.t0)
        let retry = try #require(T.requests(actions).first)
        #expect(retry.method == .invite)
        #expect(Self.sessionExpires(retry)?.interval == 300)
        #expect((try? retry.minSE) == 300)
        #expect((try? retry.cseq)??.sequence == 2)
        #expect(T.events(actions).isEmpty)
        #expect(SIPInviteServerSession.check(retry, configuration: calleeConfiguration) == nil)
    }

    @Test func aMalformedSessionExpiresIsRefusedWith400() throws {
        let invite = T.message(
            """
            INVITE sip:callee@203.0.113.5 SIP/2.0
            Via: SIP/2.0/UDP 198.51.100.10;branch=z9hG4bKse1
            Max-Forwards: 70
            From: <sip:caller@example.test>;tag=a
            To: <sip:callee@example.test>
            Call-ID: se1
            CSeq: 1 INVITE
            Contact: <sip:caller@198.51.100.10>
            Session-Expires: soon
            Content-Length: 0


            """)
        let refusal = try #require(SIPInviteServerSession.check(invite, configuration: T.configuration()))
        #expect(refusal.statusCode == 400)
        #expect(refusal.reasonPhrase?.contains("Session-Expires") == true)
    }
}
