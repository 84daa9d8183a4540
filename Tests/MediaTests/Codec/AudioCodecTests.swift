import Testing

@testable import Media

/// What SDP and RTP know about each codec (RFC 3551, RFC 7587).
@Suite struct AudioCodecTests {
    @Test func descriptions() {
        #expect(AudioCodec.allCases.map(\.encodingName) == ["PCMU", "PCMA", "G722", "opus"])
        #expect(AudioCodec.allCases.map(\.staticPayloadType) == [0, 8, 9, nil])
        #expect(AudioCodec.allCases.map(\.rtpClockRate) == [8000, 8000, 8000, 48000])
        #expect(AudioCodec.allCases.map(\.sdpChannels) == [1, 1, 1, 2])
        #expect(AudioCodec.allCases.map(\.nativeSampleRate) == [8000, 8000, 16000, 48000])
    }

    @Test func payloadSizesAndTimestamps() {
        #expect(AudioCodec.pcmu.payloadSize(ptime: 20) == 160)
        #expect(AudioCodec.pcma.payloadSize(ptime: 30) == 240)
        #expect(AudioCodec.g722.payloadSize(ptime: 20) == 160)
        #expect(AudioCodec.opus.payloadSize(ptime: 20) == nil)
        #expect(AudioCodec.opus.maximumPayloadSize(ptime: 20) == 1275)
        // G.722: 320 samples per 20 ms, but 160 ticks of its 8000 Hz RTP clock (RFC 3551 section 4.5.2).
        #expect(AudioCodec.g722.timestampIncrement(ptime: 20) == 160)
        #expect(AudioCodec.opus.timestampIncrement(ptime: 20) == 960)
        #expect(AudioCodec.pcmu.timestampIncrement(ptime: 10) == 80)
        #expect(AudioCodec.samples(milliseconds: 20, sampleRate: 16000) == 320)
    }

    @Test func packetDurations() {
        #expect(AudioCodec.opus.canProduce(ptime: 20) && AudioCodec.opus.canProduce(ptime: 60))
        #expect(!AudioCodec.opus.canProduce(ptime: 30))
        #expect(AudioCodec.pcmu.canProduce(ptime: 30) && !AudioCodec.pcmu.canProduce(ptime: 25))
        #expect(!AudioCodec.g722.canProduce(ptime: 0) && !AudioCodec.g722.canProduce(ptime: 70))
    }

    /// Opus runs at the narrowest rate the other leg needs.
    @Test func processingRates() {
        #expect(AudioCodec.opus.processingSampleRate(pairedWith: .pcmu) == 8000)
        #expect(AudioCodec.opus.processingSampleRate(pairedWith: .g722) == 16000)
        #expect(AudioCodec.opus.processingSampleRate(pairedWith: .opus) == 48000)
        #expect(AudioCodec.pcmu.processingSampleRate(pairedWith: .opus) == 8000)
        #expect(AudioCodec.g722.processingSampleRate(pairedWith: .pcma) == 16000)
    }

    @Test func rtpmapLookup() {
        #expect(AudioCodec(encodingName: "OPUS", clockRate: 48000, channels: 2) == .opus)
        #expect(AudioCodec(encodingName: "opus", clockRate: 48000, channels: 1) == nil)
        #expect(AudioCodec(encodingName: "g722", clockRate: 8000) == .g722)
        #expect(AudioCodec(encodingName: "G722", clockRate: 16000) == nil)
        #expect(AudioCodec(encodingName: "pcma", clockRate: 8000) == .pcma)
        #expect(AudioCodec(encodingName: "GSM", clockRate: 8000) == nil)
    }

    @Test func factoriesCheckRates() throws {
        #expect(throws: MediaError(.invalidConfiguration, "")) { try AudioCodec.pcmu.makeEncoder(sampleRate: 16000) }
        #expect(throws: MediaError(.invalidConfiguration, "")) { try AudioCodec.g722.makeDecoder(sampleRate: 8000) }
        #expect(throws: MediaError(.invalidConfiguration, "")) { try G711Encoder(codec: .opus) }
        #expect(try AudioCodec.opus.makeDecoder(sampleRate: 16000).sampleRate == 16000)
        #expect(try AudioCodec.pcma.makeEncoder(sampleRate: 8000).codec == .pcma)
    }
}
