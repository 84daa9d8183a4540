/// The receiving half of a transcoder: a jitter buffer and a decoder that together turn RTP payloads into a
/// continuous PCM stream, read in frames of any size.
///
/// Sans-IO: `receive` takes each payload with its arrival time; `read(into:now:)` fills a frame with the
/// audio that plays from `now` on. Packet durations and frame sizes need not match (10 ms packets read as
/// 20 ms frames, 60 ms packets as three), so decoded audio waits in a sample queue between the two. Gaps are
/// never left empty: a lost packet is rebuilt from FEC (Opus) or concealed, and when nothing arrives at all
/// (DTX, hold, loss) the frame is concealment for up to `concealmentLimit`, then silence.
///
/// Every buffer is allocated in `init`; `receive` and `read` allocate nothing. Not `Sendable`: it belongs to
/// its call's event loop.
public final class AudioPlayout {
    /// Counters since creation (the jitter buffer keeps its own).
    public struct Statistics: Hashable, Sendable {
        /// Payloads the decoder rejected (counted at `receive`, or at decode time), concealed instead.
        public var invalidPayloads = 0
        /// Lost packets decoded from the next packet's FEC data.
        public var recovered = 0
        /// Samples of concealment and of silence produced while playing.
        public var concealedSamples = 0
        public var silentSamples = 0

        public init() {}
    }

    public let decoder: any AudioDecoder
    /// Rate of the PCM `read` gives: the decoder's.
    public var sampleRate: Int { decoder.sampleRate }
    /// How long concealment continues when audio stops before the output turns to silence.
    public let concealmentLimit: Duration
    public private(set) var jitterBuffer: JitterBuffer
    public private(set) var statistics = Statistics()

    private let clockRate: Int
    private let packet: UnsafeMutableRawBufferPointer
    private let nextPacket: UnsafeMutableRawBufferPointer
    /// Decoded samples not yet read, from index 0.
    private let queue: UnsafeMutableBufferPointer<Int16>
    private var queued = 0
    private let concealmentLimitSamples: Int
    private var concealedSinceAudio = 0
    private var hasDecoded = false

    /// - Parameters:
    ///   - jitterBuffer: delays and sizes; its clock rate is set to the decoder's codec's.
    public init(
        decoder: any AudioDecoder, jitterBuffer: JitterBuffer.Configuration? = nil,
        concealmentLimit: Duration = .milliseconds(100)
    ) {
        self.decoder = decoder
        clockRate = decoder.codec.rtpClockRate
        var configuration = jitterBuffer ?? JitterBuffer.Configuration(clockRate: clockRate)
        configuration.clockRate = clockRate
        self.jitterBuffer = JitterBuffer(configuration: configuration)
        self.concealmentLimit = concealmentLimit
        concealmentLimitSamples = Int(concealmentLimit.mediaNanoseconds * Int64(decoder.sampleRate) / 1_000_000_000)
        packet = .allocate(byteCount: configuration.maximumPayloadSize, alignment: 16)
        nextPacket = .allocate(byteCount: configuration.maximumPayloadSize, alignment: 16)
        // The longest packet (120 ms of Opus; a full slot of G.722 is 1500 × 2 samples) plus a 60 ms frame.
        let longest = max(decoder.sampleRate * 120 / 1000, configuration.maximumPayloadSize * 2)
        queue = .allocate(capacity: longest + decoder.sampleRate * 60 / 1000)
        queue.initialize(repeating: 0)
    }

    deinit {
        packet.deallocate()
        nextPacket.deallocate()
        queue.deallocate()
    }

    /// Takes one received RTP payload. A payload the decoder cannot read throws `invalidAudio` and is dropped.
    @discardableResult
    public func receive(
        payload: UnsafeRawBufferPointer, sequence: UInt16, timestamp: UInt32, marker: Bool = false, now: MediaTime
    ) throws(MediaError) -> JitterBuffer.InsertResult {
        let duration: Int
        do {
            duration = try decoder.duration(of: payload)
        } catch {
            statistics.invalidPayloads += 1
            throw error
        }
        return jitterBuffer.insert(
            sequence: sequence, timestamp: timestamp, payload: payload, arrival: now, marker: marker,
            duration: UInt32(duration))
    }

    /// Fills all of `output` with the audio that plays from `now` on, at `sampleRate`.
    public func read(into output: UnsafeMutableBufferPointer<Int16>, now: MediaTime) -> AudioFrameContent {
        var content: AudioFrameContent = []
        var filled = 0
        while filled < output.count {
            if queued > 0 {
                let count = min(queued, output.count - filled)
                (output.baseAddress! + filled).update(from: queue.baseAddress!, count: count)
                queue.baseAddress!.update(from: queue.baseAddress! + count, count: queued - count)
                queued -= count
                filled += count
                continue
            }
            let instant = now + .nanoseconds(Int64(filled) * 1_000_000_000 / Int64(sampleRate))
            switch jitterBuffer.pop(now: instant, into: packet) {
            case .frame(let frame):
                content.formUnion(decode(frame))
            case .lost(let lost):
                content.formUnion(fillLoss(samples(ticks: lost.duration)))
            case .notYet:
                let rest = UnsafeMutableBufferPointer(rebasing: output[filled...])
                content.formUnion(fillGap(rest))
                filled = output.count
            }
        }
        return content
    }

    private func decode(_ frame: JitterBuffer.Frame) -> AudioFrameContent {
        let payload = UnsafeRawBufferPointer(rebasing: packet[0..<frame.length])
        do {
            queued = try decoder.decode(payload, into: queue)
            hasDecoded = true
            concealedSinceAudio = 0
            return .decoded
        } catch {
            statistics.invalidPayloads += 1
            return fillLoss(samples(ticks: frame.duration))
        }
    }

    /// A packet known lost: FEC from the next packet if it is here, else concealment (or silence).
    private func fillLoss(_ count: Int) -> AudioFrameContent {
        let count = min(count, queue.count)
        let target = UnsafeMutableBufferPointer(rebasing: queue[0..<count])
        queued = count
        if hasDecoded, let next = jitterBuffer.peekNext(into: nextPacket),
            decoder.recover(from: UnsafeRawBufferPointer(rebasing: nextPacket[0..<next.length]), into: target)
        {
            statistics.recovered += 1
            concealedSinceAudio = 0
            return .recovered
        }
        return fillGap(target)
    }

    /// Nothing to decode: concealment while it is worth it, then silence.
    private func fillGap(_ target: UnsafeMutableBufferPointer<Int16>) -> AudioFrameContent {
        if hasDecoded && concealedSinceAudio < concealmentLimitSamples {
            decoder.conceal(into: target)
            concealedSinceAudio += target.count
            statistics.concealedSamples += target.count
            return .concealed
        }
        target.update(repeating: 0)
        statistics.silentSamples += target.count
        return .silence
    }

    @inline(__always) private func samples(ticks: UInt32) -> Int {
        Int(Int64(ticks) * Int64(sampleRate) / Int64(clockRate))
    }
}
