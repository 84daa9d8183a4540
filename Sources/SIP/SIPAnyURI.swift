/// Any URI SIP carries in a Request-URI or an address header (RFC 3261 `addr-spec`): a SIP or
/// SIPS URI, a tel URI, or any other `absoluteURI` kept as text (RFC 4475 3.3.2-3.3.4 show
/// messages with unknown schemes that must still parse).
public enum SIPAnyURI: Hashable, Sendable, CustomStringConvertible {
    /// A `sip:` or `sips:` URI.
    case sip(SIPURI)
    /// A `tel:` URI.
    case tel(TelURI)
    /// Another scheme; the whole URI as written.
    case other(String)

    /// Parses a URI, choosing the grammar by scheme (case-insensitive).
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: .uri)
    }

    /// The SIP or SIPS URI, if that is what this is.
    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }

    /// The tel URI, if that is what this is.
    public var telURI: TelURI? {
        if case .tel(let uri) = self { return uri }
        return nil
    }

    /// The scheme, lowercased.
    public var scheme: String {
        switch self {
        case .sip(let uri): return uri.scheme.rawValue
        case .tel: return "tel"
        case .other(let text):
            return SIPGrammar.asciiLowercased(String(text.prefix { $0 != ":" }))
        }
    }

    public var description: String {
        switch self {
        case .sip(let uri): return uri.description
        case .tel(let uri): return uri.description
        case .other(let text): return text
        }
    }

    /// RFC 3261 19.1.4 for SIP URIs, RFC 3966 4 for tel URIs, case-insensitive text otherwise.
    public func isEquivalent(to other: SIPAnyURI) -> Bool {
        switch (self, other) {
        case (.sip(let a), .sip(let b)): return a.isEquivalent(to: b)
        case (.tel(let a), .tel(let b)): return a.isEquivalent(to: b)
        case (.other(let a), .other(let b)): return SIPGrammar.equalsIgnoringCase(a, b)
        default: return false
        }
    }

    /// Parses `bytes[range]`.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> SIPAnyURI {
        var colon = range.lowerBound
        while colon < range.upperBound && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < range.upperBound, colon > range.lowerBound else {
            throw context.error("'\(String(decoding: bytes[range], as: UTF8.self))' has no URI scheme", at: range.lowerBound)
        }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard SIPGrammar.isAlpha(bytes[range.lowerBound]) else {
            throw context.error("URI scheme must begin with a letter, found \(SIPGrammar.describe(bytes[range.lowerBound]))", at: range.lowerBound)
        }
        for i in range.lowerBound..<colon {
            let b = bytes[i]
            guard SIPGrammar.isAlphanum(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else {
                throw context.error("\(SIPGrammar.describe(b)) is not allowed in a URI scheme", at: i)
            }
        }
        let scheme = SIPGrammar.asciiLowercased(String(decoding: bytes[range.lowerBound..<colon], as: UTF8.self))
        switch scheme {
        case "sip", "sips":
            return .sip(try SIPURI.parse(bytes, range, context: context))
        case "tel":
            return .tel(try TelURI.parse(bytes, range, context: context))
        default:
            // absoluteURI = scheme ":" ( hier-part / opaque-part ): uric characters, "#" tolerated.
            guard colon + 1 < range.upperBound else {
                throw context.error("nothing after '\(scheme):'", at: colon)
            }
            try SIPPercentEncoding.validate(
                bytes, (colon + 1)..<range.upperBound, flags: SIPGrammar.unreserved | SIPGrammar.reserved,
                extra: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") },
                what: "a '\(scheme):' URI", context: context)
            return .other(String(decoding: bytes[range], as: UTF8.self))
        }
    }
}
