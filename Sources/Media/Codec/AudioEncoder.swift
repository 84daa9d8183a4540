/// Turns frames of 16-bit mono PCM into RTP payloads of one codec.
///
/// Encoders are classes because most own C state; each belongs to one call's event loop and is not
/// `Sendable`. `encode` is on the per-packet path: it writes into the caller's buffer and allocates nothing.
public protocol AudioEncoder: AnyObject {
    /// The codec of the payloads.
    var codec: AudioCodec { get }
    /// The rate of the PCM the encoder takes.
    var sampleRate: Int { get }

    /// Encodes one frame (a whole packet's worth: `AudioCodec.canProduce(ptime:)` durations) into `output`
    /// and returns the payload length. 0 means nothing needs to be sent for this frame (Opus DTX).
    func encode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) throws(MediaError)
        -> Int

    /// Forgets the signal history, as for a new stream.
    func reset()
}
