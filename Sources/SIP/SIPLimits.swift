/// Bounds the parsers enforce so hostile input can never make them allocate without limit.
/// Exceeding one is a `SIPParseError` naming the limit.
public struct SIPLimits: Hashable, Sendable {
    /// Largest message, start line to the end of the body, in bytes. Default 65,535: the
    /// largest UDP payload, and far above what RFC 3261 18.1.1 expects over UDP.
    public var maxMessageSize: Int
    /// Most header fields in one message (continuation lines do not count). Default 256.
    public var maxHeaderCount: Int
    /// Longest start line or header field, continuation lines included, in bytes. Default 8,192.
    public var maxLineLength: Int

    /// Creates limits; the defaults suit any real SIP peer.
    public init(maxMessageSize: Int = 65_535, maxHeaderCount: Int = 256, maxLineLength: Int = 8_192) {
        self.maxMessageSize = maxMessageSize
        self.maxHeaderCount = maxHeaderCount
        self.maxLineLength = maxLineLength
    }

    /// 65,535 bytes per message, 256 header fields, 8,192 bytes per line.
    public static let `default` = SIPLimits()
}
