/// Packet loss concealment for waveform codecs (G.711, G.722), in the manner ITU-T G.711 Appendix I
/// describes: on a loss, the last pitch period of the signal is repeated, at full level for 10 ms and then
/// fading to silence at 60 ms; when audio returns it is cross-faded with the continuation, so neither edge
/// clicks.
///
/// Works at any rate. All buffers are allocated in `init`; a concealer belongs to one decoder.
final class PacketLossConcealer {
    let sampleRate: Int
    /// Shortest and longest pitch period searched: 2.5 ms (400 Hz) to 15 ms (67 Hz).
    private let minimumPitch: Int
    private let maximumPitch: Int
    /// The stretch whose match against the past gives the pitch: 10 ms.
    private let correlationWindow: Int
    /// Cross-fade length at both edges: 4 ms.
    let overlap: Int
    /// Concealment stays at full level this long, then fades out linearly until `silentAfter`.
    private let fadeStart: Int
    private let silentAfter: Int

    /// The most recent signal, oldest first.
    private let history: UnsafeMutableBufferPointer<Int16>
    /// One pitch period, smoothed so it repeats without a step at its wrap.
    private let period: UnsafeMutableBufferPointer<Float>
    private var pitch = 0
    private var position = 0
    /// Samples concealed since the loss began; nil while audio flows.
    private var concealed: Int?

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        minimumPitch = sampleRate / 400
        maximumPitch = sampleRate * 15 / 1000
        correlationWindow = sampleRate / 100
        overlap = sampleRate / 250
        fadeStart = sampleRate / 100
        silentAfter = sampleRate * 60 / 1000
        history = .allocate(capacity: maximumPitch + correlationWindow + overlap)
        history.initialize(repeating: 0)
        period = .allocate(capacity: maximumPitch)
        period.initialize(repeating: 0)
    }

    deinit {
        history.deallocate()
        period.deallocate()
    }

    /// Whether the last output was concealment.
    var isConcealing: Bool { concealed != nil }

    /// Takes a frame of decoded audio: cross-fades its start with the concealment if a loss just ended, and
    /// keeps its end as history for the next loss.
    func received(_ frame: UnsafeMutableBufferPointer<Int16>) {
        if concealed != nil {
            let count = min(overlap, frame.count)
            for index in 0..<count {
                let weight = Float(index + 1) / Float(count + 1)
                let mixed = weight * Float(frame[index]) + (1 - weight) * nextConcealedSample()
                frame[index] = Int16(clamping: Int(mixed.rounded()))
            }
            concealed = nil
        }
        remember(UnsafeBufferPointer(frame))
    }

    /// Fills `output` with the continuation of the last signal.
    func conceal(into output: UnsafeMutableBufferPointer<Int16>) {
        if concealed == nil { startConcealment() }
        for index in output.indices {
            output[index] = Int16(clamping: Int(nextConcealedSample().rounded()))
        }
        // The concealment becomes history too, so a loss right after a short recovery continues smoothly.
        remember(UnsafeBufferPointer(output))
    }

    /// Forgets the signal.
    func reset() {
        history.update(repeating: 0)
        concealed = nil
    }

    private func remember(_ samples: UnsafeBufferPointer<Int16>) {
        let capacity = history.count
        guard let base = history.baseAddress, let source = samples.baseAddress else { return }
        if samples.count >= capacity {
            base.update(from: source + (samples.count - capacity), count: capacity)
            return
        }
        let kept = capacity - samples.count
        base.update(from: base + samples.count, count: kept)
        (base + kept).update(from: source, count: samples.count)
    }

    private func nextConcealedSample() -> Float {
        guard let elapsed = concealed else { return 0 }
        let sample = period[position]
        position += 1
        if position == pitch { position = 0 }
        concealed = elapsed + 1
        if elapsed < fadeStart { return sample }
        if elapsed >= silentAfter { return 0 }
        return sample * Float(silentAfter - elapsed) / Float(silentAfter - fadeStart)
    }

    /// Finds the pitch period and prepares one period to repeat.
    private func startConcealment() {
        pitch = findPitch()
        let end = history.count
        // The period is the last `pitch` samples; its last quarter is blended toward the samples just before
        // the period, which are what naturally precedes its first sample, so the repetition has no step.
        let blend = max(1, pitch / 4)
        for index in 0..<pitch { period[index] = Float(history[end - pitch + index]) }
        for index in 0..<blend {
            let weight = Float(index + 1) / Float(blend + 1)
            let target = Float(history[end - pitch - blend + index])
            let slot = pitch - blend + index
            period[slot] = (1 - weight) * period[slot] + weight * target
        }
        position = 0
        concealed = 0
    }

    /// The lag with the highest normalized correlation between the last 10 ms and the signal one lag earlier.
    private func findPitch() -> Int {
        let end = history.count
        let windowStart = end - correlationWindow
        var bestLag = maximumPitch
        var bestScore: Float = 0
        for lag in minimumPitch...maximumPitch {
            var cross: Float = 0
            var energy: Float = 0
            for index in windowStart..<end {
                let past = Float(history[index - lag])
                cross += Float(history[index]) * past
                energy += past * past
            }
            guard energy > 0, cross > 0 else { continue }
            let score = cross * cross / energy
            if score > bestScore {
                bestScore = score
                bestLag = lag
            }
        }
        return bestLag
    }
}
