/// The `<media>` field of an `m=` line (RFC 8866 section 5.14), such as `audio` or `video`.
public struct MediaType: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The token as it appears on the wire.
    public var rawValue: String

    /// Wraps a media token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a media token.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `audio`.
    public static var audio: MediaType { MediaType("audio") }
    /// `video`.
    public static var video: MediaType { MediaType("video") }
    /// `text` (RFC 4103 real-time text).
    public static var text: MediaType { MediaType("text") }
    /// `application` (for example a WebRTC data channel).
    public static var application: MediaType { MediaType("application") }
    /// `message` (MSRP).
    public static var message: MediaType { MediaType("message") }
    /// `image` (T.38 fax).
    public static var image: MediaType { MediaType("image") }

    /// The text as written in SDP.
    public var description: String { rawValue }
}
