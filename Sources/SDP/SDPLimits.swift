/// Bounds that keep a hostile or broken peer from costing unbounded memory or time while parsing.
///
/// The defaults are far above any real offer (a browser's audio+video offer with simulcast is
/// about 10 KiB and 150 lines) and well under what a SIP message or Jingle stanza can carry.
public struct SDPLimits: Hashable, Sendable {
    /// Largest input in bytes, line endings included. Default 64 KiB.
    public var maxBytes: Int
    /// Most lines, blank ones included. Default 1024.
    public var maxLines: Int
    /// Most `m=` sections. Default 64.
    public var maxMediaDescriptions: Int

    /// Creates limits; every parameter has the documented default.
    public init(maxBytes: Int = 65_536, maxLines: Int = 1_024, maxMediaDescriptions: Int = 64) {
        self.maxBytes = maxBytes
        self.maxLines = maxLines
        self.maxMediaDescriptions = maxMediaDescriptions
    }
}
