/// G.711 μ-law (PCMU) or A-law (PCMA) decoding to 8 kHz PCM, with pitch-repetition loss concealment
/// (G.711 Appendix I style, `PacketLossConcealer`).
public final class G711Decoder: AudioDecoder {
    public let codec: AudioCodec
    public let sampleRate = 8000
    private let concealer = PacketLossConcealer(sampleRate: 8000)

    /// A decoder for `.pcmu` or `.pcma`.
    public init(codec: AudioCodec) throws(MediaError) {
        guard codec == .pcmu || codec == .pcma else {
            throw MediaError(.invalidConfiguration, "\(codec) is not a G.711 codec")
        }
        self.codec = codec
    }

    /// One tick of the 8000 Hz clock per octet.
    public func duration(of payload: UnsafeRawBufferPointer) throws(MediaError) -> Int {
        guard !payload.isEmpty else { throw MediaError(.invalidAudio, "empty G.711 payload") }
        return payload.count
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        throws(MediaError) -> Int
    {
        guard output.count >= payload.count else {
            throw MediaError(.bufferTooSmall, "G.711 decodes one sample per octet")
        }
        let codes = payload.assumingMemoryBound(to: UInt8.self)
        let count = codec == .pcmu ? G711.muLawDecode(codes, into: output) : G711.aLawDecode(codes, into: output)
        concealer.received(UnsafeMutableBufferPointer(rebasing: output[0..<count]))
        return count
    }

    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) {
        concealer.conceal(into: output)
    }

    public func reset() { concealer.reset() }
}
