import Foundation
import Testing

@testable import Media

/// Each codec, encoded and decoded frame by frame, keeps a tone's frequency (within 1 %) and a
/// signal-to-noise ratio of at least 20 dB.
@Suite struct CodecRoundTripTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var codec: AudioCodec
        var sampleRate: Int
        var frequency: Double
        var testDescription: String { "\(codec) at \(sampleRate) Hz, \(Int(frequency)) Hz tone" }
    }

    static let cases: [Case] = [
        Case(codec: .pcmu, sampleRate: 8000, frequency: 1000),
        Case(codec: .pcmu, sampleRate: 8000, frequency: 3100),
        Case(codec: .pcma, sampleRate: 8000, frequency: 1000),
        Case(codec: .pcma, sampleRate: 8000, frequency: 300),
        Case(codec: .g722, sampleRate: 16000, frequency: 1000),
        // Above 4 kHz: only G.722's upper sub-band carries it.
        Case(codec: .g722, sampleRate: 16000, frequency: 5500),
        Case(codec: .opus, sampleRate: 8000, frequency: 1000),
        Case(codec: .opus, sampleRate: 8000, frequency: 300),
        Case(codec: .opus, sampleRate: 12000, frequency: 1000),
        Case(codec: .opus, sampleRate: 16000, frequency: 1000),
        Case(codec: .opus, sampleRate: 16000, frequency: 3000),
        Case(codec: .opus, sampleRate: 24000, frequency: 2000),
        Case(codec: .opus, sampleRate: 48000, frequency: 1000),
        Case(codec: .opus, sampleRate: 48000, frequency: 3000),
    ]

    @Test(arguments: cases)
    func toneSurvives(_ test: Case) throws {
        let encoder = try test.codec.makeEncoder(sampleRate: test.sampleRate)
        let decoder = try test.codec.makeDecoder(sampleRate: test.sampleRate)
        #expect(encoder.sampleRate == test.sampleRate && decoder.sampleRate == test.sampleRate)
        let frame = test.sampleRate / 50
        let input = ToneAnalysis.sine(frequency: test.frequency, sampleRate: test.sampleRate, count: frame * 50)
        let output = try roundTrip(input, encoder: encoder, decoder: decoder, frameSamples: frame)
        #expect(output.count == input.count)
        // Skip the first 200 ms: codec start-up and look-ahead.
        let settled = output[(frame * 10)...]
        let measured = ToneAnalysis.dominantFrequency(
            settled, sampleRate: test.sampleRate, range: 50...(Double(test.sampleRate) / 2 - 50))
        #expect(abs(measured - test.frequency) <= test.frequency * 0.01, "measured \(measured) Hz")
        let snr = ToneAnalysis.signalToNoise(settled, frequency: measured, sampleRate: test.sampleRate)
        #expect(snr >= 20, "SNR \(snr) dB")
    }

    /// A decoder given nothing but noise must not produce the tone: the checks above can fail.
    @Test func analysisRejectsTheWrongSignal() {
        var generator = SeededGenerator(seed: 7)
        let noise = (0..<8000).map { _ in Int16.random(in: -8000...8000, using: &generator) }
        let snr = ToneAnalysis.signalToNoise(noise[...], frequency: 1000, sampleRate: 8000)
        #expect(snr < 0)
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: 8000, count: 8000)
        #expect(abs(ToneAnalysis.dominantFrequency(tone[...], sampleRate: 8000, range: 50...3950) - 1000) < 1)
        #expect(ToneAnalysis.signalToNoise(tone[...], frequency: 1010, sampleRate: 8000) < 20)
    }

    /// G.722 codes 160 octets per 20 ms (64 kbit/s) from 320 samples, and decodes them back to 320.
    @Test func g722Sizes() throws {
        let encoder = try G722Encoder()
        let decoder = try G722Decoder()
        let input = ToneAnalysis.sine(frequency: 1000, sampleRate: 16000, count: 320)
        var payload = [UInt8](repeating: 0, count: 400)
        let length = try input.withUnsafeBufferPointer { pcm in
            try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
        }
        #expect(length == AudioCodec.g722.payloadSize(ptime: 20))
        #expect(
            try payload.withUnsafeBytes { try decoder.duration(of: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
                == 160)
        var output = [Int16](repeating: 0, count: 320)
        let count = try payload.withUnsafeBytes { raw in
            try output.withUnsafeMutableBufferPointer {
                try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]), into: $0)
            }
        }
        #expect(count == 320)
        #expect(throws: MediaError(.invalidAudio, "")) {
            try input[0..<3].withUnsafeBufferPointer { pcm in
                try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
            }
        }
    }

    /// Opus: frame sizes outside RFC 6716's list and malformed packets are errors, not crashes.
    @Test func opusRejectsBadInput() throws {
        let encoder = try OpusEncoder(sampleRate: 8000)
        let decoder = try OpusDecoder(sampleRate: 8000)
        var payload = [UInt8](repeating: 0, count: 1500)
        let odd = [Int16](repeating: 0, count: 150)
        #expect(throws: MediaError(.invalidAudio, "")) {
            try odd.withUnsafeBufferPointer { pcm in
                try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
            }
        }
        #expect(throws: MediaError(.invalidAudio, "")) {
            try decoder.duration(of: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        // Code 3 (arbitrary frame count) with a count of zero frames is invalid (RFC 6716 section 3.2.5, R5).
        let invalid: [UInt8] = [0x03, 0x00]
        #expect(throws: MediaError(.invalidAudio, "")) { try invalid.withUnsafeBytes { try decoder.duration(of: $0) } }
        var generator = SeededGenerator(seed: 11)
        var pcm = [Int16](repeating: 0, count: 5760)
        for _ in 0..<500 {
            let garbage = randomBytes(&generator, maxLength: 200)
            _ = try? garbage.withUnsafeBytes { raw in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) }
            }
        }
        #expect(throws: MediaError(.invalidConfiguration, "")) { try OpusEncoder(sampleRate: 44100) }
        #expect(throws: MediaError(.invalidConfiguration, "")) { try OpusDecoder(sampleRate: 11025) }
    }

    /// Opus DTX: silence is not sent (the encoder returns 0), speech is.
    @Test func opusDiscontinuousTransmission() throws {
        let configuration = OpusEncoder.Configuration(discontinuousTransmission: true)
        let encoder = try OpusEncoder(sampleRate: 16000, configuration: configuration)
        var payload = [UInt8](repeating: 0, count: 1500)
        let silence = [Int16](repeating: 0, count: 320)
        var lengths: [Int] = []
        for _ in 0..<50 {
            lengths.append(
                try silence.withUnsafeBufferPointer { pcm in
                    try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
                })
        }
        #expect(lengths.suffix(20).contains(0))
        let tone = ToneAnalysis.sine(frequency: 500, sampleRate: 16000, count: 320)
        let length = try tone.withUnsafeBufferPointer { pcm in
            try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
        }
        #expect(length > 2)
    }

    /// The speexdsp resampler between 8 and 16 kHz keeps a tone, frame after frame, with exact sizes.
    @Test(arguments: [(8000, 16000), (16000, 8000)])
    func resamplerKeepsTone(rates: (Int, Int)) throws {
        let resampler = try AudioResampler(inputRate: rates.0, outputRate: rates.1)
        let input = ToneAnalysis.sine(frequency: 1000, sampleRate: rates.0, count: rates.0)
        var output: [Int16] = []
        var frame = [Int16](repeating: 0, count: rates.1 / 50)
        for start in stride(from: 0, to: input.count, by: rates.0 / 50) {
            let written = input[start..<(start + rates.0 / 50)].withUnsafeBufferPointer { pcm in
                frame.withUnsafeMutableBufferPointer { resampler.process(pcm, into: $0) }
            }
            #expect(written == rates.1 / 50)
            output += frame
        }
        let settled = output[(rates.1 / 10)...]
        let measured = ToneAnalysis.dominantFrequency(settled, sampleRate: rates.1, range: 50...3900)
        #expect(abs(measured - 1000) <= 10)
        #expect(ToneAnalysis.signalToNoise(settled, frequency: measured, sampleRate: rates.1) >= 30)
    }
}
