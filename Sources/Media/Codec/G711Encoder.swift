/// G.711 μ-law (PCMU) or A-law (PCMA) encoding of 8 kHz PCM, one octet per sample.
public final class G711Encoder: AudioEncoder {
    public let codec: AudioCodec
    public let sampleRate = 8000

    /// An encoder for `.pcmu` or `.pcma`.
    public init(codec: AudioCodec) throws(MediaError) {
        guard codec == .pcmu || codec == .pcma else {
            throw MediaError(.invalidConfiguration, "\(codec) is not a G.711 codec")
        }
        self.codec = codec
    }

    public func encode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer)
        throws(MediaError) -> Int
    {
        guard output.count >= samples.count else {
            throw MediaError(.bufferTooSmall, "G.711 payload needs one octet per sample")
        }
        let codes = output.bindMemory(to: UInt8.self)
        return codec == .pcmu ? G711.muLawEncode(samples, into: codes) : G711.aLawEncode(samples, into: codes)
    }

    public func reset() {}
}
