/// Typed reading of header fields. Each accessor parses on demand and throws a `SIPParseError`
/// (code `.malformedHeader`, `header` set, position relative to the header value) when the value
/// does not follow its grammar; an absent header reads as nil or an empty list.
extension SIPMessage {
    /// All Via values, top first, across Via lines (RFC 3261 20.42).
    public var via: [SIPVia] {
        get throws { try listElements(.via, "Via") { try SIPVia.parse($0, $1, context: .header("Via")) } }
    }

    /// The topmost Via value.
    public var topVia: SIPVia? {
        get throws {
            guard let field = headers.fields.first(where: { $0.name == .via }) else { return nil }
            let bytes = Array(field.value.utf8)
            let ranges = SIPHeaders.splitList(bytes)
            return try SIPVia.parse(bytes, ranges.first ?? 0..<0, context: .header("Via"))
        }
    }

    /// From (RFC 3261 20.20).
    public var from: SIPNameAddress? {
        get throws { try singleAddress(.from, "From") }
    }

    /// To (RFC 3261 20.39).
    public var to: SIPNameAddress? {
        get throws { try singleAddress(.to, "To") }
    }

    /// Contact (RFC 3261 20.10): nil when absent, `.wildcard` for `*`.
    public var contacts: SIPContactList? {
        get throws {
            let lines = headers.values(for: .contact)
            guard !lines.isEmpty else { return nil }
            let elements = headers.elements(for: .contact)
            if elements.contains("*") {
                guard elements.count == 1 else {
                    throw SIPParseError(
                        code: .malformedHeader, header: "Contact",
                        reason: "Contact header: '*' must be the only Contact value (RFC 3261 10.2.2)", position: 0)
                }
                return .wildcard
            }
            return .addresses(try addressList(.contact, "Contact"))
        }
    }

    /// Route values in order (RFC 3261 20.34).
    public var routes: [SIPNameAddress] {
        get throws { try addressList(.route, "Route") }
    }

    /// Record-Route values in order (RFC 3261 20.30).
    public var recordRoutes: [SIPNameAddress] {
        get throws { try addressList(.recordRoute, "Record-Route") }
    }

    /// P-Asserted-Identity values (RFC 3325 9.1).
    public var pAssertedIdentity: [SIPNameAddress] {
        get throws { try addressList(.pAssertedIdentity, "P-Asserted-Identity") }
    }

    /// Call-ID (RFC 3261 20.8).
    public var callID: String? {
        get throws { try headers[.callID].map { try Self.parseCallID($0) } }
    }

    /// CSeq (RFC 3261 20.16).
    public var cseq: SIPCSeq? {
        get throws {
            try headers[.cseq].map { value in
                var s = SIPScanner(value, context: .header("CSeq"))
                return try SIPCSeq.parse(&s)
            }
        }
    }

    /// Max-Forwards (RFC 3261 20.22), 0-255.
    public var maxForwards: Int? {
        get throws { try headers[.maxForwards].map { try Self.parseMaxForwards($0) } }
    }

    /// Content-Type (RFC 3261 20.15).
    public var contentType: SIPMediaType? {
        get throws {
            try headers[.contentType].map { value in
                var s = SIPScanner(value, context: .header("Content-Type"))
                return try SIPMediaType.parse(&s)
            }
        }
    }

    /// Content-Length (RFC 3261 20.14).
    public var contentLength: Int? {
        get throws { try headers[.contentLength].map { try Self.parseContentLength($0, maximum: Int(Int32.max)) } }
    }

    /// Expires (RFC 3261 20.19), values above 2^32-1 read as 2^32-1.
    public var expires: UInt32? {
        get throws { try headers[.expires].map { try Self.parseDeltaSeconds($0, header: "Expires") } }
    }

    /// Min-Expires (RFC 3261 20.23).
    public var minExpires: UInt32? {
        get throws { try headers[.minExpires].map { try Self.parseDeltaSeconds($0, header: "Min-Expires") } }
    }

    /// Require option tags (RFC 3261 20.32).
    public var require: [String] {
        get throws { try tokenList(.require, "Require") }
    }

    /// Supported option tags (RFC 3261 20.37).
    public var supported: [String] {
        get throws { try tokenList(.supported, "Supported") }
    }

    /// True when Supported or Require lists this option tag (a malformed list counts as no).
    public func supportsOption(_ tag: String) -> Bool {
        let tags = ((try? supported) ?? []) + ((try? require) ?? [])
        return tags.contains { SIPGrammar.equalsIgnoringCase($0, tag) }
    }

    /// Proxy-Require option tags (RFC 3261 20.29).
    public var proxyRequire: [String] {
        get throws { try tokenList(.proxyRequire, "Proxy-Require") }
    }

    /// Unsupported option tags (RFC 3261 20.40).
    public var unsupported: [String] {
        get throws { try tokenList(.unsupported, "Unsupported") }
    }

    /// Allow methods (RFC 3261 20.5).
    public var allow: [SIPMethod] {
        get throws { try tokenList(.allow, "Allow").map { SIPMethod(unchecked: $0) } }
    }

    /// RSeq of a reliable provisional response (RFC 3262 7.1): 1 to 2^31-1.
    public var rseq: UInt32? {
        get throws {
            try headers[.rseq].map { value in
                var s = SIPScanner(value, context: .header("RSeq"))
                s.skipWSP()
                let n = try s.expectNumber("response number", maximum: UInt64(Int32.max))
                try s.expectEnd(after: "the response number")
                guard n >= 1 else { throw s.fail("response number must be at least 1 (RFC 3262 3)", at: 0) }
                return UInt32(n)
            }
        }
    }

    /// RAck of a PRACK (RFC 3262 7.2).
    public var rack: SIPRAck? {
        get throws { try headers[.rack].map { try SIPRAck(parsing: $0) } }
    }

    /// Session-Expires (RFC 4028 4).
    public var sessionExpires: SIPSessionExpires? {
        get throws { try headers[.sessionExpires].map { try SIPSessionExpires(parsing: $0) } }
    }

    /// Min-SE in seconds (RFC 4028 5); its generic parameters are ignored.
    public var minSE: UInt32? {
        get throws {
            try headers[.minSE].map { value in
                var s = SIPScanner(value, context: .header("Min-SE"))
                s.skipWSP()
                let n = try s.expectNumber("interval", maximum: UInt64(UInt32.max))
                _ = try SIPParameters.parseHeaderParameters(&s)
                try s.expectEnd(after: "the Min-SE value")
                return UInt32(n)
            }
        }
    }

    /// Reason values (RFC 3326).
    public var reasons: [SIPReason] {
        get throws { try listElements(.reason, "Reason") { try SIPReason.parse($0, $1) } }
    }

    /// Privacy values (RFC 3323 4.2): `priv-value *(";" priv-value)`.
    public var privacy: [String] {
        get throws {
            guard let value = headers[.privacy] else { return [] }
            var out: [String] = []
            var offset = 0
            for part in value.split(separator: ";", omittingEmptySubsequences: false) {
                let token = SIPGrammar.trimmed(part)
                guard SIPGrammar.isToken(token) else {
                    throw SIPParseError(
                        code: .malformedHeader, header: "Privacy",
                        reason: "Privacy header: '\(token)' is not a privacy value token", position: offset)
                }
                out.append(token)
                offset += part.utf8.count + 1
            }
            return out
        }
    }

    /// WWW-Authenticate values, one per header line (RFC 3261 20.44).
    public var wwwAuthenticate: [SIPAuthValue] {
        get throws { try authValues(.wwwAuthenticate, "WWW-Authenticate") }
    }

    /// Proxy-Authenticate values (RFC 3261 20.27).
    public var proxyAuthenticate: [SIPAuthValue] {
        get throws { try authValues(.proxyAuthenticate, "Proxy-Authenticate") }
    }

    /// Authorization values (RFC 3261 20.7).
    public var authorization: [SIPAuthValue] {
        get throws { try authValues(.authorization, "Authorization") }
    }

    /// Proxy-Authorization values (RFC 3261 20.28).
    public var proxyAuthorization: [SIPAuthValue] {
        get throws { try authValues(.proxyAuthorization, "Proxy-Authorization") }
    }

    /// The Digest challenges of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) response,
    /// in order; challenges of other schemes are skipped.
    public func digestChallenges() throws -> [DigestChallenge] {
        var out: [DigestChallenge] = []
        if statusCode != 407 {
            for v in try wwwAuthenticate where v.isDigest { out.append(try DigestChallenge(v, header: "WWW-Authenticate")) }
        }
        if statusCode != 401 {
            for v in try proxyAuthenticate where v.isDigest {
                out.append(try DigestChallenge(v, header: "Proxy-Authenticate"))
            }
        }
        return out
    }

    // MARK: - Helpers

    private func listElements<T>(
        _ name: SIPHeaderName, _ label: String, _ parse: ([UInt8], Range<Int>) throws -> T
    ) throws -> [T] {
        var out: [T] = []
        for field in headers.fields where field.name == name {
            let bytes = Array(field.value.utf8)
            for range in SIPHeaders.splitList(bytes) { out.append(try parse(bytes, range)) }
        }
        return out
    }

    private func addressList(_ name: SIPHeaderName, _ label: String) throws -> [SIPNameAddress] {
        try listElements(name, label) { try SIPNameAddress.parse($0, $1, context: .header(label)) }
    }

    private func singleAddress(_ name: SIPHeaderName, _ label: String) throws -> SIPNameAddress? {
        try headers[name].map { value in
            let bytes = Array(value.utf8)
            return try SIPNameAddress.parse(bytes, 0..<bytes.count, context: .header(label))
        }
    }

    private func tokenList(_ name: SIPHeaderName, _ label: String) throws -> [String] {
        try listElements(name, label) { bytes, range in
            guard SIPGrammar.isToken(bytes[range]) else {
                let what = range.isEmpty ? "empty element" : "'\(String(decoding: bytes[range], as: UTF8.self))' is not a token"
                throw SIPParseError(code: .malformedHeader, header: label, reason: "\(label) header: \(what)", position: range.lowerBound)
            }
            return String(decoding: bytes[range], as: UTF8.self)
        }
    }

    private func authValues(_ name: SIPHeaderName, _ label: String) throws -> [SIPAuthValue] {
        try headers.values(for: name).map { try SIPAuthValue(parsing: $0, header: label) }
    }

    /// Content-Length = 1*DIGIT (RFC 3261 20.14), at most `maximum`.
    static func parseContentLength(_ value: String, maximum: Int) throws -> Int {
        func fail(_ text: String) -> SIPParseError {
            SIPParseError(code: .invalidContentLength, header: "Content-Length", reason: "Content-Length header: \(text)", position: 0)
        }
        let bytes = Array(value.utf8)
        if bytes.first == UInt8(ascii: "-") { throw fail("negative value \(value) (RFC 4475 3.1.2.3)") }
        guard !bytes.isEmpty, bytes.allSatisfy(SIPGrammar.isDigit) else { throw fail("'\(value)' is not a number") }
        guard let n = SIPGrammar.parseUnsigned(bytes, maximum: UInt64(maximum)) else {
            throw fail("\(value) exceeds the largest acceptable message body (\(maximum) bytes)")
        }
        return Int(n)
    }

    /// callid = word [ "@" word ] (RFC 3261 25.1).
    static func parseCallID(_ value: String) throws -> String {
        let bytes = Array(value.utf8)
        func fail(_ text: String, _ at: Int) -> SIPParseError {
            SIPParseError(code: .malformedHeader, header: "Call-ID", reason: "Call-ID header: \(text)", position: at)
        }
        guard !bytes.isEmpty else { throw fail("empty Call-ID", 0) }
        var at: Int? = nil
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "@") {
                guard at == nil, i > 0, i < bytes.count - 1 else { throw fail("'@' must separate two non-empty words, once", i) }
                at = i
            } else if !SIPGrammar.has(b, SIPGrammar.word) {
                throw fail("\(SIPGrammar.describe(b)) is not allowed in a Call-ID", i)
            }
        }
        return value
    }

    /// Max-Forwards = 1*DIGIT, 0-255 (RFC 3261 20.22).
    static func parseMaxForwards(_ value: String) throws -> Int {
        var s = SIPScanner(value, context: .header("Max-Forwards"))
        let n = try s.expectNumber("hop count", maximum: 255)
        try s.expectEnd(after: "the hop count")
        return Int(n)
    }

    /// delta-seconds, values above 2^32-1 clamped (RFC 3261 20.19).
    static func parseDeltaSeconds(_ value: String, header: String) throws -> UInt32 {
        guard let n = SIPNameAddress.parseDeltaSeconds(value) else {
            throw SIPParseError(
                code: .malformedHeader, header: header, reason: "\(header) header: '\(value)' is not delta-seconds",
                position: 0)
        }
        return n
    }
}
