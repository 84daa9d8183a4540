internal import CSpanDSP

/// G.722 encoding of 16 kHz PCM at 64 kbit/s (mode 1), through spandsp's bit-exact implementation: two
/// samples per octet.
///
/// Ownership: the spandsp state is allocated by `g722_encode_init` in `init` and freed exactly once with
/// `g722_encode_free` in `deinit`.
public final class G722Encoder: AudioEncoder {
    public let codec = AudioCodec.g722
    public let sampleRate = 16000
    private let state: OpaquePointer

    public init() throws(MediaError) {
        guard let state = g722_encode_init(nil, 64000, 0) else {
            throw MediaError(.codecFailure, "g722_encode_init failed")
        }
        self.state = state
    }

    deinit { g722_encode_free(state) }

    public func encode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> Int
    {
        // Each octet carries one sample pair (the two sub-bands of G.722 section 1.3).
        guard samples.count % 2 == 0 else { throw MediaError(.invalidAudio, "G.722 needs an even sample count") }
        guard output.count >= samples.count / 2 else {
            throw MediaError(.bufferTooSmall, "G.722 payload needs one octet per two samples")
        }
        guard let source = samples.baseAddress, let destination = output.baseAddress else { return 0 }
        return Int(
            g722_encode(state, destination.assumingMemoryBound(to: UInt8.self), source, Int32(samples.count)))
    }

    public func reset() { _ = g722_encode_init(state, 64000, 0) }
}
