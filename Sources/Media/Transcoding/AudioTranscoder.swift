/// Converts one RTP audio stream into another: a jitter buffer and decoder of the input codec, a resampler
/// only where the rate really changes (G.711 and G.722), and an encoder of the output codec with its own
/// packet duration and timestamps.
///
/// Sans-IO and pull-driven: `receive` takes each payload as it arrives; the media driver calls
/// `produceFrame(now:into:)` every output packet duration, and it always returns a packet (decoded audio,
/// concealment, then silence when input stops), because a SIP peer's RTP timeout or a NAT binding must not
/// see the stream stop. The only nil is an Opus DTX frame when DTX is configured.
///
/// Opus is decoded and encoded at the other leg's rate (8 kHz toward G.711, 16 kHz toward G.722, 48 kHz
/// only Opus to Opus), so the common Opus and G.711 call has no resampler at all.
///
/// The halves are open for other uses: `readDecoded(now:into:)` gives the decoded input for an echo or a
/// recording, and `encode(_:into:)` sends PCM from elsewhere (tones, ringback, the other leg of an echo) on
/// the same output stream, with continuous timestamps. An echo is a transcoder from a codec to itself.
///
/// All buffers are allocated in `init`; the per-packet path allocates nothing. Not `Sendable`: it belongs to
/// its call's event loop.
public final class AudioTranscoder {
    public let configuration: Configuration
    public let playout: AudioPlayout
    public let packetizer: AudioPacketizer
    private let resampler: AudioResampler?
    /// One output packet of decoded audio at the decoder's rate, and (when resampling) at the encoder's.
    private let decoded: UnsafeMutableBufferPointer<Int16>
    private let resampled: UnsafeMutableBufferPointer<Int16>

    public init(configuration: Configuration) throws(MediaError) {
        self.configuration = configuration
        let decoderRate = configuration.input.processingSampleRate(pairedWith: configuration.output)
        let encoderRate = configuration.output.processingSampleRate(pairedWith: configuration.input)
        let decoder = try configuration.input.makeDecoder(sampleRate: decoderRate)
        let encoder = try configuration.output.makeEncoder(sampleRate: encoderRate, opus: configuration.opus)
        packetizer = try AudioPacketizer(
            encoder: encoder, ptime: configuration.outputPtime, initialTimestamp: configuration.initialTimestamp)
        playout = AudioPlayout(
            decoder: decoder, jitterBuffer: configuration.jitterBuffer,
            concealmentLimit: configuration.concealmentLimit)
        resampler =
            decoderRate == encoderRate
            ? nil
            : try AudioResampler(
                inputRate: decoderRate, outputRate: encoderRate, quality: configuration.resamplerQuality)
        decoded = .allocate(
            capacity: AudioCodec.samples(milliseconds: configuration.outputPtime, sampleRate: decoderRate))
        decoded.initialize(repeating: 0)
        resampled = .allocate(capacity: packetizer.samplesPerPacket)
        resampled.initialize(repeating: 0)
    }

    deinit {
        decoded.deallocate()
        resampled.deallocate()
    }

    /// PCM samples per output packet at the encoder's rate: what `encode(_:into:)` takes.
    public var samplesPerFrame: Int { packetizer.samplesPerPacket }
    /// The rate of the PCM `encode(_:into:)` and `readDecoded(now:into:)` work at.
    public var sampleRate: Int { packetizer.encoder.sampleRate }

    /// Takes one received RTP payload of the input codec. A payload the codec cannot read throws
    /// `invalidAudio` and is dropped.
    @discardableResult
    public func receive(
        payload: UnsafeRawBufferPointer, sequence: UInt16, timestamp: UInt32, marker: Bool = false, now: MediaTime
    ) throws(MediaError) -> JitterBuffer.InsertResult {
        try playout.receive(payload: payload, sequence: sequence, timestamp: timestamp, marker: marker, now: now)
    }

    /// Writes the output packet that starts at `now` into `output` (at least
    /// `configuration.output.maximumPayloadSize(ptime:)` octets). Call it every output packet duration.
    public func produceFrame(now: MediaTime, into output: UnsafeMutableRawBufferPointer) throws(MediaError)
        -> EncodedAudioFrame?
    {
        let content = readDecoded(now: now, into: resampled)
        guard var frame = try packetizer.encode(UnsafeBufferPointer(resampled), into: output) else { return nil }
        frame.content = content
        return frame
    }

    /// One output packet's worth (`samplesPerFrame`) of the decoded input at `sampleRate`, resampled if
    /// needed: for an echo, a recording or a mix.
    public func readDecoded(now: MediaTime, into pcm: UnsafeMutableBufferPointer<Int16>) -> AudioFrameContent {
        guard let resampler else { return playout.read(into: pcm, now: now) }
        let content = playout.read(into: decoded, now: now)
        let written = resampler.process(UnsafeBufferPointer(decoded), into: pcm)
        if written < pcm.count { UnsafeMutableBufferPointer(rebasing: pcm[written...]).update(repeating: 0) }
        return content
    }

    /// Encodes PCM from elsewhere (exactly `samplesPerFrame` samples at `sampleRate`) on the output stream.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> EncodedAudioFrame?
    {
        try packetizer.encode(pcm, into: output)
    }

    /// Encodes the next packet of `source` on the output stream. The source must run at `sampleRate`.
    public func produceFrame(from source: inout some AudioSource, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> EncodedAudioFrame?
    {
        guard source.sampleRate == sampleRate else {
            throw MediaError(.invalidConfiguration, "source at \(source.sampleRate) Hz, encoder at \(sampleRate) Hz")
        }
        source.read(into: resampled)
        return try packetizer.encode(UnsafeBufferPointer(resampled), into: output)
    }
}
