import CAllocationCounter
import Testing

@testable import Media

/// The per-packet path allocates nothing once set up: every buffer is made in `init`. Counted with a malloc
/// stand-in that counts this thread's allocations (Tests/CAllocationCounter).
@Suite(.enabled(if: jsb_allocation_counting_available() == 1, "needs glibc's allocator entry points"))
struct AllocationTests {
    final class Sink: @unchecked Sendable {
        // Written by one test only, so the optimizer cannot remove the allocation under test.
        var value: [Int] = []
    }

    static let sink = Sink()

    /// Heap allocations made by `body` on this thread.
    func allocations(_ body: () throws -> Void) rethrows -> Int {
        let before = jsb_thread_allocations()
        try body()
        return jsb_thread_allocations() - before
    }

    /// The counter sees allocations, so a zero below means something.
    @Test func counterCountsAllocations() {
        let count = allocations { Self.sink.value = [Int](repeating: 7, count: 100) }
        #expect(count >= 1)
    }

    /// Input packets and arrival times of `frames` packets of `codec`, prepared before measuring.
    func packets(_ codec: AudioCodec, frames: Int) throws -> [TestPacket] {
        let rate = codec.nativeSampleRate
        let tone = ToneAnalysis.sine(frequency: 440, sampleRate: rate, count: rate / 50 * frames)
        return try makePackets(tone, encoder: codec.makeEncoder(sampleRate: rate), ptime: 20)
    }

    /// Receives `packets` (every fifth one late, every 17th lost) and produces a frame every 20 ms.
    func drive(_ transcoder: AudioTranscoder, _ packets: [TestPacket], output: UnsafeMutableRawBufferPointer) throws {
        // An index loop: unspecialised `enumerated()` allocates in debug builds.
        for index in 0..<packets.count where index % 17 != 16 {
            let packet = packets[index]
            let arrival = packet.arrival + (index % 5 == 4 ? 35 : 0)
            _ = try packet.payload.withUnsafeBytes {
                try transcoder.receive(
                    payload: $0, sequence: packet.sequence, timestamp: packet.timestamp, now: .milliseconds(arrival))
            }
            _ = try transcoder.produceFrame(now: .milliseconds(packet.arrival), into: output)
        }
    }

    @Test(arguments: [
        (AudioCodec.opus, AudioCodec.pcmu), (.pcmu, .opus), (.g722, .pcma), (.pcma, .g722), (.opus, .g722),
        (.opus, .opus),
    ])
    func transcoderHotPath(codecs: (AudioCodec, AudioCodec)) throws {
        let transcoder = try AudioTranscoder(configuration: .init(input: codecs.0, output: codecs.1))
        let warmUp = try packets(codecs.0, frames: 100)
        let measured = try packets(codecs.0, frames: 300).map { packet in
            var shifted = packet
            shifted.sequence &+= 100
            shifted.timestamp &+= UInt32(codecs.0.timestampIncrement(ptime: 20)) * 100
            shifted.arrival += 2000
            return shifted
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { output.deallocate() }
        try drive(transcoder, warmUp, output: output)
        let count = try allocations { try drive(transcoder, measured, output: output) }
        #expect(count == 0)
        // The run did work: audio was decoded, lost packets filled in, late ones dropped.
        #expect(transcoder.playout.jitterBuffer.statistics.played > 300)
        #expect(transcoder.playout.jitterBuffer.statistics.lost > 0)
    }

    @Test func sourcesAndConcealment() throws {
        var ringback = try RingbackGenerator(sampleRate: 8000)
        var tone = ToneGenerator(frequency: 1000, amplitude: 0.2, sampleRate: 16000)
        let decoder = try G722Decoder()
        let opus = try OpusDecoder(sampleRate: 8000)
        let pcm = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 320)
        defer { pcm.deallocate() }
        for _ in 0..<10 {
            ringback.read(into: UnsafeMutableBufferPointer(rebasing: pcm[0..<160]))
            tone.read(into: pcm)
            decoder.conceal(into: pcm)
            opus.conceal(into: UnsafeMutableBufferPointer(rebasing: pcm[0..<160]))
        }
        let count = allocations {
            for _ in 0..<500 {
                ringback.read(into: UnsafeMutableBufferPointer(rebasing: pcm[0..<160]))
                tone.read(into: pcm)
                decoder.conceal(into: pcm)
                opus.conceal(into: UnsafeMutableBufferPointer(rebasing: pcm[0..<160]))
            }
        }
        #expect(count == 0)
    }
}
