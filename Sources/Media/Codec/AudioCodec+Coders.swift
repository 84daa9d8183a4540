extension AudioCodec {
    /// An encoder of this codec taking PCM at `sampleRate` (which must be `nativeSampleRate` except for Opus).
    public func makeEncoder(sampleRate: Int, opus: OpusEncoder.Configuration = OpusEncoder.Configuration())
        throws(MediaError) -> any AudioEncoder
    {
        switch self {
        case .pcmu, .pcma:
            try checkRate(sampleRate)
            return try G711Encoder(codec: self)
        case .g722:
            try checkRate(sampleRate)
            return try G722Encoder()
        case .opus:
            return try OpusEncoder(sampleRate: sampleRate, configuration: opus)
        }
    }

    /// A decoder of this codec writing PCM at `sampleRate` (which must be `nativeSampleRate` except for Opus).
    public func makeDecoder(sampleRate: Int) throws(MediaError) -> any AudioDecoder {
        switch self {
        case .pcmu, .pcma:
            try checkRate(sampleRate)
            return try G711Decoder(codec: self)
        case .g722:
            try checkRate(sampleRate)
            return try G722Decoder()
        case .opus:
            return try OpusDecoder(sampleRate: sampleRate)
        }
    }

    private func checkRate(_ sampleRate: Int) throws(MediaError) {
        guard sampleRate == nativeSampleRate else {
            throw MediaError(.invalidConfiguration, "\(self) works at \(nativeSampleRate) Hz, not \(sampleRate) Hz")
        }
    }
}
