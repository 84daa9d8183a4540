/// A `sip:` or `sips:` URI (RFC 3261 19.1): `sip:user:password@host:port;uri-parameters?headers`.
///
/// Components are stored in their wire form (with `%HH` escapes as received) so a URI is written
/// back exactly as it was read; the `user`, `password` and `parameter(_:)` accessors decode.
/// `==` compares the wire form; `isEquivalent(to:)` applies the RFC 3261 19.1.4 rules.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// `sip` or `sips`.
    public enum Scheme: String, Hashable, Sendable {
        /// `sip:`.
        case sip
        /// `sips:` (TLS to the domain, RFC 3261 19.1).
        case sips
    }

    /// One `name=value` of the `?headers` component, in wire form.
    public struct Header: Hashable, Sendable {
        /// Header name, escaped.
        public var name: String
        /// Header value, escaped.
        public var value: String

        /// Creates a URI header component (already escaped).
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The scheme.
    public var scheme: Scheme
    /// The user part with its escapes, nil when the URI has no userinfo.
    public var encodedUser: String?
    /// The password with its escapes, nil when absent.
    public var encodedPassword: String?
    /// The host.
    public var host: SIPHost
    /// The port, nil when absent (absent is not the same as 5060: RFC 3261 19.1.4).
    public var port: UInt16?
    /// The `;uri-parameters`, values escaped.
    public var parameters: SIPParameters
    /// The `?headers`, escaped.
    public var headers: [Header]

    /// Creates a URI; `user` and `password` are given unescaped and escaped as needed.
    public init(
        scheme: Scheme = .sip, user: String? = nil, password: String? = nil, host: SIPHost, port: UInt16? = nil,
        parameters: SIPParameters = SIPParameters(), headers: [Header] = []
    ) {
        self.scheme = scheme
        self.encodedUser = user.map { Self.escapeUser($0) }
        self.encodedPassword = password.map { Self.escapePassword($0) }
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// Parses a SIP or SIPS URI.
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: .uri)
    }

    /// The user part, unescaped; setting escapes what the `user` rule does not allow.
    public var user: String? {
        get { encodedUser.map(SIPPercentEncoding.decode) }
        set { encodedUser = newValue.map { Self.escapeUser($0) } }
    }

    /// The password, unescaped.
    public var password: String? {
        get { encodedPassword.map(SIPPercentEncoding.decode) }
        set { encodedPassword = newValue.map { Self.escapePassword($0) } }
    }

    /// The unescaped value of a URI parameter: "" when valueless, nil when absent.
    public func parameter(_ name: String) -> String? {
        parameters[Self.escapeParam(name)].map(SIPPercentEncoding.decode)
    }

    /// Sets a URI parameter from an unescaped name and value (nil removes it, "" makes it
    /// valueless).
    public mutating func setParameter(_ name: String, _ value: String?) {
        parameters[Self.escapeParam(name)] = value.map { Self.escapeParam($0) }
    }

    /// The `transport` parameter (RFC 3261 19.1.1), lowercased.
    public var transport: String? {
        get { parameter("transport").map(SIPGrammar.asciiLowercased) }
        set { setParameter("transport", newValue) }
    }

    /// The `user` parameter ("phone", "ip", ...).
    public var userParameter: String? {
        get { parameter("user") }
        set { setParameter("user", newValue) }
    }

    /// The `method` parameter.
    public var method: SIPMethod? {
        parameter("method").flatMap { SIPMethod(rawValue: $0) }
    }

    /// The `maddr` parameter.
    public var maddr: String? { parameter("maddr") }

    /// The `ttl` parameter (0-255).
    public var ttl: UInt8? {
        parameter("ttl").flatMap { SIPGrammar.parseUnsigned($0.utf8, maximum: 255) }.map { UInt8($0) }
    }

    /// The `lr` parameter: the element does loose routing (RFC 3261 16.12).
    public var isLooseRouting: Bool {
        get { parameters.contains("lr") }
        set { parameters["lr"] = newValue ? "" : nil }
    }

    /// The `ob` parameter of RFC 5626 5.4 (outbound).
    public var hasOutboundParameter: Bool { parameters.contains("ob") }

    /// The unescaped value of a `?headers` component.
    public func headerValue(_ name: String) -> String? {
        headers.first { SIPGrammar.equalsIgnoringCase(SIPPercentEncoding.decode($0.name), name) }
            .map { SIPPercentEncoding.decode($0.value) }
    }

    /// The URI with its parameters and headers removed, for use as an address of record.
    public var withoutParametersAndHeaders: SIPURI {
        var copy = self
        copy.parameters = SIPParameters()
        copy.headers = []
        return copy
    }

    public var description: String {
        var out = scheme == .sip ? "sip:" : "sips:"
        if let encodedUser {
            out += encodedUser
            if let encodedPassword { out += ":" + encodedPassword }
            out += "@"
        }
        out += host.description
        if let port { out += ":\(port)" }
        parameters.write(to: &out)
        if !headers.isEmpty {
            out += "?"
            out += headers.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return out
    }

    static func escapeUser(_ s: String) -> String {
        SIPPercentEncoding.encode(s) { SIPGrammar.has($0, SIPGrammar.unreserved | SIPGrammar.userUnreserved) }
    }

    static func escapePassword(_ s: String) -> String {
        SIPPercentEncoding.encode(s) { SIPGrammar.has($0, SIPGrammar.unreserved | SIPGrammar.passwordExtra) }
    }

    static func escapeParam(_ s: String) -> String {
        SIPPercentEncoding.encode(s) { SIPGrammar.has($0, SIPGrammar.unreserved | SIPGrammar.paramUnreserved) }
    }

    /// Parses `bytes[range]` (RFC 3261 25.1 SIP-URI / SIPS-URI).
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> SIPURI {
        let end = range.upperBound
        func find(_ set: [UInt8], from: Int, to: Int) -> Int {
            var i = from
            while i < to && !set.contains(bytes[i]) { i += 1 }
            return i
        }
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

        let colon = find([UInt8(ascii: ":")], from: range.lowerBound, to: end)
        guard colon < end else { throw context.error("no scheme (missing ':')", at: range.lowerBound) }
        let schemeText = SIPGrammar.asciiLowercased(text(range.lowerBound..<colon))
        guard let scheme = Scheme(rawValue: schemeText) else {
            throw context.error("scheme '\(text(range.lowerBound..<colon))' is not sip or sips", at: range.lowerBound)
        }
        var i = colon + 1

        var encodedUser: String? = nil
        var encodedPassword: String? = nil
        let at = find([UInt8(ascii: "@")], from: i, to: end)
        if at < end {
            let userEnd = find([UInt8(ascii: ":")], from: i, to: at)
            guard userEnd > i else {
                throw context.error("empty user part before '@' (RFC 3261 19.1.1)", at: i)
            }
            try SIPPercentEncoding.validate(
                bytes, i..<userEnd, flags: SIPGrammar.unreserved | SIPGrammar.userUnreserved, what: "the user part",
                context: context)
            encodedUser = text(i..<userEnd)
            if userEnd < at {
                try SIPPercentEncoding.validate(
                    bytes, (userEnd + 1)..<at, flags: SIPGrammar.unreserved | SIPGrammar.passwordExtra,
                    what: "the password", context: context)
                encodedPassword = text((userEnd + 1)..<at)
            }
            i = at + 1
        }

        let hostEnd: Int
        if i < end && bytes[i] == UInt8(ascii: "[") {
            let close = find([UInt8(ascii: "]")], from: i, to: end)
            guard close < end else { throw context.error("IPv6 reference without closing ']'", at: i) }
            hostEnd = close + 1
        } else {
            hostEnd = find([UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "?")], from: i, to: end)
            let hostPortEnd = find([UInt8(ascii: ";"), UInt8(ascii: "?")], from: i, to: end)
            if bytes[i..<hostPortEnd].filter({ $0 == UInt8(ascii: ":") }).count > 1 {
                throw context.error("IPv6 address must be enclosed in brackets (RFC 5118 4.2)", at: i)
            }
        }
        let host = try SIPHost.parse(bytes, i..<hostEnd, context: context)
        i = hostEnd

        var port: UInt16? = nil
        if i < end && bytes[i] == UInt8(ascii: ":") {
            let portEnd = find([UInt8(ascii: ";"), UInt8(ascii: "?")], from: i + 1, to: end)
            let digits = bytes[(i + 1)..<portEnd]
            if digits.contains(UInt8(ascii: ":")) {
                throw context.error("IPv6 address must be enclosed in brackets (RFC 5118 4.2)", at: i)
            }
            guard !digits.isEmpty, digits.allSatisfy(SIPGrammar.isDigit) else {
                throw context.error("port '\(text((i + 1)..<portEnd))' is not a number", at: i + 1)
            }
            guard let value = SIPGrammar.parseUnsigned(digits, maximum: 65535) else {
                throw context.error("port \(text((i + 1)..<portEnd)) is out of range 0-65535", at: i + 1)
            }
            port = UInt16(value)
            i = portEnd
        }

        var parameters = SIPParameters()
        while i < end && bytes[i] == UInt8(ascii: ";") {
            let start = i + 1
            let paramEnd = find([UInt8(ascii: ";"), UInt8(ascii: "?")], from: start, to: end)
            let eq = find([UInt8(ascii: "=")], from: start, to: paramEnd)
            guard eq > start else { throw context.error("empty URI parameter name", at: start) }
            let flags = SIPGrammar.unreserved | SIPGrammar.paramUnreserved
            try SIPPercentEncoding.validate(bytes, start..<eq, flags: flags, what: "a URI parameter name", context: context)
            let name = text(start..<eq)
            var value: String? = nil
            if eq < paramEnd {
                guard eq + 1 < paramEnd else {
                    throw context.error("URI parameter '\(name)' has '=' but no value", at: eq)
                }
                try SIPPercentEncoding.validate(
                    bytes, (eq + 1)..<paramEnd, flags: flags, what: "the value of URI parameter '\(name)'",
                    context: context)
                value = text((eq + 1)..<paramEnd)
            }
            // "any given parameter-name MUST NOT appear more than once" (RFC 3261 19.1.1)
            if parameters.contains(name) {
                throw context.error("URI parameter '\(name)' appears more than once (RFC 3261 19.1.1)", at: start)
            }
            parameters.items.append(.init(name: name, value: value))
            i = paramEnd
        }

        var headers: [Header] = []
        if i < end && bytes[i] == UInt8(ascii: "?") {
            i += 1
            while true {
                let itemEnd = find([UInt8(ascii: "&")], from: i, to: end)
                let eq = find([UInt8(ascii: "=")], from: i, to: itemEnd)
                guard eq > i, eq < itemEnd else {
                    throw context.error("URI header '\(text(i..<itemEnd))' is not name=value", at: i)
                }
                let flags = SIPGrammar.unreserved | SIPGrammar.hnvUnreserved
                try SIPPercentEncoding.validate(bytes, i..<eq, flags: flags, what: "a URI header name", context: context)
                // '@' is accepted in values although RFC 3261 wants it escaped: deployed UAs send it.
                try SIPPercentEncoding.validate(
                    bytes, (eq + 1)..<itemEnd, flags: flags, extra: { $0 == UInt8(ascii: "@") },
                    what: "a URI header value", context: context)
                headers.append(Header(name: text(i..<eq), value: text((eq + 1)..<itemEnd)))
                if itemEnd == end { break }
                i = itemEnd + 1
            }
            i = end
        }
        if i < end {
            throw context.error("unexpected \(SIPGrammar.describe(bytes[i])) in URI", at: i)
        }
        var uri = SIPURI(scheme: scheme, host: host, port: port, parameters: parameters, headers: headers)
        uri.encodedUser = encodedUser
        uri.encodedPassword = encodedPassword
        return uri
    }
}
