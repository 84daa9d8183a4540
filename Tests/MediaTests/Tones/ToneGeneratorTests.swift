import Foundation
import Testing

@testable import Media

@Suite struct ToneGeneratorTests {
    func read(_ source: inout some AudioSource, count: Int) -> [Int16] {
        var samples = [Int16](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { source.read(into: $0) }
        return samples
    }

    /// Frames of any size join into the same signal as one long read: the phase carries over.
    @Test(arguments: [1, 7, 160, 441])
    func phaseContinuity(frameSize: Int) {
        var whole = ToneGenerator(frequency: 1234.5, amplitude: 0.5, sampleRate: 8000)
        var pieces = whole
        let reference = read(&whole, count: 4410)
        var joined: [Int16] = []
        while joined.count < reference.count {
            joined += read(&pieces, count: min(frameSize, reference.count - joined.count))
        }
        #expect(joined == reference)
        // And the samples are the sine itself, not merely self-consistent.
        for index in [0, 1, 100, 4409] {
            let expected = 0.5 * 32767 * sin(2 * Double.pi * 1234.5 * Double(index) / 8000)
            #expect(abs(Double(reference[index]) - expected) <= 1, "sample \(index)")
        }
    }

    @Test func frequencyAndLevel() {
        var tone = ToneGenerator(frequency: 1000, amplitude: ToneGenerator.amplitude(dBm0: 0), sampleRate: 16000)
        let samples = read(&tone, count: 16000)
        #expect(abs(ToneAnalysis.dominantFrequency(samples[...], sampleRate: 16000, range: 50...7950) - 1000) < 1)
        // 0 dBm0 is 3.14 dB below a full-scale sine: a peak of about 22670, RMS about 16030.
        #expect(abs(Double(samples.max()!) - 32767 * pow(10, -3.14 / 20)) < 2)
        #expect(abs(ToneAnalysis.rms(samples[...]) - 32767 * pow(10, -3.14 / 20) / 2.0.squareRoot()) < 20)
        #expect(ToneGenerator(frequency: 1, amplitude: 3, sampleRate: 8000).amplitude == 1)
    }

    @Test func silence() {
        var source = SilenceSource(sampleRate: 8000)
        var samples = [Int16](repeating: 99, count: 160)
        samples.withUnsafeMutableBufferPointer { source.read(into: $0) }
        #expect(samples.allSatisfy { $0 == 0 })
    }

    /// North American ringback: 440 + 480 Hz for 2 s, then 4 s of silence, repeating, in frames of 20 ms.
    @Test func northAmericanRingbackCadence() throws {
        var ringback = try RingbackGenerator(sampleRate: 8000)
        var samples: [Int16] = []
        for _ in 0..<(13 * 50) { samples += read(&ringback, count: 160) }
        func level(_ from: Double, _ to: Double) -> Double {
            ToneAnalysis.rms(samples[Int(from * 8000)..<Int(to * 8000)])
        }
        #expect(level(0.1, 1.9) > 500)
        #expect(level(2.01, 5.99) == 0)
        #expect(level(6.1, 7.9) > 500)
        #expect(level(8.01, 11.99) == 0)
        #expect(level(12.1, 12.9) > 500)
        let burst = samples[800..<15200]
        let power440 = ToneAnalysis.goertzelPower(burst, frequency: 440, sampleRate: 8000)
        let power480 = ToneAnalysis.goertzelPower(burst, frequency: 480, sampleRate: 8000)
        let power460 = ToneAnalysis.goertzelPower(burst, frequency: 460, sampleRate: 8000)
        #expect(power440 > 100 * power460 && power480 > 100 * power460)
        #expect(abs(power440 / power480 - 1) < 0.1)
        // Edges ramp in: no click at the start of a burst.
        #expect(abs(Int(samples[0])) < 50 && abs(Int(samples[48_000])) < 50)
    }

    @Test func ringbackPatterns() throws {
        var uk = try RingbackGenerator(pattern: .unitedKingdom, sampleRate: 8000)
        let samples = read(&uk, count: 8000 * 3)
        #expect(ToneAnalysis.rms(samples[400..<2800]) > 300)
        #expect(ToneAnalysis.rms(samples[3300..<4500]) == 0)
        #expect(ToneAnalysis.rms(samples[4900..<7900]) > 300)
        #expect(ToneAnalysis.rms(samples[8100..<23_900]) == 0)
        #expect(throws: MediaError(.invalidConfiguration, "")) {
            try RingbackGenerator(pattern: .init(frequencies: [], level: -10, cadence: [.seconds(1)]), sampleRate: 8000)
        }
        #expect(throws: MediaError(.invalidConfiguration, "")) {
            try RingbackGenerator(pattern: .init(frequencies: [425], level: -10, cadence: []), sampleRate: 8000)
        }
    }
}
