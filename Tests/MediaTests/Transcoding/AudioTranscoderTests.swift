import Foundation
import Testing

@testable import Media

@Suite struct AudioTranscoderTests {
    /// Timestamps of the produced frames go up by exactly one packet each.
    func expectContinuousTimestamps(_ frames: [EncodedAudioFrame], increment: UInt32, first: UInt32) {
        for (index, frame) in frames.enumerated() {
            #expect(frame.timestamp == first &+ UInt32(index) &* increment, "frame \(index)")
            #expect(frame.duration == increment)
        }
    }

    func expectTone(_ pcm: [Int16], frequency: Double, sampleRate: Int, skip: Int, minimumSNR: Double = 20) {
        let settled = pcm[min(skip, pcm.count)...]
        let measured = ToneAnalysis.dominantFrequency(settled, sampleRate: sampleRate, range: 50...3900)
        #expect(abs(measured - frequency) <= frequency * 0.01, "measured \(measured) Hz")
        let snr = ToneAnalysis.signalToNoise(settled, frequency: measured, sampleRate: sampleRate)
        #expect(snr >= minimumSNR, "SNR \(snr) dB")
    }

    /// 10 ms PCMU packets in, 20 ms PCMU packets out: two input packets per output packet, and the tone
    /// comes through without a seam.
    @Test func tenMillisecondsInTwentyOut() throws {
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: 8000, count: 8000)
        let packets = try makePackets(tone, encoder: G711Encoder(codec: .pcmu), ptime: 10)
        let harness = try TranscoderHarness(.init(input: .pcmu, output: .pcmu, initialTimestamp: 4242))
        try harness.run(packets, until: 1000)
        let frames = harness.frames.compactMap(\.frame)
        #expect(frames.count == 50)
        #expect(harness.frames.allSatisfy { $0.payload.count == 160 })
        expectContinuousTimestamps(frames, increment: 160, first: 4242)
        #expect(frames[0].marker && !frames[1].marker)
        #expect(frames[0].content == [.silence])
        #expect(frames[2...48].allSatisfy { $0.content == [.decoded] })
        expectTone(
            try harness.decodedOutput(sampleRate: 8000), frequency: 1000, sampleRate: 8000, skip: 800, minimumSNR: 30)
    }

    /// 60 ms Opus packets (a client at 48 kHz) in, 20 ms PCMU out: Opus is decoded straight to 8 kHz and
    /// each packet feeds three output packets.
    @Test func sixtyMillisecondsOpusInTwentyPCMUOut() throws {
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: 48000, count: 48000 * 2)
        let packets = try makePackets(tone, encoder: OpusEncoder(sampleRate: 48000), ptime: 60)
        let harness = try TranscoderHarness(.init(input: .opus, output: .pcmu, initialTimestamp: UInt32.max - 1000))
        #expect(harness.transcoder.playout.sampleRate == 8000)
        try harness.run(packets, until: 2000)
        let frames = harness.frames.compactMap(\.frame)
        #expect(frames.count == 100)
        // Timestamps wrap past 2^32 without a step.
        expectContinuousTimestamps(frames, increment: 160, first: UInt32.max - 1000)
        #expect(harness.transcoder.playout.jitterBuffer.statistics.lost == 0)
        expectTone(try harness.decodedOutput(sampleRate: 8000), frequency: 1000, sampleRate: 8000, skip: 2400)
    }

    /// PCMU in, Opus out fed at 8 kHz: the RTP timestamp still advances 960 per 20 ms.
    @Test func pcmuToOpusAtEightKilohertz() throws {
        let tone = ToneAnalysis.sine(frequency: 700, sampleRate: 8000, count: 8000)
        let packets = try makePackets(tone, encoder: G711Encoder(codec: .pcmu), ptime: 20)
        let harness = try TranscoderHarness(.init(input: .pcmu, output: .opus, initialTimestamp: 1))
        #expect(harness.transcoder.sampleRate == 8000)
        try harness.run(packets, until: 1000)
        let frames = harness.frames.compactMap(\.frame)
        #expect(frames.count == 50)
        expectContinuousTimestamps(frames, increment: 960, first: 1)
        expectTone(try harness.decodedOutput(sampleRate: 8000), frequency: 700, sampleRate: 8000, skip: 1600)
    }

    /// 20 ms in, 60 ms out: three input packets per output packet.
    @Test func twentyMillisecondsInSixtyOut() throws {
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: 16000, count: 32000)
        let packets = try makePackets(tone, encoder: G722Encoder(), ptime: 20)
        let harness = try TranscoderHarness(.init(input: .g722, output: .g722, outputPtime: 60))
        try harness.run(packets, until: 2000)
        let frames = harness.frames.compactMap(\.frame)
        #expect(frames.count == 34)
        #expect(harness.frames.allSatisfy { $0.payload.count == 480 })
        expectContinuousTimestamps(frames, increment: 480, first: 0)
        expectTone(try harness.decodedOutput(sampleRate: 16000), frequency: 1000, sampleRate: 16000, skip: 3200)
    }

    /// 30 ms PCMA in, 20 ms out: packets and frames straddle each other.
    @Test func thirtyMillisecondsInTwentyOut() throws {
        let tone = ToneAnalysis.sine(frequency: 440, sampleRate: 8000, count: 8000)
        let packets = try makePackets(tone, encoder: G711Encoder(codec: .pcma), ptime: 30)
        let harness = try TranscoderHarness(.init(input: .pcma, output: .pcmu))
        try harness.run(packets, until: 1000)
        #expect(harness.transcoder.playout.statistics.concealedSamples == 0)
        expectTone(
            try harness.decodedOutput(sampleRate: 8000), frequency: 440, sampleRate: 8000, skip: 800, minimumSNR: 30)
    }

    /// When input stops the output goes on: concealment for the configured limit, then silence, every 20 ms.
    @Test func concealmentThenSilenceWhenInputStops() throws {
        let tone = ToneAnalysis.sine(frequency: 500, sampleRate: 8000, count: 4000)
        let packets = try makePackets(tone, encoder: G711Encoder(codec: .pcmu), ptime: 20)
        let harness = try TranscoderHarness(.init(input: .pcmu, output: .pcmu, concealmentLimit: .milliseconds(60)))
        try harness.run(packets, until: 3000)
        #expect(harness.frames.count == 150)
        #expect(harness.frames.allSatisfy { $0.frame != nil && $0.payload.count == 160 })
        let contents = harness.frames.map { $0.frame!.content }
        // The last packet (sent at 480 ms) plays at 500 ms; from 520 ms nothing is left.
        let firstGap = contents.firstIndex { !$0.contains(.decoded) && $0 != [.silence] }!
        #expect(firstGap == 26)
        #expect(contents[26..<29].allSatisfy { $0 == [.concealed] })
        #expect(contents[29...].allSatisfy { $0 == [.silence] })
        let concealed = harness.frames[26].payload.map { G711.muLawDecode($0) }
        #expect(ToneAnalysis.rms(concealed[...]) > 1000)
        // Silence is digital silence: μ-law 0xFF.
        #expect(harness.frames[40].payload.allSatisfy { $0 == 0xFF })
        expectContinuousTimestamps(harness.frames.map { $0.frame! }, increment: 160, first: 0)
    }

    /// The stream comes back after silence: decoded audio again, no loss counted.
    @Test func resumesAfterHold() throws {
        let tone = ToneAnalysis.sine(frequency: 500, sampleRate: 8000, count: 4000)
        let encoder = try G711Encoder(codec: .pcmu)
        var packets = try makePackets(tone, encoder: encoder, ptime: 20)
        // Hold for 2 s, then the same sender resumes: next sequence number, timestamp 2.5 s on.
        packets += try makePackets(
            tone, encoder: encoder, ptime: 20, firstSequence: 1025, firstTimestamp: 90_000 + 20_000, start: 2500)
        let harness = try TranscoderHarness(.init(input: .pcmu, output: .pcmu))
        try harness.run(packets, until: 3200)
        let contents = harness.frames.map { $0.frame!.content }
        #expect(contents[100] == [.silence])
        #expect(contents[128...150].allSatisfy { $0 == [.decoded] })
        let statistics = harness.transcoder.playout.jitterBuffer.statistics
        #expect(statistics.lost == 0 && statistics.resyncs == 0 && statistics.late == 0)
    }

    /// A lost Opus packet is rebuilt from the FEC data of the packet after it.
    @Test func opusLossUsesTheNextPacketsFEC() throws {
        let tone = ToneAnalysis.sine(frequency: 600, sampleRate: 16000, count: 16000)
        let configuration = OpusEncoder.Configuration(inbandFEC: true, expectedPacketLoss: 20)
        var packets = try makePackets(
            tone, encoder: OpusEncoder(sampleRate: 16000, configuration: configuration), ptime: 20)
        // Packet 20 never arrives; packet 21 is here when 20 is due, so its FEC data can stand in.
        packets.remove(at: 20)
        let harness = try TranscoderHarness(.init(input: .opus, output: .g722))
        try harness.run(packets, until: 1000)
        #expect(harness.transcoder.playout.statistics.recovered == 1)
        #expect(harness.transcoder.playout.jitterBuffer.statistics.lost == 1)
        #expect(harness.frames.contains { $0.frame?.content.contains(.recovered) == true })
        let decoded = try harness.decodedOutput(sampleRate: 16000)
        expectTone(decoded, frequency: 600, sampleRate: 16000, skip: 3200, minimumSNR: 15)
    }

    /// G.711 to G.722 and back: the one path with a resampler.
    @Test(arguments: [(AudioCodec.pcmu, AudioCodec.g722), (.g722, .pcma)])
    func resamplingPath(codecs: (AudioCodec, AudioCodec)) throws {
        let (input, output) = codecs
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: input.nativeSampleRate, count: input.nativeSampleRate)
        let packets = try makePackets(tone, encoder: input.makeEncoder(sampleRate: input.nativeSampleRate), ptime: 20)
        let harness = try TranscoderHarness(.init(input: input, output: output))
        try harness.run(packets, until: 1000)
        let frames = harness.frames.compactMap(\.frame)
        #expect(harness.frames.allSatisfy { $0.payload.count == 160 })
        expectContinuousTimestamps(frames, increment: 160, first: 0)
        expectTone(
            try harness.decodedOutput(sampleRate: output.nativeSampleRate), frequency: 1000,
            sampleRate: output.nativeSampleRate, skip: output.nativeSampleRate / 10)
    }

    /// An echo is a transcoder from a codec to itself: Opus at 48 kHz in, the same audio back.
    @Test func echoIsATranscoderToTheSameCodec() throws {
        let tone = ToneAnalysis.sine(frequency: 1000, sampleRate: 48000, count: 48000)
        let packets = try makePackets(tone, encoder: OpusEncoder(sampleRate: 48000), ptime: 20)
        let harness = try TranscoderHarness(.init(input: .opus, output: .opus))
        #expect(harness.transcoder.sampleRate == 48000)
        try harness.run(packets, until: 1000)
        expectContinuousTimestamps(harness.frames.compactMap(\.frame), increment: 960, first: 0)
        expectTone(try harness.decodedOutput(sampleRate: 48000), frequency: 1000, sampleRate: 48000, skip: 9600)
    }

    /// With DTX on toward Opus, silence is not sent (nil) but its time passes; the next talk spurt is marked.
    @Test func opusDTXOutput() throws {
        var pcm = [Int16](repeating: 0, count: 8000)
        pcm += ToneAnalysis.sine(frequency: 800, sampleRate: 8000, count: 4000)
        let packets = try makePackets(pcm, encoder: G711Encoder(codec: .pcmu), ptime: 20)
        let harness = try TranscoderHarness(
            .init(input: .pcmu, output: .opus, opus: OpusEncoder.Configuration(discontinuousTransmission: true)))
        try harness.run(packets, until: 1500)
        let skipped = harness.frames.indices.filter { harness.frames[$0].frame == nil }
        #expect(!skipped.isEmpty)
        let resumed = harness.frames.indices.first { $0 > skipped.last! }!
        let frame = harness.frames[resumed].frame!
        #expect(frame.marker)
        #expect(frame.timestamp == UInt32(resumed) * 960)
    }

    /// Tones and other PCM go out on the same stream, timestamps continuing across the switch.
    @Test func sourcesShareTheOutputStream() throws {
        let transcoder = try AudioTranscoder(configuration: .init(input: .opus, output: .pcmu, initialTimestamp: 100))
        var output = [UInt8](repeating: 0, count: 1500)
        var ringback = try RingbackGenerator(sampleRate: 8000)
        var silence = SilenceSource(sampleRate: 8000)
        let first = try output.withUnsafeMutableBytes { try transcoder.produceFrame(from: &ringback, into: $0) }
        let second = try output.withUnsafeMutableBytes { try transcoder.produceFrame(from: &silence, into: $0) }
        let pcm = [Int16](repeating: 1000, count: transcoder.samplesPerFrame)
        let third = try pcm.withUnsafeBufferPointer { samples in
            try output.withUnsafeMutableBytes { try transcoder.encode(samples, into: $0) }
        }
        let fourth = try output.withUnsafeMutableBytes { try transcoder.produceFrame(now: .zero, into: $0) }
        #expect([first, second, third, fourth].map { $0?.timestamp } == [100, 260, 420, 580])
        #expect(fourth?.content == [.silence])
        var wrongRate = ToneGenerator(frequency: 400, amplitude: 0.1, sampleRate: 16000)
        #expect(throws: MediaError(.invalidConfiguration, "")) {
            try output.withUnsafeMutableBytes { try transcoder.produceFrame(from: &wrongRate, into: $0) }
        }
        #expect(throws: MediaError(.invalidAudio, "")) {
            try pcm[0..<10].withUnsafeBufferPointer { samples in
                try output.withUnsafeMutableBytes { try transcoder.encode(samples, into: $0) }
            }
        }
    }

    /// Payloads the input codec cannot read are refused at `receive`, counted, and never crash.
    @Test func malformedInput() throws {
        let transcoder = try AudioTranscoder(configuration: .init(input: .opus, output: .pcmu))
        #expect(throws: MediaError(.invalidAudio, "")) {
            try transcoder.receive(
                payload: UnsafeRawBufferPointer(start: nil, count: 0), sequence: 1, timestamp: 0, now: .zero)
        }
        var generator = SeededGenerator(seed: 3)
        var output = [UInt8](repeating: 0, count: 1500)
        for step in 0..<300 {
            let garbage = randomBytes(&generator, maxLength: 300)
            _ = try? garbage.withUnsafeBytes {
                try transcoder.receive(
                    payload: $0, sequence: UInt16(step), timestamp: UInt32(step) * 960,
                    now: .milliseconds(Int64(step) * 20))
            }
            let frame = try output.withUnsafeMutableBytes {
                try transcoder.produceFrame(now: .milliseconds(Int64(step) * 20), into: $0)
            }
            #expect(frame?.payloadLength == 160)
        }
        #expect(transcoder.playout.statistics.invalidPayloads > 0)
        #expect(throws: MediaError(.invalidConfiguration, "")) {
            try AudioTranscoder(configuration: .init(input: .pcmu, output: .opus, outputPtime: 30))
        }
    }
}
