/// Something that produces PCM on its own: a tone, silence, ringback. Reading writes the next samples of
/// the signal; consecutive reads continue it without a seam, whatever the frame sizes.
public protocol AudioSource {
    /// The rate of the samples `read` writes.
    var sampleRate: Int { get }

    /// Writes the next `output.count` samples.
    mutating func read(into output: UnsafeMutableBufferPointer<Int16>)
}
