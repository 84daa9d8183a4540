/// Digital silence (all samples zero): what a leg sends while it has nothing else, so that the peer's RTP
/// timeout and the NAT bindings on the path keep the call up.
public struct SilenceSource: AudioSource, Hashable, Sendable {
    public let sampleRate: Int

    public init(sampleRate: Int) { self.sampleRate = sampleRate }

    public mutating func read(into output: UnsafeMutableBufferPointer<Int16>) {
        output.update(repeating: 0)
    }
}
