/// Bounds that keep a hostile or broken peer from costing unbounded memory or time.
public struct XMLStreamLimits: Sendable, Equatable {
    /// Largest stanza in bytes (Prosody's component default is 512 KiB).
    public var maxStanzaSize: Int
    /// Deepest element nesting inside a stanza (the stanza itself is depth 1).
    public var maxDepth: Int
    /// Most attributes on one element.
    public var maxAttributes: Int

    public init(maxStanzaSize: Int = 524_288, maxDepth: Int = 64, maxAttributes: Int = 64) {
        self.maxStanzaSize = maxStanzaSize
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
    }
}
