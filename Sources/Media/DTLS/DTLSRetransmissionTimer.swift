import NIOCore

/// The handshake retransmission timer of RFC 6347 section 4.2.4.1, on the engine's clock: an initial
/// interval (1 s recommended), doubled after each retransmission up to a maximum (no less than 60 s).
struct DTLSRetransmissionTimer: Hashable, Sendable {
    let initial: TimeAmount
    let maximum: TimeAmount
    /// When the current flight is next retransmitted; nil while no flight awaits an answer.
    private(set) var deadline: NIODeadline?
    /// The interval that produced `deadline`.
    private(set) var interval: TimeAmount
    /// Retransmissions of the current flight so far.
    private(set) var retransmissions = 0

    init(initial: TimeAmount, maximum: TimeAmount) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.interval = initial
    }

    /// A new flight went out at `now`.
    mutating func start(now: NIODeadline) {
        interval = initial
        retransmissions = 0
        deadline = now + initial
    }

    /// The peer answered the flight (or the handshake ended): nothing to retransmit.
    mutating func stop() {
        deadline = nil
    }

    /// The flight was retransmitted at `now`: double the interval (RFC 6347 section 4.2.4.1).
    mutating func backOff(now: NIODeadline) {
        retransmissions += 1
        interval = Self.doubled(interval, cappedAt: maximum)
        deadline = now + interval
    }

    /// How many retransmissions a flight sent at `start` gets before `end` under this schedule.
    func retransmissions(from start: NIODeadline, before end: NIODeadline) -> Int {
        var count = 0
        var step = initial
        var next = start + step
        while next < end {
            count += 1
            step = Self.doubled(step, cappedAt: maximum)
            next = next + step
        }
        return count
    }

    private static func doubled(_ amount: TimeAmount, cappedAt cap: TimeAmount) -> TimeAmount {
        amount.nanoseconds > cap.nanoseconds / 2 ? cap : .nanoseconds(amount.nanoseconds * 2)
    }
}
