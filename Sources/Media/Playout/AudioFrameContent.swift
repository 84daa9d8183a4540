/// What a frame of played-out audio was made of.
public struct AudioFrameContent: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Audio decoded from received packets.
    public static let decoded = AudioFrameContent(rawValue: 1 << 0)
    /// A lost packet rebuilt from the FEC data of the packet after it (Opus).
    public static let recovered = AudioFrameContent(rawValue: 1 << 1)
    /// Loss concealment: the codec's continuation of the last audio.
    public static let concealed = AudioFrameContent(rawValue: 1 << 2)
    /// Digital silence: before the first packet, or once concealment has run its course.
    public static let silence = AudioFrameContent(rawValue: 1 << 3)

    public var description: String {
        let names = [
            (Self.decoded, "decoded"), (.recovered, "recovered"), (.concealed, "concealed"), (.silence, "silence"),
        ]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}
