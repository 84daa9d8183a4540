import NIOCore

/// The UAS side of RFC 3262 for one INVITE: our 1xx responses (above 100) sent reliably, each
/// with `Require: 100rel` and an RSeq one above the last, retransmitted from T1 doubling until
/// its PRACK, one at a time (section 3: the next waits for the PRACK of the previous).
struct SIPReliableProvisionals {
    struct Outstanding {
        var response: SIPMessage
        var rseq: UInt32
        var interval: TimeAmount
        var retransmitAt: NIODeadline
        var giveUpAt: NIODeadline
    }

    /// What a timer tick asks for.
    enum Tick: Equatable {
        case nothing
        case retransmit(SIPMessage)
        /// 64*T1 without a PRACK: section 3 says to reject the INVITE with a 5xx.
        case gaveUp
    }

    private let timers: SIPTimers
    private var nextRSeq: UInt32
    private(set) var outstanding: Outstanding?
    private var queue: [SIPMessage] = []
    /// The highest RSeq we sent: a PRACK for it or an earlier one is answered 200 even late.
    private(set) var lastSent: UInt32?

    /// `firstRSeq` is random in 1...2^31-1 in use (section 3); tests pass a fixed one.
    init(timers: SIPTimers, firstRSeq: UInt32 = UInt32.random(in: 1...(1 << 30))) {
        self.timers = timers
        self.nextRSeq = firstRSeq
    }

    var nextDeadline: NIODeadline? {
        guard let outstanding else { return nil }
        return min(outstanding.retransmitAt, outstanding.giveUpAt)
    }

    /// Makes `response` reliable; returns it when it can go now, nil when it waits for the
    /// PRACK of the one before.
    mutating func send(_ response: SIPMessage, now: NIODeadline) -> SIPMessage? {
        var reliable = response
        reliable.headers.add(.require, "100rel")
        reliable.headers.add(.rseq, String(nextRSeq))
        SIPSessionConfiguration.moveContentLengthLast(&reliable)
        nextRSeq &+= 1
        guard outstanding == nil else {
            queue.append(reliable)
            return nil
        }
        start(reliable, now: now)
        return reliable
    }

    private mutating func start(_ response: SIPMessage, now: NIODeadline) {
        let rseq = ((try? response.rseq) ?? nil) ?? 0
        lastSent = rseq
        outstanding = Outstanding(
            response: response, rseq: rseq, interval: timers.t1, retransmitAt: now + timers.t1,
            giveUpAt: now + timers.transactionTimeout)
    }

    /// A PRACK (section 7.2: RAck names the RSeq, CSeq number and method of the response).
    /// Returns whether it matches one we sent (answer 200, else 481) and the next queued
    /// response to send now, if any.
    mutating func receivePRACK(_ rack: SIPRAck, inviteSequence: UInt32, now: NIODeadline) -> (
        matched: Bool, next: SIPMessage?
    ) {
        guard rack.method == .invite, rack.cseqNumber == inviteSequence, let lastSent, rack.responseNumber <= lastSent
        else { return (false, nil) }
        guard let current = outstanding, current.rseq == rack.responseNumber else { return (true, nil) }
        outstanding = nil
        guard !queue.isEmpty else { return (true, nil) }
        let next = queue.removeFirst()
        start(next, now: now)
        return (true, next)
    }

    mutating func timerFired(now: NIODeadline) -> Tick {
        guard var current = outstanding else { return .nothing }
        if now >= current.giveUpAt {
            stop()
            return .gaveUp
        }
        guard now >= current.retransmitAt else { return .nothing }
        // Section 3: the interval starts at T1 and doubles (no T2 cap).
        current.interval = current.interval * 2
        current.retransmitAt = now + current.interval
        outstanding = current
        return .retransmit(current.response)
    }

    /// The final response went out: no more retransmissions.
    mutating func stop() {
        outstanding = nil
        queue = []
    }
}
