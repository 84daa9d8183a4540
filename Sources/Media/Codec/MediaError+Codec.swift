extension MediaError.Code {
    /// A payload the codec cannot decode (empty, an invalid Opus table of contents, RFC 6716 section 3.4), or
    /// PCM the encoder cannot take (a frame duration the codec does not have).
    public static let invalidAudio = Self("invalid-audio")
    /// A codec library (libopus, spandsp, speexdsp) failed: out of memory or an internal error.
    public static let codecFailure = Self("codec-failure")
}
