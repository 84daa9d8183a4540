/// Reception statistics for one RTP source, as RFC 3550 appendix A computes them: sequence validation with
/// wrap-around and restart detection (A.1), expected and lost packets with the fraction lost per report
/// interval (A.3), and interarrival jitter (A.8).
///
/// Sans-IO: each packet comes with its arrival time already converted to the stream's RTP clock units.
public struct RTPReceiveStatistics: Hashable, Sendable {
    /// What `record` did with a packet.
    public enum Update: Hashable, Sendable {
        /// In sequence (or a small forward gap); counted.
        case valid
        /// Not ahead of the highest sequence number (reordered or duplicate); counted, as A.1 does.
        case late
        /// The source is still on probation (fewer than `minSequential` packets in sequence); not counted.
        case probation
        /// A jump of more than `maxDropout` (or far behind): not counted until the next packet confirms it.
        case jump
        /// The packet confirmed a jump: the source restarted and the statistics began again from it.
        case restarted
    }

    /// A.1: largest forward jump treated as loss rather than a restart.
    public static let maxDropout: UInt32 = 3000
    /// A.1: largest backward step treated as reordering rather than a restart.
    public static let maxMisorder: UInt32 = 100
    private static let sequenceModulus: UInt32 = 1 << 16

    /// Packets in sequence needed before a new source is valid (A.1 MIN_SEQUENTIAL); 1 accepts at once.
    public let minSequential: Int

    private var started = false
    private var maxSequence: UInt16 = 0
    /// Shifted count of sequence number cycles (a multiple of 65536, as in A.1).
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var badSequence: UInt32 = 0
    private var probation = 0
    /// Packets counted since the source became valid (or restarted).
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var transit: Int32?
    /// Jitter scaled by 16 (the integer form of A.8).
    private var scaledJitter: UInt32 = 0

    public init(minSequential: Int = 2) {
        precondition(minSequential >= 1, "minSequential must be at least 1")
        self.minSequential = minSequential
    }

    /// Whether the source has passed probation.
    public var isValid: Bool { started && probation == 0 }

    /// Feeds one packet. `arrival` is the receive time in the same clock units as `rtpTimestamp` (any origin).
    public mutating func record(sequenceNumber sequence: UInt16, rtpTimestamp: UInt32, arrival: UInt32) -> Update {
        if !started {
            // A.1: a new source starts on probation with max_seq one below its first sequence number.
            started = true
            initSequence(sequence)
            maxSequence = sequence &- 1
            probation = minSequential
        }
        let update = updateSequence(sequence)
        switch update {
        case .valid, .late, .restarted:
            updateJitter(rtpTimestamp: rtpTimestamp, arrival: arrival)
        case .probation, .jump:
            break
        }
        return update
    }

    /// A.1 init_seq.
    private mutating func initSequence(_ sequence: UInt16) {
        baseSequence = UInt32(sequence)
        maxSequence = sequence
        badSequence = Self.sequenceModulus + 1  // so sequence == badSequence is false
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
        transit = nil
        scaledJitter = 0
    }

    /// A.1 update_seq.
    private mutating func updateSequence(_ sequence: UInt16) -> Update {
        let delta = UInt32(sequence &- maxSequence)
        if probation > 0 {
            // The source is valid once minSequential packets arrived in sequence.
            if sequence == maxSequence &+ 1 {
                probation -= 1
                maxSequence = sequence
                if probation == 0 {
                    initSequence(sequence)
                    received += 1
                    return .valid
                }
            } else {
                probation = minSequential - 1
                maxSequence = sequence
            }
            return .probation
        } else if delta == 0 {
            // A duplicate of the highest packet: A.1 counts it like an in-order one and changes nothing else.
            received &+= 1
            return .late
        } else if delta < Self.maxDropout {
            // In order, with a permissible gap.
            if sequence < maxSequence { cycles &+= Self.sequenceModulus }
            maxSequence = sequence
            received &+= 1
            return .valid
        } else if delta <= Self.sequenceModulus - Self.maxMisorder {
            // A very large jump: accept it only if the next packet follows it (the sender restarted).
            if UInt32(sequence) == badSequence {
                initSequence(sequence)
                received &+= 1
                return .restarted
            }
            badSequence = (UInt32(sequence) + 1) & (Self.sequenceModulus - 1)
            return .jump
        } else {
            // A duplicate or reordered packet.
            received &+= 1
            return .late
        }
    }

    /// A.8, integer form: J += |D| - J/16 with J scaled by 16.
    private mutating func updateJitter(rtpTimestamp: UInt32, arrival: UInt32) {
        let current = Int32(bitPattern: arrival &- rtpTimestamp)
        defer { transit = current }
        guard let previous = transit else { return }
        let difference = Int64(current &- previous).magnitude
        let jitter = Int64(scaledJitter) + Int64(difference) - ((Int64(scaledJitter) + 8) >> 4)
        scaledJitter = UInt32(clamping: jitter)
    }

    // MARK: Report values (A.3)

    /// Extended highest sequence number received: cycles in the high 16 bits.
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected since the source became valid.
    public var expected: Int64 { Int64(extendedHighestSequence) - Int64(baseSequence) + 1 }

    /// Cumulative packets lost, clamped to the 24-bit signed range of the report block.
    public var cumulativeLost: Int32 {
        let lost = expected - Int64(received)
        return Int32(
            clamping: min(
                max(lost, Int64(RTCPReportBlock.cumulativeLostRange.lowerBound)),
                Int64(RTCPReportBlock.cumulativeLostRange.upperBound)))
    }

    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32 { scaledJitter >> 4 }

    /// A report block for this source, advancing the interval used for the fraction lost; nil while the source
    /// is not valid. `lastSenderReport` and `delaySinceLastSenderReport` come from the caller's SR bookkeeping.
    public mutating func makeReportBlock(
        ssrc: UInt32, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) -> RTCPReportBlock? {
        guard isValid else { return nil }
        let expected = UInt32(truncatingIfNeeded: self.expected)
        let expectedInterval = Int64(expected &- expectedPrior)
        expectedPrior = expected
        let receivedInterval = Int64(received &- receivedPrior)
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 =
            expectedInterval == 0 || lostInterval <= 0 ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
            extendedHighestSequence: extendedHighestSequence, jitter: jitter, lastSenderReport: lastSenderReport,
            delaySinceLastSenderReport: delaySinceLastSenderReport)
    }
}
