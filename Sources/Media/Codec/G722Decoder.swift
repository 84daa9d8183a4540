internal import CSpanDSP

/// G.722 decoding at 64 kbit/s (mode 1) to 16 kHz PCM through spandsp, with pitch-repetition loss
/// concealment (`PacketLossConcealer`).
///
/// Ownership: the spandsp state is allocated by `g722_decode_init` in `init` and freed exactly once with
/// `g722_decode_free` in `deinit`.
public final class G722Decoder: AudioDecoder {
    public let codec = AudioCodec.g722
    public let sampleRate = 16000
    private let state: OpaquePointer
    private let concealer = PacketLossConcealer(sampleRate: 16000)

    public init() throws(MediaError) {
        guard let state = g722_decode_init(nil, 64000, 0) else {
            throw MediaError(.codecFailure, "g722_decode_init failed")
        }
        self.state = state
    }

    deinit { g722_decode_free(state) }

    /// One tick of the 8000 Hz RTP clock per octet (RFC 3551 section 4.5.2), though each octet is two samples.
    public func duration(of payload: UnsafeRawBufferPointer) throws(MediaError) -> Int {
        guard !payload.isEmpty else { throw MediaError(.invalidAudio, "empty G.722 payload") }
        return payload.count
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        throws(MediaError) -> Int
    {
        guard output.count >= payload.count * 2 else {
            throw MediaError(.bufferTooSmall, "G.722 decodes two samples per octet")
        }
        guard let source = payload.baseAddress, let destination = output.baseAddress else { return 0 }
        let count = Int(
            g722_decode(state, destination, source.assumingMemoryBound(to: UInt8.self), Int32(payload.count)))
        concealer.received(UnsafeMutableBufferPointer(rebasing: output[0..<count]))
        return count
    }

    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) {
        concealer.conceal(into: output)
    }

    public func reset() {
        _ = g722_decode_init(state, 64000, 0)
        concealer.reset()
    }
}
