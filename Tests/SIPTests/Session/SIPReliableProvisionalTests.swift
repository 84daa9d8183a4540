import NIOCore
import Testing

@testable import SIP

/// RFC 3262 as UAS in virtual time: a reliable 180 retransmitted until its PRACK, the next one
/// held back until then, 481 for a PRACK that matches nothing, and the 5xx after 64*T1 without
/// a PRACK.
@Suite struct SIPReliableProvisionalTests {
    typealias T = SessionTest
    let t0 = SessionTest.t0

    func session(reliable: Bool = true) throws -> SIPInviteServerSession {
        var configuration = T.configuration()
        configuration.reliableProvisionals = reliable
        return try SIPInviteServerSession(
            invite: SIPInviteServerSessionTests.invite(extra: "Require: 100rel\n"),
            source: SIPInviteServerSessionTests.caller, configuration: configuration, localTag: "bridge1")
    }

    func prack(rseq: UInt32, cseq: UInt32 = 101, branch: String = "pr1") -> SIPMessage {
        T.message(
            """
            PRACK sip:bridge@203.0.113.5:5070 SIP/2.0
            Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK\(branch)
            Max-Forwards: 70
            From: "Carol" <sip:+15550001@trunk.example.net>;tag=from1
            To: <sip:bridge@203.0.113.5:5070>;tag=bridge1
            Call-ID: call-1@trunk.example.net
            CSeq: 102 PRACK
            RAck: \(rseq) \(cseq) INVITE
            Content-Length: 0


            """)
    }

    @Test func aReliable180IsRetransmittedUntilItsPrack() throws {
        var session = try session()
        let ringing = try #require(T.responses(session.ring(now: t0)).first)
        #expect(try ringing.require.contains("100rel"))
        let rseq = try #require(try ringing.rseq)
        // Section 3: T1, then doubling: 0.5, 1.5, 3.5 s after the first.
        var now = t0
        var retransmissions: [Int64] = []
        for _ in 0..<3 {
            now = try #require(session.nextDeadline)
            let sent = T.responses(session.timerFired(now: now))
            #expect(sent.first?.statusCode == 180 && (try? sent.first?.rseq) == rseq)
            retransmissions.append((now - t0).nanoseconds / 1_000_000)
        }
        #expect(retransmissions == [500, 1500, 3500])

        // A 183 with SDP waits for the 180's PRACK.
        #expect(session.sessionProgress(sdp: T.answer, now: now).isEmpty)
        #expect(T.statuses(session.receive(request: prack(rseq: rseq + 5), now: now)) == [481])
        let afterPrack = T.responses(session.receive(request: prack(rseq: rseq), now: now))
        #expect(afterPrack.map(\.statusCode) == [200, 183])
        #expect((try? afterPrack.last?.rseq) == rseq + 1)

        // The answer stops the 183's retransmissions; a PRACK that crossed the 200 still gets 200.
        _ = session.answer(sdp: T.answer, now: now)
        #expect(T.statuses(session.receive(request: prack(rseq: rseq + 1, branch: "pr2"), now: now)) == [200])
    }

    @Test func noPrackWithin64T1RejectsTheInvite() throws {
        var session = try session()
        _ = session.ring(now: t0)
        var actions: [SIPSessionAction] = []
        while let deadline = session.nextDeadline, deadline <= t0 + .seconds(40), session.state == .early {
            actions = session.timerFired(now: deadline)
        }
        #expect(T.statuses(actions) == [500])
        #expect(T.events(actions).first == .failed(status: 504, reason: "No PRACK for a reliable provisional response (RFC 3262)", response: nil))
        #expect(session.state == .terminated)
    }

    @Test func withoutReliableProvisionalsTheInviteIsRefused() throws {
        var configuration = T.configuration()
        let refusal = try #require(
            SIPInviteServerSession.check(
                SIPInviteServerSessionTests.invite(extra: "Require: 100rel\n"), configuration: configuration))
        #expect(refusal.statusCode == 420)
        configuration.reliableProvisionals = true
        #expect(
            SIPInviteServerSession.check(
                SIPInviteServerSessionTests.invite(extra: "Require: 100rel\n"), configuration: configuration) == nil)
    }
}
