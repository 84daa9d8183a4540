/// Turns RTP payloads of one codec into 16-bit mono PCM, and fills in for payloads that never came.
///
/// Decoders are classes because most own C state; each belongs to one call's event loop and is not
/// `Sendable`. Every method is on the per-packet path: it writes into the caller's buffer and allocates
/// nothing.
public protocol AudioDecoder: AnyObject {
    /// The codec of the payloads.
    var codec: AudioCodec { get }
    /// The rate of the PCM the decoder writes.
    var sampleRate: Int { get }

    /// The RTP timestamp ticks `payload` covers, or an error for a payload the codec cannot carry (empty, or
    /// an Opus packet whose table of contents is invalid, RFC 6716 section 3.4).
    func duration(of payload: UnsafeRawBufferPointer) throws(MediaError) -> Int

    /// Decodes one payload into `output` and returns the sample count. `output` must hold the payload's
    /// duration at `sampleRate`; Opus needs room for 120 ms to decode any packet.
    func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) throws(MediaError)
        -> Int

    /// Fills all of `output` with concealment for audio that is missing (packet loss concealment): a
    /// continuation of the last signal that fades to silence.
    func conceal(into output: UnsafeMutableBufferPointer<Int16>)

    /// Rebuilds all of `output`, a lost stretch just before `nextPayload`, from redundancy that `nextPayload`
    /// carries (Opus in-band FEC, RFC 6716 section 2.1.7). Returns false when the codec has no such data;
    /// the caller then conceals.
    func recover(from nextPayload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Bool

    /// Forgets the signal history, as for a new stream.
    func reset()
}

extension AudioDecoder {
    public func recover(from nextPayload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        -> Bool
    { false }
}
