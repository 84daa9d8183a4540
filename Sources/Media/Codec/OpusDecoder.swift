internal import COpus

/// Opus decoding (libopus) straight to mono PCM at 8, 12, 16, 24 or 48 kHz, with libopus's own loss
/// concealment and in-band FEC recovery.
///
/// Ownership: the libopus decoder is created in `init` and destroyed exactly once in `deinit`.
public final class OpusDecoder: AudioDecoder {
    public let codec = AudioCodec.opus
    public let sampleRate: Int
    private let decoder: OpaquePointer
    /// 2.5 ms at `sampleRate`: libopus conceals and recovers in multiples of this.
    private let granule: Int

    /// Samples of the longest Opus packet, 120 ms (RFC 6716 section 3.2.5), at `sampleRate`.
    public var maximumPacketSamples: Int { sampleRate * 120 / 1000 }

    public init(sampleRate: Int) throws(MediaError) {
        guard OpusEncoder.sampleRates.contains(sampleRate) else {
            throw MediaError(.invalidConfiguration, "Opus cannot decode to \(sampleRate) Hz")
        }
        var error: Int32 = 0
        guard let decoder = opus_decoder_create(Int32(sampleRate), 1, &error), error == OPUS_OK else {
            throw MediaError(.codecFailure, "opus_decoder_create failed with \(error)")
        }
        self.decoder = decoder
        self.sampleRate = sampleRate
        granule = sampleRate / 400
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Ticks of the 48 kHz RTP clock, from the table of contents (RFC 6716 section 3.1); at most 120 ms.
    public func duration(of payload: UnsafeRawBufferPointer) throws(MediaError) -> Int {
        guard let bytes = payload.baseAddress, !payload.isEmpty else {
            throw MediaError(.invalidAudio, "empty Opus packet")
        }
        let samples = opus_packet_get_nb_samples(
            bytes.assumingMemoryBound(to: UInt8.self), Int32(clamping: payload.count), 48000)
        guard samples > 0 else { throw MediaError(.invalidAudio, "invalid Opus table of contents (\(samples))") }
        guard samples <= 5760 else { throw MediaError(.invalidAudio, "Opus packet longer than 120 ms") }
        return Int(samples)
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        throws(MediaError) -> Int
    {
        guard let bytes = payload.baseAddress, !payload.isEmpty else {
            throw MediaError(.invalidAudio, "empty Opus packet")
        }
        guard let destination = output.baseAddress else { throw MediaError(.bufferTooSmall, "no room for PCM") }
        let count = opus_decode(
            decoder, bytes.assumingMemoryBound(to: UInt8.self), Int32(clamping: payload.count), destination,
            Int32(clamping: output.count), 0)
        guard count >= 0 else { throw MediaError(.invalidAudio, "opus_decode failed with \(count)") }
        return Int(count)
    }

    /// libopus concealment (a decode without data) in steps of at most 20 ms; a remainder shorter than
    /// 2.5 ms, which libopus cannot produce, is left silent.
    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) {
        guard let base = output.baseAddress else { return }
        var done = 0
        let step = sampleRate / 50
        while output.count - done >= granule {
            let chunk = min(step, (output.count - done) / granule * granule)
            let count = opus_decode(decoder, nil, 0, base + done, Int32(chunk), 0)
            if count <= 0 { break }
            done += Int(count)
        }
        if done < output.count { (base + done).update(repeating: 0, count: output.count - done) }
    }

    /// Decodes the FEC data of `nextPayload` (its LBRR frames, RFC 6716 section 4.2.4) for the lost stretch;
    /// libopus conceals instead when the packet carries none. The stretch must be whole 2.5 ms steps.
    public func recover(from nextPayload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        -> Bool
    {
        guard let bytes = nextPayload.baseAddress, !nextPayload.isEmpty, let destination = output.baseAddress,
            output.count % granule == 0, output.count <= maximumPacketSamples
        else { return false }
        let count = opus_decode(
            decoder, bytes.assumingMemoryBound(to: UInt8.self), Int32(clamping: nextPayload.count), destination,
            Int32(output.count), 1)
        return Int(count) == output.count
    }

    public func reset() { _ = jsb_opus_decoder_reset(decoder) }
}
