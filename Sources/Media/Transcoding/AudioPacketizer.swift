/// The sending half of a transcoder: an encoder, a packet duration and the RTP timestamps of an outbound
/// stream. Each call encodes one packet's worth of PCM, and the timestamp advances by that duration in the
/// codec's RTP clock whether the packet is sent or not, so timestamps stay true to time across DTX and any
/// switch of source (transcoded audio, tones, echo).
///
/// Not `Sendable`: it belongs to its call's event loop.
public final class AudioPacketizer {
    public let encoder: any AudioEncoder
    /// Packet duration in milliseconds.
    public let ptime: Int
    /// PCM samples per packet, at the encoder's rate.
    public let samplesPerPacket: Int
    /// RTP ticks per packet.
    public let timestampIncrement: UInt32
    /// Timestamp of the next packet.
    public private(set) var nextTimestamp: UInt32
    private var startsTalkSpurt = true

    /// - Parameters:
    ///   - ptime: packet duration in milliseconds, one the codec can produce (`AudioCodec.canProduce(ptime:)`).
    ///   - initialTimestamp: random, as RFC 3550 section 5.1 asks.
    public init(encoder: any AudioEncoder, ptime: Int = 20, initialTimestamp: UInt32) throws(MediaError) {
        guard encoder.codec.canProduce(ptime: ptime) else {
            throw MediaError(.invalidConfiguration, "\(encoder.codec) cannot carry \(ptime) ms packets")
        }
        self.encoder = encoder
        self.ptime = ptime
        samplesPerPacket = AudioCodec.samples(milliseconds: ptime, sampleRate: encoder.sampleRate)
        timestampIncrement = encoder.codec.timestampIncrement(ptime: ptime)
        nextTimestamp = initialTimestamp
    }

    /// Encodes one packet of PCM (`samplesPerPacket` samples) into `output`. Returns nil when the encoder
    /// decided the packet need not be sent (Opus DTX); its time passes all the same.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> EncodedAudioFrame?
    {
        guard pcm.count == samplesPerPacket else {
            throw MediaError(.invalidAudio, "\(pcm.count) samples given for a \(samplesPerPacket)-sample packet")
        }
        let length = try encoder.encode(pcm, into: output)
        let timestamp = nextTimestamp
        nextTimestamp &+= timestampIncrement
        guard length > 0 else {
            startsTalkSpurt = true
            return nil
        }
        defer { startsTalkSpurt = false }
        return EncodedAudioFrame(
            payloadLength: length, timestamp: timestamp, duration: timestampIncrement, marker: startsTalkSpurt,
            content: [])
    }

    /// Moves the timestamp on by `ticks` without sending (time that passed with nothing to send).
    public func skip(ticks: UInt32) {
        nextTimestamp &+= ticks
        startsTalkSpurt = true
    }
}
