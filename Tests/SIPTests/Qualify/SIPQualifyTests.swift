import NIOCore
import Testing

@testable import SIP

/// OPTIONS qualify in virtual time: round-trip time from the answer, any final status counts,
/// a transaction timeout marks the peer unreachable, late answers to an old OPTIONS are ignored.
@Suite struct SIPQualifyTests {
    typealias T = SessionTest

    func sent(_ actions: [SIPQualify.Action]) -> [SIPMessage] {
        actions.compactMap { if case .send(let m) = $0 { m } else { nil } }
    }

    func statuses(_ actions: [SIPQualify.Action]) -> [SIPQualifyStatus] {
        actions.compactMap { if case .statusChanged(let s) = $0 { s } else { nil } }
    }

    @Test func answersTimeoutsAndRecovery() throws {
        var qualify = SIPQualify(
            target: try SIPURI(parsing: "sip:trunk.example.net"), interval: .seconds(60),
            configuration: T.configuration())
        let first = try #require(sent(qualify.start(now: T.t0)).first)
        #expect(first.method == .options && first.requestURI?.description == "sip:trunk.example.net")
        #expect((try? first.callID) == qualify.callID)
        #expect(qualify.nextDeadline == nil)  // waiting for the transaction

        let answered = qualify.response(T.response(to: first, 405), now: T.t0 + .milliseconds(25))
        #expect(statuses(answered) == [.reachable(roundTrip: .milliseconds(25), status: 405)])
        #expect(qualify.nextDeadline == T.t0 + .milliseconds(25) + .seconds(60))

        let now = try #require(qualify.nextDeadline)
        let second = try #require(sent(qualify.timerFired(now: now)).first)
        #expect((try? second.cseq)??.sequence == 2)
        // A late answer to the first OPTIONS is not taken for the second.
        #expect(qualify.response(T.response(to: first, 200), now: now + .milliseconds(1)).isEmpty)
        let lost = qualify.timedOut(now: now + .seconds(32))
        guard case .unreachable(let reason)? = statuses(lost).first else {
            Issue.record("\(lost)")
            return
        }
        #expect(reason.contains("32 s"))
        let later = try #require(qualify.nextDeadline)
        let third = try #require(sent(qualify.timerFired(now: later)).first)
        #expect(statuses(qualify.response(T.response(to: third, 200), now: later + .milliseconds(3))).count == 1)
        // Another answer in the same state is no news.
        let fourthAt = try #require(qualify.nextDeadline)
        let fourth = try #require(sent(qualify.timerFired(now: fourthAt)).first)
        #expect(statuses(qualify.response(T.response(to: fourth, 200), now: later + .seconds(61))).isEmpty)
    }
}
