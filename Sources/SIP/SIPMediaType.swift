/// A media type, the value of Content-Type (RFC 3261 20.15, 25.1 `media-type`):
/// `application/sdp`, `multipart/mixed;boundary=xyz`.
public struct SIPMediaType: Hashable, Sendable, CustomStringConvertible {
    /// The type ("application").
    public var type: String
    /// The subtype ("sdp").
    public var subtype: String
    /// `m-parameter`s in wire form (a value may be a quoted string).
    public var parameters: SIPParameters

    /// Creates a media type.
    public init(type: String, subtype: String, parameters: SIPParameters = SIPParameters()) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `application/sdp`.
    public static let sdp = SIPMediaType(type: "application", subtype: "sdp")

    /// Parses `type/subtype *(;param)`.
    public init(parsing text: String) throws {
        var s = SIPScanner(text, context: .header("Content-Type"))
        self = try Self.parse(&s)
    }

    /// True when type and subtype match, case-insensitively (RFC 2045 5.1).
    public func matches(type: String, subtype: String) -> Bool {
        SIPGrammar.equalsIgnoringCase(self.type, type) && SIPGrammar.equalsIgnoringCase(self.subtype, subtype)
    }

    /// The `boundary` parameter of a multipart type, unquoted.
    public var boundary: String? { parameters.unquotedValue("boundary") }

    public var description: String {
        var out = "\(type)/\(subtype)"
        parameters.write(to: &out)
        return out
    }

    static func parse(_ s: inout SIPScanner) throws -> SIPMediaType {
        s.skipWSP()
        let type = try s.expectToken("media type")
        try s.expectSeparator(UInt8(ascii: "/"), "'/' after the media type")
        let subtype = try s.expectToken("media subtype")
        let params = try SIPParameters.parseHeaderParameters(&s)
        for p in params.items where p.value == nil {
            throw s.fail("media type parameter '\(p.name)' needs a value")
        }
        try s.expectEnd(after: "the media type")
        return SIPMediaType(type: type, subtype: subtype, parameters: params)
    }
}
