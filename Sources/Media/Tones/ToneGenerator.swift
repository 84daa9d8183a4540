#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A sine tone at a fixed frequency and amplitude, phase-continuous across reads: ten reads of 160 samples
/// give exactly the samples of one read of 1600.
public struct ToneGenerator: AudioSource, Hashable, Sendable {
    public let frequency: Double
    /// Peak amplitude as a fraction of full scale (0 to 1).
    public let amplitude: Double
    public let sampleRate: Int
    /// The phase of the next sample, in cycles (0 ..< 1).
    public private(set) var phase: Double
    private let increment: Double

    /// - Parameters:
    ///   - amplitude: peak as a fraction of full scale, 0 to 1 (`amplitude(dBm0:)` converts telephone levels).
    ///   - phase: starting phase in cycles.
    public init(frequency: Double, amplitude: Double, sampleRate: Int, phase: Double = 0) {
        self.frequency = frequency
        self.amplitude = min(max(amplitude, 0), 1)
        self.sampleRate = max(1, sampleRate)
        self.phase = phase - phase.rounded(.down)
        increment = frequency / Double(self.sampleRate)
    }

    /// The peak amplitude (fraction of full scale) of a sine at `level` dBm0. A full-scale sine is +3.14 dBm0
    /// (ITU-T G.711: the digital milliwatt is 3.14 dB below the overload point).
    public static func amplitude(dBm0 level: Double) -> Double {
        min(1, pow10(level - 3.14))
    }

    /// 10^(decibels / 20), without Foundation.
    static func pow10(_ decibels: Double) -> Double {
        // exp(x ln 10 / 20)
        exp(decibels * 0.115_129_254_649_702_28)
    }

    public mutating func read(into output: UnsafeMutableBufferPointer<Int16>) {
        for index in output.indices { output[index] = nextSample() }
    }

    /// Adds the tone to what `output` holds, saturating (for dual tones).
    public mutating func mix(into output: UnsafeMutableBufferPointer<Int16>) {
        for index in output.indices {
            output[index] = Int16(clamping: Int(output[index]) + Int(nextSample()))
        }
    }

    @inline(__always) mutating func nextSample() -> Int16 {
        let value = amplitude * 32767 * sin(2 * Double.pi * phase)
        phase += increment
        if phase >= 1 { phase -= 1 }
        return Int16(value.rounded())
    }
}
