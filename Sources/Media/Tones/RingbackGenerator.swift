/// Ringback tone: one or two frequencies switched on and off by a cadence, produced as PCM at any rate
/// (North American 440 + 480 Hz, 2 s on 4 s off, by default).
///
/// Bursts start at phase zero and their edges ramp over 4 ms, so the tone neither clicks nor drifts; the
/// position in the cadence carries across reads of any size.
public struct RingbackGenerator: AudioSource, Hashable, Sendable {
    /// Frequencies, level and cadence of a ringback tone.
    public struct Pattern: Hashable, Sendable {
        /// One or two frequencies in Hz, sounded together.
        public var frequencies: [Double]
        /// Level of each frequency in dBm0.
        public var level: Double
        /// Alternating on and off durations, starting with on.
        public var cadence: [Duration]

        public init(frequencies: [Double], level: Double, cadence: [Duration]) {
            self.frequencies = frequencies
            self.level = level
            self.cadence = cadence
        }

        /// North America (ANSI T1.401): 440 + 480 Hz at -19 dBm0 each, 2 s on, 4 s off.
        public static let northAmerica = Pattern(
            frequencies: [440, 480], level: -19, cadence: [.seconds(2), .seconds(4)])
        /// Most of Europe (ETSI ES 201 970, CEPT): 425 Hz at -10 dBm0, 1 s on, 4 s off.
        public static let europe = Pattern(frequencies: [425], level: -10, cadence: [.seconds(1), .seconds(4)])
        /// United Kingdom: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
        public static let unitedKingdom = Pattern(
            frequencies: [400, 450], level: -19,
            cadence: [.milliseconds(400), .milliseconds(200), .milliseconds(400), .seconds(2)])
    }

    public let pattern: Pattern
    public let sampleRate: Int
    private var tones: [ToneGenerator]
    /// Segment lengths in samples (on, off, on, ...), and the cycle length.
    private let segments: [Int]
    private let cycle: Int
    private let ramp: Int
    /// Samples since the cycle began.
    public private(set) var position = 0

    /// - Throws: `invalidConfiguration` for no or more than two frequencies, or a cadence without sound.
    public init(pattern: Pattern = .northAmerica, sampleRate: Int) throws(MediaError) {
        guard (1...2).contains(pattern.frequencies.count), sampleRate > 0 else {
            throw MediaError(.invalidConfiguration, "ringback needs one or two frequencies and a sample rate")
        }
        let segments = pattern.cadence.map { Int($0.mediaNanoseconds * Int64(sampleRate) / 1_000_000_000) }
        guard let first = segments.first, first > 0, segments.allSatisfy({ $0 >= 0 }) else {
            throw MediaError(.invalidConfiguration, "ringback cadence must start with a sound")
        }
        self.pattern = pattern
        self.sampleRate = sampleRate
        self.segments = segments
        cycle = segments.reduce(0, +)
        ramp = sampleRate / 250
        let amplitude = ToneGenerator.amplitude(dBm0: pattern.level)
        tones = pattern.frequencies.map { ToneGenerator(frequency: $0, amplitude: amplitude, sampleRate: sampleRate) }
    }

    /// Whether the sample at `position` sounds, how far into its burst, and how long the burst is.
    private func burst(at position: Int) -> (offset: Int, length: Int)? {
        var start = 0
        // Index loop: unspecialised `enumerated()` allocates in debug builds, and this runs per sample.
        for index in 0..<segments.count {
            let length = segments[index]
            if position < start + length { return index % 2 == 0 ? (position - start, length) : nil }
            start += length
        }
        return nil
    }

    public mutating func read(into output: UnsafeMutableBufferPointer<Int16>) {
        for index in output.indices {
            if let (offset, length) = burst(at: position) {
                if offset == 0 {
                    for tone in tones.indices {
                        tones[tone] = ToneGenerator(
                            frequency: tones[tone].frequency, amplitude: tones[tone].amplitude, sampleRate: sampleRate)
                    }
                }
                var sum = 0
                for tone in tones.indices { sum += Int(tones[tone].nextSample()) }
                let edge = min(offset, length - 1 - offset)
                if edge < ramp { sum = sum * edge / ramp }
                output[index] = Int16(clamping: sum)
            } else {
                output[index] = 0
            }
            position += 1
            if position == cycle { position = 0 }
        }
    }
}
