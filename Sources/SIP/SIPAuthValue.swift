/// The value of a WWW-Authenticate, Proxy-Authenticate, Authorization or Proxy-Authorization
/// header (RFC 3261 20.7, 20.27, 20.28, 20.44; RFC 7235 2.1): an auth scheme and its
/// comma-separated `name=value` parameters. The commas belong to this one value, which is why
/// these headers are never split as lists.
public struct SIPAuthValue: Hashable, Sendable, CustomStringConvertible {
    /// One auth-param with its value unquoted.
    public struct Parameter: Hashable, Sendable {
        /// The parameter name.
        public var name: String
        /// The value with quotes and escapes removed.
        public var value: String
        /// Whether it is written as a quoted-string (a value that is not a token always is).
        public var isQuoted: Bool

        /// Creates a parameter.
        public init(name: String, value: String, isQuoted: Bool) {
            self.name = name
            self.value = value
            self.isQuoted = isQuoted || !SIPGrammar.isToken(value)
        }
    }

    /// The auth scheme, e.g. "Digest".
    public var scheme: String
    /// The parameters in order.
    public var parameters: [Parameter]
    /// A token68 credential instead of parameters (RFC 7235 2.1), for schemes such as Bearer.
    public var token68: String?

    /// Creates a value.
    public init(scheme: String, parameters: [Parameter] = [], token68: String? = nil) {
        self.scheme = scheme
        self.parameters = parameters
        self.token68 = token68
    }

    /// Parses a header value; `header` names the header in errors.
    public init(parsing text: String, header: String = "Authorization") throws {
        var s = SIPScanner(text, context: .header(header))
        self = try Self.parse(&s)
    }

    /// The unquoted value of the first parameter with this name (case-insensitive).
    public subscript(name: String) -> String? {
        parameters.first { SIPGrammar.equalsIgnoringCase($0.name, name) }?.value
    }

    /// True when the scheme is Digest (case-insensitive, RFC 7235 2.1).
    public var isDigest: Bool { SIPGrammar.equalsIgnoringCase(scheme, "Digest") }

    public var description: String {
        if let token68 { return "\(scheme) \(token68)" }
        if parameters.isEmpty { return scheme }
        let list = parameters.map { p in
            "\(p.name)=" + (p.isQuoted ? SIPQuotedString.quote(p.value) : p.value)
        }
        return scheme + " " + list.joined(separator: ", ")
    }

    private static func isToken68(_ b: UInt8) -> Bool {
        SIPGrammar.isAlphanum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "~") || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }

    static func parse(_ s: inout SIPScanner) throws -> SIPAuthValue {
        s.skipWSP()
        let scheme = try s.expectToken("auth scheme")
        var value = SIPAuthValue(scheme: scheme)
        if s.isAtEnd || !s.skipWSP() {
            try s.expectEnd(after: "the auth scheme")
            return value
        }
        // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        var end = s.bytes.count
        while end > s.index && SIPGrammar.isWSP(s.bytes[end - 1]) { end -= 1 }
        var k = s.index
        while k < end && isToken68(s.bytes[k]) { k += 1 }
        let body = k
        while k < end && s.bytes[k] == UInt8(ascii: "=") { k += 1 }
        if k == end && body > s.index && (k > body || !s.bytes[s.index..<end].contains(UInt8(ascii: "="))) {
            value.token68 = String(decoding: s.bytes[s.index..<end], as: UTF8.self)
            s.index = s.bytes.count
            return value
        }
        while true {
            s.skipWSP()
            if s.isAtEnd { break }
            // Empty list elements are allowed (RFC 7230 7 #rule).
            if s.consume(UInt8(ascii: ",")) { continue }
            guard let name = s.readToken() else {
                throw s.fail("expected a parameter name, found \(SIPGrammar.describe(s.peek()))")
            }
            try s.expectSeparator(UInt8(ascii: "="), "'=' after parameter '\(name)'")
            if s.peek() == UInt8(ascii: "\"") {
                let v = try s.readQuotedString().value
                value.parameters.append(Parameter(name: name, value: v, isQuoted: true))
            } else {
                // A token by the grammar; unquoted values with other characters (such as a URI)
                // are accepted from lenient peers and written back quoted.
                let start = s.index
                while let b = s.peek(), b != UInt8(ascii: ","), !SIPGrammar.isWSP(b), b != UInt8(ascii: "\"") {
                    guard b >= 0x21 && b != 0x7F else { throw s.fail("\(SIPGrammar.describe(b)) in the value of '\(name)'") }
                    s.index += 1
                }
                guard s.index > start else {
                    throw s.fail("parameter '\(name)' has no value (found \(SIPGrammar.describe(s.peek())))")
                }
                let v = String(decoding: s.bytes[start..<s.index], as: UTF8.self)
                value.parameters.append(Parameter(name: name, value: v, isQuoted: false))
            }
            s.skipWSP()
            if s.isAtEnd { break }
            guard s.consume(UInt8(ascii: ",")) else {
                throw s.fail("expected ',' between parameters, found \(SIPGrammar.describe(s.peek()))")
            }
        }
        return value
    }
}

extension SIPAuthValue {
    /// The error for a malformed Digest header value.
    static func malformed(header: String, _ text: String) -> SIPParseError {
        SIPParseError(code: .malformedHeader, header: header, reason: "\(header) header: \(text)", position: 0)
    }

    /// Throws unless the scheme is Digest (the only one a SIP UA must support, RFC 3261 22.4).
    func requireDigest(header: String) throws {
        guard isDigest else {
            throw SIPParseError(
                code: .unsupportedAuthentication, header: header,
                reason: "\(header) header: scheme '\(scheme)' is not Digest", position: 0)
        }
    }
}
