/// One RTP payload an encoder wrote, with the header fields that go with it.
public struct EncodedAudioFrame: Hashable, Sendable {
    /// Octets written at the start of the caller's buffer.
    public var payloadLength: Int
    /// RTP timestamp of the first sample, in the codec's clock (48000 for Opus, 8000 for G.711 and G.722).
    public var timestamp: UInt32
    /// RTP ticks the payload covers; the next frame's timestamp is `timestamp + duration`.
    public var duration: UInt32
    /// RTP marker bit: the first packet of the stream, or the first after frames that were not sent
    /// (RFC 3551 section 4.1: the beginning of a talk spurt).
    public var marker: Bool
    /// What the audio was made of (empty for PCM the caller gave).
    public var content: AudioFrameContent

    public init(payloadLength: Int, timestamp: UInt32, duration: UInt32, marker: Bool, content: AudioFrameContent) {
        self.payloadLength = payloadLength
        self.timestamp = timestamp
        self.duration = duration
        self.marker = marker
        self.content = content
    }
}
