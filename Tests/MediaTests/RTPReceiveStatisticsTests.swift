import Testing

@testable import Media

/// RFC 3550 appendix A.1 (sequence validation), A.3 (loss) and A.8 (jitter) with constructed sequences.
@Suite struct RTPReceiveStatisticsTests {
    /// Feeds sequence numbers with timestamps 160 apart and arrivals exactly on time (zero jitter).
    @discardableResult
    static func feed(_ statistics: inout RTPReceiveStatistics, _ sequences: [UInt16]) -> [RTPReceiveStatistics.Update] {
        sequences.map { sequence in
            let timestamp = UInt32(sequence) &* 160
            return statistics.record(sequenceNumber: sequence, rtpTimestamp: timestamp, arrival: timestamp &+ 5000)
        }
    }

    @Test func probationThenInOrderAcrossTheWrap() {
        var statistics = RTPReceiveStatistics()
        #expect(statistics.makeReportBlock(ssrc: 1) == nil, "no report before the source is valid")
        let updates = Self.feed(&statistics, (0..<1000).map { UInt16(truncatingIfNeeded: 65_000 + $0) })
        #expect(updates[0] == .probation)
        #expect(updates.dropFirst().allSatisfy { $0 == .valid })
        #expect(statistics.isValid)
        // The base is the packet that ended probation (65001); 999 packets counted.
        #expect(statistics.received == 999)
        #expect(statistics.expected == 999)
        #expect(statistics.cumulativeLost == 0)
        #expect(statistics.extendedHighestSequence == 65_536 + UInt32((65_000 + 999) % 65_536))
        #expect(statistics.jitter == 0)
        let block = statistics.makeReportBlock(ssrc: 7, lastSenderReport: 0x1234_5678, delaySinceLastSenderReport: 99)
        #expect(
            block
                == RTCPReportBlock(
                    ssrc: 7, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0x0001_0000 + 463, jitter: 0,
                    lastSenderReport: 0x1234_5678, delaySinceLastSenderReport: 99))
    }

    @Test func brokenProbationStartsOver() {
        var statistics = RTPReceiveStatistics(minSequential: 3)
        #expect(Self.feed(&statistics, [10, 12, 13, 14, 15]) == [.probation, .probation, .probation, .valid, .valid])
        #expect(statistics.received == 2)
        var immediate = RTPReceiveStatistics(minSequential: 1)
        #expect(Self.feed(&immediate, [500]) == [.valid])
    }

    @Test func lossAndFractionLostPerInterval() throws {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        // 100 expected (0...99), every fourth lost: 75 received.
        Self.feed(&statistics, (0..<100).filter { $0 % 4 != 1 }.map { UInt16($0) })
        var next = statistics.makeReportBlock(ssrc: 1)
        var block = try #require(next)
        #expect(statistics.expected == 100)
        #expect(block.cumulativeLost == 25)
        #expect(block.fractionLost == 64)  // 25/100 * 256
        // Next interval: 100...199 all received; the fraction is per interval, the total stays.
        Self.feed(&statistics, (100..<200).map { UInt16($0) })
        next = statistics.makeReportBlock(ssrc: 1)
        block = try #require(next)
        #expect(block.fractionLost == 0)
        #expect(block.cumulativeLost == 25)
        // An interval with nothing new reports 0, not a division by zero.
        next = statistics.makeReportBlock(ssrc: 1)
        block = try #require(next)
        #expect(block.fractionLost == 0)
    }

    @Test func reorderingAndDuplicates() throws {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        let updates = Self.feed(&statistics, [1, 2, 4, 3, 5, 5, 6])
        #expect(updates == [.valid, .valid, .valid, .late, .valid, .late, .valid])
        #expect(statistics.extendedHighestSequence == 6)
        // 6 expected, 7 counted: the duplicate makes the loss negative (RFC 3550 section 6.4.1).
        #expect(statistics.cumulativeLost == -1)
        let next = statistics.makeReportBlock(ssrc: 1)
        let block = try #require(next)
        #expect(block.fractionLost == 0)
        #expect(block.cumulativeLost == -1)
        // A packet older than the base counts as received but not expected.
        _ = statistics.record(sequenceNumber: 0, rtpTimestamp: 0, arrival: 5000)
        #expect(statistics.cumulativeLost == -2)
    }

    @Test func largeJumpNeedsConfirmationThenRestarts() {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        Self.feed(&statistics, (0..<50).map { UInt16($0) })
        // A lone stray packet far ahead is not counted and does not move the highest sequence number.
        #expect(Self.feed(&statistics, [30_000]) == [.jump])
        #expect(Self.feed(&statistics, [50, 51]) == [.valid, .valid])
        #expect(statistics.extendedHighestSequence == 51)
        #expect(statistics.received == 52)
        // A jump followed by its successor: the sender restarted; statistics begin again there.
        #expect(Self.feed(&statistics, [40_000, 40_001, 40_002]) == [.jump, .restarted, .valid])
        #expect(statistics.received == 2)
        #expect(statistics.expected == 2)
        #expect(statistics.extendedHighestSequence == 40_002)
        // Far behind (more than MAX_MISORDER) is treated like a jump too.
        #expect(Self.feed(&statistics, [39_000]) == [.jump])
        // Just behind (within MAX_MISORDER) is a late packet.
        #expect(Self.feed(&statistics, [39_950]) == [.late])
    }

    @Test func gapBelowMaxDropoutIsLossNotRestart() {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        Self.feed(&statistics, [65_530, 65_531])
        // Forward 2999 across the wrap: loss of 2998 packets.
        #expect(Self.feed(&statistics, [UInt16(truncatingIfNeeded: 65_531 + 2_999)]) == [.valid])
        #expect(statistics.extendedHighestSequence == 65_531 + 2_999)
        #expect(statistics.cumulativeLost == 2_998)
        // Forward exactly MAX_DROPOUT: a jump.
        #expect(Self.feed(&statistics, [UInt16(truncatingIfNeeded: 65_531 + 2_999 + 3_000)]) == [.jump])
    }

    @Test func manyWraps() {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        for index in 0..<200_000 {
            _ = statistics.record(
                sequenceNumber: UInt16(truncatingIfNeeded: index), rtpTimestamp: UInt32(index) * 160,
                arrival: UInt32(index) * 160)
        }
        #expect(statistics.extendedHighestSequence == 199_999)
        #expect(statistics.cumulativeLost == 0)
    }

    /// A.8: J += (|D| - J) / 16. Arrivals alternately 0 and 80 units late, so |D| = 80 after the first
    /// packet: J goes 80/16 = 5 (scaled 80) at the second packet and converges to 80.
    @Test func jitterFollowsTheRFCFormula() {
        var statistics = RTPReceiveStatistics(minSequential: 1)
        var jitters: [UInt32] = []
        for index in 0..<400 {
            let timestamp = UInt32(index) * 160
            let arrival = timestamp + (index % 2 == 0 ? 0 : 80) + 1_000_000
            _ = statistics.record(sequenceNumber: UInt16(index), rtpTimestamp: timestamp, arrival: arrival)
            jitters.append(statistics.jitter)
        }
        #expect(jitters[0] == 0)
        #expect(jitters[1] == 5)
        // Floating point reference for the second step: 0 + (80 - 0)/16 = 5; then 5 + (80 - 5)/16 = 9.6875.
        #expect(jitters[2] == 9)
        #expect((79...80).contains(jitters[399]))
        // Arrival clock wrapping around 2^32 changes nothing: transit differences are modular.
        var wrapped = RTPReceiveStatistics(minSequential: 1)
        for index in 0..<400 {
            let timestamp = UInt32(index) * 160
            let arrival = (timestamp &+ (index % 2 == 0 ? 0 : 80)) &+ 0xFFFF_FF00
            _ = wrapped.record(sequenceNumber: UInt16(index), rtpTimestamp: timestamp, arrival: arrival)
        }
        #expect(wrapped.jitter == statistics.jitter)
    }
}
