import NIOCore
import Testing

@testable import SIP

/// The four RFC 3261 section 17 transactions in virtual time: every timer path.
@Suite struct SIPTransactionTests {
    static func message(_ text: String) -> SIPMessage {
        let wire = text.replacingOccurrences(of: "\n", with: "\r\n")
        return try! SIPMessageParser.parse(datagram: Array(wire.utf8))!
    }

    static let invite = message(
        """
        INVITE sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1
        Max-Forwards: 70
        From: <sip:alice@example.org>;tag=a1
        To: <sip:bob@example.com>
        Call-ID: c1@192.0.2.1
        CSeq: 7 INVITE
        Route: <sip:proxy.example.com;lr>
        Content-Length: 0


        """)

    static let options = message(
        """
        OPTIONS sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKopt1
        Max-Forwards: 70
        From: <sip:alice@example.org>;tag=a1
        To: <sip:bob@example.com>
        Call-ID: c2@192.0.2.1
        CSeq: 1 OPTIONS
        Content-Length: 0


        """)

    static func response(_ status: Int, to request: SIPMessage) -> SIPMessage {
        SIPMessage.makeResponse(to: request, status: status, toTag: "b1")
    }

    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// Drives timers up to `until`, collecting every action with the time it happened.
    static func run(_ transaction: inout SIPClientTransaction, until end: NIODeadline) -> [(NIODeadline, SIPClientTransaction.Action)] {
        var log: [(NIODeadline, SIPClientTransaction.Action)] = []
        while let next = transaction.nextDeadline, next <= end {
            for action in transaction.timerFired(now: next) { log.append((next, action)) }
        }
        return log
    }

    @Test func inviteClientRetransmitsWithTimerAThenTimesOutWithTimerB() {
        var tx = SIPClientTransaction(request: Self.invite, isReliable: false, now: t0)
        #expect(tx.start == [.send(Self.invite)])
        let log = Self.run(&tx, until: t0 + .seconds(40))
        let sends = log.filter { if case .send = $0.1 { true } else { false } }.map { ($0.0 - t0).nanoseconds / 1_000_000 }
        // Timer A: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 32 s wins over the 7th (63.5 s).
        #expect(sends == [500, 1500, 3500, 7500, 15500, 31500])
        #expect(log.suffix(2).map(\.1) == [.timedOut, .terminated])
        #expect(log.last!.0 == t0 + .seconds(32))
        #expect(tx.state == .terminated)
    }

    @Test func inviteClientOverTCPNeverRetransmits() {
        var tx = SIPClientTransaction(request: Self.invite, isReliable: true, now: t0)
        let log = Self.run(&tx, until: t0 + .seconds(40))
        #expect(log.map(\.1) == [.timedOut, .terminated])
    }

    @Test func inviteClientProvisionalStopsRetransmissionAndErrorIsAcked() throws {
        var tx = SIPClientTransaction(request: Self.invite, isReliable: false, now: t0)
        let ringing = Self.response(180, to: Self.invite)
        #expect(tx.receive(ringing, now: t0 + .milliseconds(100)) == [.deliver(ringing)])
        #expect(tx.state == .proceeding)
        #expect(Self.run(&tx, until: t0 + .seconds(10)).isEmpty)
        let busy = Self.response(486, to: Self.invite)
        let actions = tx.receive(busy, now: t0 + .seconds(10))
        #expect(actions.count == 2)
        guard case .send(let ack) = actions[0] else { Issue.record("no ACK"); return }
        #expect(ack.method == .ack)
        #expect(try ack.cseq == SIPCSeq(sequence: 7, method: .ack))
        #expect(ack.headers[.via] == Self.invite.headers[.via])
        #expect(ack.headers[.to] == busy.headers[.to])
        #expect(ack.headers[.route] == "<sip:proxy.example.com;lr>")
        #expect(actions[1] == .deliver(busy))
        // A retransmitted 486 is ACKed again and not passed up.
        #expect(tx.receive(busy, now: t0 + .seconds(11)) == [.send(ack)])
        // Timer D: 32 s.
        let log = Self.run(&tx, until: t0 + .seconds(50))
        #expect(log.map(\.1) == [.terminated])
        #expect(log.first!.0 == t0 + .seconds(42))
    }

    @Test func inviteClientPassesEvery2xxUpDuringTimerM() {
        var tx = SIPClientTransaction(request: Self.invite, isReliable: false, now: t0)
        let ok1 = Self.response(200, to: Self.invite)
        var ok2 = ok1
        ok2.headers.set(.to, "<sip:bob@example.com>;tag=fork2")
        #expect(tx.receive(ok1, now: t0 + .seconds(1)) == [.deliver(ok1)])
        #expect(tx.state == .accepted)
        #expect(tx.receive(ok2, now: t0 + .seconds(2)) == [.deliver(ok2)])
        let log = Self.run(&tx, until: t0 + .seconds(60))
        #expect(log.map(\.1) == [.terminated])
        #expect(log.first!.0 == t0 + .seconds(33))
    }

    @Test func nonInviteClientTimerECapsAtT2AndTimerFTimesOut() {
        var tx = SIPClientTransaction(request: Self.options, isReliable: false, now: t0)
        let log = Self.run(&tx, until: t0 + .seconds(40))
        let sends = log.filter { if case .send = $0.1 { true } else { false } }.map { ($0.0 - t0).nanoseconds / 1_000_000 }
        #expect(sends == [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(log.suffix(2).map(\.1) == [.timedOut, .terminated])
    }

    @Test func nonInviteClientInProceedingRetransmitsEveryT2() {
        var tx = SIPClientTransaction(request: Self.options, isReliable: false, now: t0)
        _ = tx.receive(Self.response(100, to: Self.options), now: t0 + .milliseconds(100))
        let log = Self.run(&tx, until: t0 + .seconds(12))
        let sends = log.filter { if case .send = $0.1 { true } else { false } }.map { ($0.0 - t0).nanoseconds / 1_000_000 }
        #expect(sends == [500, 4500, 8500])
    }

    @Test func nonInviteClientCompletesWithTimerK() {
        var tx = SIPClientTransaction(request: Self.options, isReliable: false, now: t0)
        let ok = Self.response(200, to: Self.options)
        #expect(tx.receive(ok, now: t0 + .seconds(1)) == [.deliver(ok)])
        #expect(tx.receive(ok, now: t0 + .seconds(2)) == [])
        let log = Self.run(&tx, until: t0 + .seconds(10))
        #expect(log.map(\.0) == [t0 + .seconds(6)])
        var reliable = SIPClientTransaction(request: Self.options, isReliable: true, now: t0)
        #expect(reliable.receive(ok, now: t0) == [.deliver(ok), .terminated])
    }

    @Test func transportErrorEndsTheClientTransaction() {
        var tx = SIPClientTransaction(request: Self.invite, isReliable: false, now: t0)
        #expect(tx.transportFailed() == [.transportFailed, .terminated])
        #expect(tx.nextDeadline == nil)
    }

    @Test func inviteServerSendsTryingAfter200msAndAbsorbsRetransmissions() {
        var tx = SIPServerTransaction(request: Self.invite, isReliable: false, now: t0)
        #expect(tx.nextDeadline == t0 + .milliseconds(200))
        let actions = tx.timerFired(now: t0 + .milliseconds(200))
        guard case .send(let trying) = actions.first else { Issue.record("no 100"); return }
        #expect(trying.statusCode == 100)
        #expect(tx.receive(Self.invite, now: t0 + .milliseconds(500)) == [.send(trying)])
        let ringing = Self.response(180, to: Self.invite)
        #expect(tx.respond(ringing, now: t0 + .seconds(1)) == [.send(ringing)])
        #expect(tx.receive(Self.invite, now: t0 + .seconds(2)) == [.send(ringing)])
    }

    @Test func inviteServerAnsweredQuicklySendsNoTrying() {
        var tx = SIPServerTransaction(request: Self.invite, isReliable: false, now: t0)
        let ringing = Self.response(180, to: Self.invite)
        _ = tx.respond(ringing, now: t0 + .milliseconds(50))
        #expect(tx.timerFired(now: t0 + .milliseconds(200)) == [])
    }

    @Test func inviteServerRetransmitsErrorWithTimerGUntilTimerH() {
        var tx = SIPServerTransaction(request: Self.invite, isReliable: false, now: t0)
        let busy = Self.response(486, to: Self.invite)
        #expect(tx.respond(busy, now: t0) == [.send(busy)])
        var sends: [Int64] = []
        var end: [SIPServerTransaction.Action] = []
        while let next = tx.nextDeadline {
            for action in tx.timerFired(now: next) {
                if case .send = action { sends.append((next - t0).nanoseconds / 1_000_000) } else { end.append(action) }
            }
        }
        // Timer G: 0.5, 1.5, 3.5, 7.5, then every T2; Timer H at 32 s.
        #expect(sends == [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(end == [.ackTimedOut, .terminated])
    }

    @Test func inviteServerAckStopsRetransmissionsThenTimerI() {
        var tx = SIPServerTransaction(request: Self.invite, isReliable: false, now: t0)
        let busy = Self.response(486, to: Self.invite)
        _ = tx.respond(busy, now: t0)
        let ack = SIPClientTransaction.makeACK(for: Self.invite, response: busy)
        #expect(tx.receive(ack, now: t0 + .milliseconds(600)) == [])
        #expect(tx.state == .confirmed)
        #expect(tx.nextDeadline == t0 + .milliseconds(600) + .seconds(5))
        #expect(tx.timerFired(now: t0 + .milliseconds(5600)) == [.terminated])
    }

    @Test func inviteServer2xxIsAcceptedForTimerL() {
        var tx = SIPServerTransaction(request: Self.invite, isReliable: false, now: t0)
        let ok = Self.response(200, to: Self.invite)
        #expect(tx.respond(ok, now: t0) == [.send(ok)])
        #expect(tx.state == .accepted)
        #expect(tx.respond(ok, now: t0 + .milliseconds(500)) == [.send(ok)])
        #expect(tx.nextDeadline == t0 + .seconds(32))
    }

    @Test func nonInviteServerResendsFinalUntilTimerJ() {
        var tx = SIPServerTransaction(request: Self.options, isReliable: false, now: t0)
        #expect(tx.receive(Self.options, now: t0) == [])
        let ok = Self.response(200, to: Self.options)
        #expect(tx.respond(ok, now: t0) == [.send(ok)])
        #expect(tx.receive(Self.options, now: t0 + .seconds(1)) == [.send(ok)])
        #expect(tx.nextDeadline == t0 + .seconds(32))
        #expect(tx.timerFired(now: t0 + .seconds(32)) == [.terminated])
        var reliable = SIPServerTransaction(request: Self.options, isReliable: true, now: t0)
        #expect(reliable.respond(ok, now: t0) == [.send(ok), .terminated])
    }
}
