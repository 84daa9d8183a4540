internal import COpus

/// Opus encoding (libopus, `OPUS_APPLICATION_VOIP`) of mono PCM at 8, 12, 16, 24 or 48 kHz.
///
/// Feed it at the narrowest rate the audio has: 8 kHz for audio from a G.711 leg, 16 kHz from G.722, 48 kHz
/// only from another Opus leg. libopus then codes only that bandwidth (RFC 6716 section 2.1.3) and works
/// far less; the RTP timestamp still counts 48000 per second (RFC 7587 section 4.1).
///
/// Ownership: the libopus encoder is created in `init` and destroyed exactly once in `deinit`.
public final class OpusEncoder: AudioEncoder {
    public let codec = AudioCodec.opus
    public let sampleRate: Int
    public let configuration: Configuration
    private let encoder: OpaquePointer

    /// Rates libopus takes (RFC 6716 section 2).
    public static let sampleRates = [8000, 12000, 16000, 24000, 48000]

    public init(sampleRate: Int, configuration: Configuration = Configuration()) throws(MediaError) {
        guard Self.sampleRates.contains(sampleRate) else {
            throw MediaError(.invalidConfiguration, "Opus cannot encode from \(sampleRate) Hz")
        }
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(Int32(sampleRate), 1, OPUS_APPLICATION_VOIP, &error),
            error == OPUS_OK
        else {
            throw MediaError(.codecFailure, "opus_encoder_create failed with \(error)")
        }
        self.encoder = encoder
        self.sampleRate = sampleRate
        self.configuration = configuration
        do {
            try apply(configuration)
        } catch {
            opus_encoder_destroy(encoder)
            throw error
        }
    }

    deinit { opus_encoder_destroy(encoder) }

    private func apply(_ configuration: Configuration) throws(MediaError) {
        let results: [(String, Int32)] = [
            ("bitrate", jsb_opus_encoder_set_bitrate(encoder, Int32(clamping: configuration.bitrate))),
            ("complexity", jsb_opus_encoder_set_complexity(encoder, Int32(clamping: configuration.complexity))),
            ("inband FEC", jsb_opus_encoder_set_inband_fec(encoder, configuration.inbandFEC ? 1 : 0)),
            (
                "packet loss",
                jsb_opus_encoder_set_packet_loss_perc(encoder, Int32(clamping: configuration.expectedPacketLoss))
            ),
            ("DTX", jsb_opus_encoder_set_dtx(encoder, configuration.discontinuousTransmission ? 1 : 0)),
            ("VBR", jsb_opus_encoder_set_vbr(encoder, configuration.variableBitrate ? 1 : 0)),
            ("signal", jsb_opus_encoder_set_signal_voice(encoder)),
        ]
        for (name, result) in results where result != OPUS_OK {
            throw MediaError(.invalidConfiguration, "Opus encoder rejected the \(name) setting (\(result))")
        }
    }

    /// Samples the encoder delays its output by (its look-ahead), at `sampleRate`.
    public var lookahead: Int {
        var value: Int32 = 0
        _ = jsb_opus_encoder_get_lookahead(encoder, &value)
        return Int(value)
    }

    /// Encodes 2.5, 5, 10, 20, 40 or 60 ms. With DTX on, a frame libopus marks as not worth sending (a packet
    /// of at most two octets: the table of contents alone) gives 0.
    public func encode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> Int
    {
        // RFC 6716 section 2.1.4: frames of 2.5 to 60 ms, that is 400ths of a second.
        guard samples.count * 400 % sampleRate == 0, samples.count > 0, samples.count * 1000 <= sampleRate * 60
        else {
            throw MediaError(.invalidAudio, "\(samples.count) samples at \(sampleRate) Hz is not an Opus frame size")
        }
        guard let source = samples.baseAddress, let destination = output.baseAddress, output.count > 0 else {
            throw MediaError(.bufferTooSmall, "no room for the Opus packet")
        }
        let length = opus_encode(
            encoder, source, Int32(samples.count), destination.assumingMemoryBound(to: UInt8.self),
            Int32(min(output.count, AudioCodec.maximumOpusPayloadSize)))
        guard length > 0 else {
            throw MediaError(.codecFailure, "opus_encode failed with \(length)")
        }
        if configuration.discontinuousTransmission && length <= 2 { return 0 }
        return Int(length)
    }

    public func reset() { _ = jsb_opus_encoder_reset(encoder) }
}
