import Testing

@testable import Media

/// G.711 Appendix I style concealment in the G.711 and G.722 decoders.
@Suite struct PacketLossConcealmentTests {
    /// After a voiced signal, concealment repeats its pitch: the tone goes on at its frequency, at full
    /// level for 10 ms, then fades to silence by 60 ms.
    @Test(arguments: [(AudioCodec.pcmu, 200.0), (.pcma, 310.0), (.g722, 250.0)])
    func continuesThePitchThenFades(test: (AudioCodec, Double)) throws {
        let (codec, frequency) = test
        let rate = codec.nativeSampleRate
        let encoder = try codec.makeEncoder(sampleRate: rate)
        let decoder = try codec.makeDecoder(sampleRate: rate)
        let tone = ToneAnalysis.sine(frequency: frequency, sampleRate: rate, count: rate / 5)
        let decoded = try roundTrip(tone, encoder: encoder, decoder: decoder, frameSamples: rate / 50)
        var concealed = [Int16](repeating: 0, count: rate * 80 / 1000)
        concealed.withUnsafeMutableBufferPointer { decoder.conceal(into: $0) }
        let tenMilliseconds = rate / 100
        let first = concealed[0..<tenMilliseconds]
        #expect(ToneAnalysis.rms(first) > 0.8 * ToneAnalysis.rms(decoded[(decoded.count - tenMilliseconds)...]))
        // Joined to the decoded audio, the first 10 ms continue the sine cleanly.
        let joined = decoded[(decoded.count - rate / 20)...] + first
        let measured = ToneAnalysis.dominantFrequency(joined, sampleRate: rate, range: 100...1000)
        #expect(abs(measured - frequency) < frequency * 0.02, "measured \(measured)")
        #expect(ToneAnalysis.signalToNoise(joined, frequency: measured, sampleRate: rate) > 15)
        // Fading: 30-40 ms is weaker than 0-10 ms; after 60 ms, silence.
        #expect(
            ToneAnalysis.rms(concealed[(3 * tenMilliseconds)..<(4 * tenMilliseconds)]) < 0.7 * ToneAnalysis.rms(first))
        #expect(concealed[(6 * tenMilliseconds)...].allSatisfy { $0 == 0 })
    }

    /// When audio returns, its first 4 ms are cross-faded with the concealment: no step at the join.
    @Test func audioReturnsWithoutAStep() throws {
        let encoder = try G711Encoder(codec: .pcmu)
        let decoder = try G711Decoder(codec: .pcmu)
        let tone = ToneAnalysis.sine(frequency: 250, amplitude: 0.5, sampleRate: 8000, count: 2400)
        _ = try roundTrip(Array(tone[0..<1600]), encoder: encoder, decoder: decoder, frameSamples: 160)
        var concealed = [Int16](repeating: 0, count: 160)
        concealed.withUnsafeMutableBufferPointer { decoder.conceal(into: $0) }
        // The signal returns in antiphase: the worst case for a hard switch.
        let inverted = tone[1760..<1920].map { -$0 }
        let back = try roundTrip(inverted, encoder: encoder, decoder: decoder, frameSamples: 160)
        let step = abs(Int(back[0]) - Int(concealed[159]))
        #expect(step < 3000, "step \(step)")
        // Past the cross-fade, the decoded audio is untouched.
        #expect(abs(Int(back[100]) - Int(inverted[100])) < 600)
    }
}
