import Testing

@testable import Media

/// A jitter buffer of 20 ms packets at 8000 Hz, driven in virtual milliseconds.
final class JitterBufferHarness {
    var buffer: JitterBuffer
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
    /// The payload of the last frame popped.
    var lastPayload: [UInt8] = []

    init(_ configuration: JitterBuffer.Configuration = JitterBuffer.Configuration(clockRate: 8000)) {
        buffer = JitterBuffer(configuration: configuration)
    }

    deinit { scratch.deallocate() }

    /// Packet `sequence` (payload: its two octets) stamped 160 ticks per sequence step from `base`.
    @discardableResult
    func insert(
        _ sequence: UInt16, timestamp: UInt32? = nil, at milliseconds: Int64, duration: UInt32? = 160,
        payload: [UInt8]? = nil
    ) -> JitterBuffer.InsertResult {
        let bytes = payload ?? [UInt8(truncatingIfNeeded: sequence >> 8), UInt8(truncatingIfNeeded: sequence)]
        return bytes.withUnsafeBytes {
            buffer.insert(
                sequence: sequence, timestamp: timestamp ?? UInt32(sequence) &* 160, payload: $0,
                arrival: .milliseconds(milliseconds), duration: duration)
        }
    }

    func pop(at milliseconds: Int64) -> JitterBuffer.Output {
        let output = buffer.pop(now: .milliseconds(milliseconds), into: scratch)
        if case .frame(let frame) = output { lastPayload = Array(scratch[0..<frame.length]) }
        return output
    }

    /// Sequence numbers of the frames popped at each instant, "lost" and "-" (not yet) marked as such.
    func popAll(at instants: [Int64]) -> [String] {
        instants.map { instant in
            switch pop(at: instant) {
            case .frame(let frame): "\(frame.sequence)"
            case .lost(let lost): "lost \(lost.sequence)"
            case .notYet: "-"
            }
        }
    }
}

@Suite struct JitterBufferTests {
    @Test func inOrderPlaysAfterTheMinimumDelay() {
        let jitter = JitterBufferHarness()
        var played: [String] = []
        for step in 0..<10 {
            let now = Int64(step) * 20
            jitter.insert(UInt16(100 + step), at: now)
            played += jitter.popAll(at: [now])
        }
        // The first packet arrives at 0 and is due 20 ms later, then one packet per 20 ms.
        #expect(played == ["-"] + (100...108).map { "\($0)" })
        #expect(jitter.lastPayload == [0, 108])
        #expect(jitter.buffer.statistics.played == 9)
        #expect(jitter.buffer.statistics.lost == 0)
        #expect(jitter.buffer.targetDelay == .milliseconds(20))
    }

    @Test func reorderedPacketsArePutBackInOrder() {
        let jitter = JitterBufferHarness()
        // Packet k is due at 20 k ms (20 ms of delay): each one comes out of order but before that.
        let arrivals: [(UInt16, Int64)] = [(1, 0), (3, 38), (2, 39), (4, 60), (6, 99), (5, 100), (7, 120), (8, 140)]
        var played: [String] = []
        var next = 0
        for now in stride(from: Int64(0), through: 200, by: 20) {
            while next < arrivals.count && arrivals[next].1 <= now {
                #expect(jitter.insert(arrivals[next].0, at: arrivals[next].1) == .stored)
                next += 1
            }
            played += jitter.popAll(at: [now])
        }
        #expect(played.filter { $0 != "-" } == (1...8).map { "\($0)" })
        #expect(jitter.buffer.statistics.lost == 0 && jitter.buffer.statistics.late == 0)
    }

    /// Packets reordered before playout starts: playout begins with the earliest.
    @Test func reorderedBeforeTheFirstPop() {
        let jitter = JitterBufferHarness()
        jitter.insert(5, at: 0)
        jitter.insert(4, at: 3)
        jitter.insert(6, at: 20)
        #expect(jitter.popAll(at: [20, 40, 60]) == ["4", "5", "6"])
    }

    @Test func duplicatesAreDroppedAndCounted() {
        let jitter = JitterBufferHarness()
        #expect(jitter.insert(1, at: 0) == .stored)
        #expect(jitter.insert(2, at: 20) == .stored)
        #expect(jitter.insert(2, at: 21) == .duplicate)
        #expect(jitter.popAll(at: [20, 40, 60]) == ["1", "2", "-"])
        // A copy of a packet already played is late.
        #expect(jitter.insert(1, at: 61) == .late)
        #expect(jitter.buffer.statistics.duplicates == 1)
        #expect(jitter.buffer.statistics.played == 2)
    }

    /// A missing packet is given up at its playout time when a later one is here; if it still comes, it is
    /// late. FEC can use the packet after it.
    @Test func lossThenLatePacket() {
        let jitter = JitterBufferHarness()
        jitter.insert(10, at: 0)
        jitter.insert(12, at: 40)
        jitter.insert(13, at: 60)
        #expect(jitter.popAll(at: [20]) == ["10"])
        #expect(jitter.pop(at: 40) == .lost(JitterBuffer.Lost(sequence: 11, timestamp: 11 * 160, duration: 160)))
        #expect(jitter.buffer.peekNext(into: jitter.scratch)?.sequence == 12)
        #expect(jitter.insert(11, at: 45) == .late)
        #expect(jitter.popAll(at: [60, 80, 100]) == ["12", "13", "-"])
        #expect(jitter.buffer.statistics.lost == 1)
        #expect(jitter.buffer.statistics.late == 1)
    }

    /// A burst of losses: each missing packet is reported with the duration the timestamps imply.
    @Test func burstLoss() {
        let jitter = JitterBufferHarness()
        jitter.insert(1, at: 0)
        jitter.insert(5, at: 80)
        let outputs = [20, 40, 60, 80, 100].map { jitter.pop(at: Int64($0)) }
        #expect(outputs.count == 5)
        if case .frame(let first) = outputs[0] { #expect(first.sequence == 1) } else { Issue.record("\(outputs[0])") }
        for (index, output) in outputs[1...3].enumerated() {
            let sequence = UInt16(2 + index)
            let lost = JitterBuffer.Lost(sequence: sequence, timestamp: UInt32(sequence) * 160, duration: 160)
            #expect(output == .lost(lost))
        }
        if case .frame(let last) = outputs[4] { #expect(last.sequence == 5) } else { Issue.record("\(outputs[4])") }
    }

    /// Sequence numbers and timestamps both wrap: nothing is lost, late or resynchronised.
    @Test func wrapAround() {
        let jitter = JitterBufferHarness()
        var played: [String] = []
        for step in 0..<12 {
            let sequence = UInt16(truncatingIfNeeded: 65530 + step)
            let timestamp = UInt32.max - 800 &+ UInt32(step) * 160
            let now = Int64(step) * 20
            #expect(jitter.insert(sequence, timestamp: timestamp, at: now) == .stored)
            played += jitter.popAll(at: [now])
        }
        #expect(played == ["-", "65530", "65531", "65532", "65533", "65534", "65535", "0", "1", "2", "3", "4"])
        let statistics = jitter.buffer.statistics
        #expect(statistics.lost == 0 && statistics.late == 0 && statistics.resyncs == 0)
    }

    /// DTX: no packets for 400 ms, then the stream resumes with the next sequence number and a timestamp
    /// 400 ms on. Not a loss, not a resynchronisation; the first packet after the gap waits the target delay.
    @Test func dtxGapIsNotLoss() {
        let jitter = JitterBufferHarness()
        var played: [(Int64, String)] = []
        for step in 0..<5 {
            let now = Int64(step) * 20
            jitter.insert(UInt16(step), at: now)
            played += jitter.popAll(at: [now]).map { (now, $0) }
        }
        for now in stride(from: Int64(100), to: 500, by: 20) { played += jitter.popAll(at: [now]).map { (now, $0) } }
        // Packet 5 starts 400 ms after packet 4 ended.
        for step in 0..<3 {
            let now = 500 + Int64(step) * 20
            jitter.insert(UInt16(5 + step), timestamp: UInt32(5 + step) * 160 + 3200, at: now)
            played += jitter.popAll(at: [now]).map { (now, $0) }
        }
        played += jitter.popAll(at: [560]).map { (560, $0) }
        let frames = played.filter { $0.1 != "-" }
        #expect(frames.map(\.1) == ["0", "1", "2", "3", "4", "5", "6", "7"])
        #expect(frames.first { $0.1 == "5" }?.0 == 520)
        let statistics = jitter.buffer.statistics
        #expect(statistics.lost == 0 && statistics.late == 0 && statistics.resyncs == 0)
        #expect(statistics.underruns == 1)
    }

    /// A new sequence (another source, a long outage) restarts the buffer once its second packet confirms
    /// it; a single stray packet does not.
    @Test func sequenceJumpResynchronises() {
        let jitter = JitterBufferHarness()
        for step in 0..<3 { jitter.insert(UInt16(100 + step), at: Int64(step) * 20) }
        #expect(jitter.popAll(at: [20, 40]) == ["100", "101"])
        // A stray: the old stream goes on.
        #expect(jitter.insert(30000, timestamp: 777, at: 45) == .resyncPending)
        #expect(jitter.insert(103, at: 60) == .stored)
        #expect(jitter.popAll(at: [60, 80]) == ["102", "103"])
        // A real switch.
        #expect(jitter.insert(40000, timestamp: 5_000_000, at: 100) == .resyncPending)
        #expect(jitter.insert(40001, timestamp: 5_000_160, at: 120) == .resynced)
        #expect(jitter.popAll(at: [120, 140, 160]) == ["40000", "40001", "-"])
        #expect(jitter.lastPayload == [0x9C, 0x41])
        #expect(jitter.buffer.statistics.resyncs == 1)
    }

    /// A timestamp jump while packets keep flowing (the source restarted its clock) resynchronises at once.
    @Test func timestampJumpResynchronises() {
        let jitter = JitterBufferHarness()
        jitter.insert(1, at: 0)
        jitter.insert(2, at: 20)
        #expect(jitter.popAll(at: [20]) == ["1"])
        #expect(jitter.insert(3, timestamp: 123_456_789, at: 40) == .resynced)
        #expect(jitter.popAll(at: [40, 60]) == ["-", "3"])
        #expect(jitter.buffer.statistics.resyncs == 1)
    }

    @Test func oversizedPayloadIsDropped() {
        let jitter = JitterBufferHarness(JitterBuffer.Configuration(clockRate: 8000, maximumPayloadSize: 100))
        #expect(jitter.insert(1, at: 0, payload: [UInt8](repeating: 1, count: 101)) == .tooLarge)
        #expect(jitter.insert(2, at: 0, payload: [UInt8](repeating: 2, count: 100)) == .stored)
        #expect(jitter.popAll(at: [20]) == ["2"])
        #expect(jitter.lastPayload.count == 100)
        #expect(jitter.buffer.statistics.tooLarge == 1)
    }

    /// Jitter up: the target delay rises with the RFC 3550 estimate and packets stop being late; jitter
    /// down: the target and the delay kept come back to the minimum.
    @Test func adaptsToJitterUpAndDown() {
        let jitter = JitterBufferHarness()
        var generator = SeededGenerator(seed: 42)
        // 1000 packets (20 s) with up to 80 ms of extra network delay, then 1500 (30 s) without.
        var arrivals: [(UInt16, Int64)] = []
        for step in 0..<2500 {
            let extra = step < 1000 ? Int64.random(in: 0...80, using: &generator) : 0
            arrivals.append((UInt16(truncatingIfNeeded: step), Int64(step) * 20 + extra))
        }
        arrivals.sort { $0.1 < $1.1 }
        var next = 0
        var lateInSecondHalfOfJitter = 0
        var highestTarget = Duration.zero
        for now in stride(from: Int64(0), to: 50_000, by: 20) {
            while next < arrivals.count && arrivals[next].1 <= now {
                let result = jitter.insert(arrivals[next].0, at: arrivals[next].1)
                if result == .late && now >= 10_000 && now < 20_000 { lateInSecondHalfOfJitter += 1 }
                next += 1
            }
            _ = jitter.pop(at: now)
            if now == 19_980 { highestTarget = jitter.buffer.targetDelay }
        }
        // Uniform 0-80 ms gives a jitter near 27 ms, so a target near 80 ms.
        #expect(highestTarget >= .milliseconds(50), "target \(highestTarget)")
        #expect(lateInSecondHalfOfJitter <= 25, "\(lateInSecondHalfOfJitter) late of 500")
        #expect(jitter.buffer.targetDelay <= .milliseconds(22), "target \(jitter.buffer.targetDelay)")
        #expect(jitter.buffer.currentDelay <= .milliseconds(45), "delay \(jitter.buffer.currentDelay)")
        #expect(jitter.buffer.statistics.delayIncreases > 0)
        #expect(jitter.buffer.statistics.discarded > 0)
    }

    /// Nothing before the first packet; nothing due is never a loss.
    @Test func emptyBuffer() {
        let jitter = JitterBufferHarness()
        #expect(jitter.pop(at: 0) == .notYet)
        #expect(jitter.buffer.peekNext(into: jitter.scratch) == nil)
        jitter.insert(1, at: 0)
        #expect(jitter.popAll(at: [10, 20, 40, 60]) == ["-", "1", "-", "-"])
        #expect(jitter.buffer.statistics.lost == 0)
        jitter.buffer.reset()
        #expect(jitter.pop(at: 100) == .notYet)
        #expect(jitter.insert(500, at: 100) == .stored)
        #expect(jitter.popAll(at: [120]) == ["500"])
    }

    /// A reader that falls behind (its clock slower than the sender's) skips packets rather than letting
    /// the delay grow without bound.
    @Test func slowReaderCatchesUp() {
        let jitter = JitterBufferHarness()
        var played = 0
        var readerTime: Int64 = 0
        for step in 0..<200 {
            jitter.insert(UInt16(step), at: Int64(step) * 20)
            // The reader's 20 ms are 22 ms of the sender's.
            while readerTime <= Int64(step) * 20 {
                if case .frame = jitter.pop(at: readerTime) { played += 1 }
                readerTime += 22
            }
        }
        #expect(jitter.buffer.statistics.discarded > 0)
        #expect(jitter.buffer.bufferedPackets <= 5)
        #expect(played + jitter.buffer.statistics.discarded + jitter.buffer.bufferedPackets == 200)
    }

    /// Random sequence numbers, timestamps, sizes and times never crash it, and every packet is accounted
    /// for exactly once.
    @Test func randomInputIsHandled() {
        let jitter = JitterBufferHarness(JitterBuffer.Configuration(clockRate: 48000, maximumPayloadSize: 200))
        var generator = SeededGenerator(seed: 99)
        var results: [JitterBuffer.InsertResult: Int] = [:]
        var now: Int64 = 0
        var sequence: UInt16 = 65000
        var timestamp: UInt32 = .max - 100_000
        for _ in 0..<20000 {
            now += Int64.random(in: 0...40, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
            case 1: timestamp = UInt32.random(in: 0...UInt32.max, using: &generator)
            case 2, 3: sequence &-= UInt16.random(in: 0...40, using: &generator)
            default: sequence &+= 1
            }
            timestamp &+= 960
            let payload = randomBytes(&generator, maxLength: 250)
            let duration = Bool.random(using: &generator) ? nil : UInt32.random(in: 0...6000, using: &generator)
            let result = jitter.insert(sequence, timestamp: timestamp, at: now, duration: duration, payload: payload)
            results[result, default: 0] += 1
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                if case .frame(let frame) = jitter.pop(at: now) { #expect(frame.length <= 200) }
            }
        }
        let statistics = jitter.buffer.statistics
        #expect(statistics.received == 20000)
        #expect(results[.tooLarge] == statistics.tooLarge && results[.late] == statistics.late)
        #expect(results[.duplicate] == statistics.duplicates)
        #expect(statistics.resyncs > 0 && statistics.played > 1000)
    }
}
