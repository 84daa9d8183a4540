/// An address with parameters, the value of From, To, Contact, Route, Record-Route,
/// P-Asserted-Identity and similar headers: RFC 3261 `(name-addr / addr-spec) *(SEMI param)`.
///
/// Both forms are read: `"Alice" <sip:alice@example.com>;tag=1`, `Alice<sip:...>`,
/// `sip:alice@example.com;tag=1` (where the parameters belong to the header, not the URI:
/// RFC 3261 20.10). It is always written in the name-addr form, with the display name quoted.
public struct SIPNameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name, unquoted; nil when absent (an empty quoted name is "").
    public var displayName: String?
    /// The address.
    public var uri: SIPAnyURI
    /// Header parameters (tag, expires, q, ...), in wire form.
    public var parameters: SIPParameters

    /// Creates an address.
    public init(displayName: String? = nil, uri: SIPAnyURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// Creates an address from a SIP URI.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.init(displayName: displayName, uri: .sip(uri), parameters: parameters)
    }

    /// Parses one address (not a comma-separated list).
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: SIPErrorContext(code: .malformedHeader, header: nil, label: "address"))
    }

    /// The `tag` parameter (RFC 3261 19.3).
    public var tag: String? {
        get { parameters["tag"] }
        set { parameters["tag"] = newValue }
    }

    /// The `expires` parameter of a Contact (RFC 3261 20.10), clamped to 2^32-1.
    public var expires: UInt32? {
        parameters["expires"].flatMap { Self.parseDeltaSeconds($0) }
    }

    /// The `q` parameter of a Contact (RFC 3261 20.10), 0 to 1.
    public var q: Double? { parameters["q"].flatMap { Double($0) } }

    public var description: String {
        var out = ""
        if let displayName { out += SIPQuotedString.quote(displayName) + " " }
        out += "<" + uri.description + ">"
        parameters.write(to: &out)
        return out
    }

    /// delta-seconds, with values above 2^32-1 treated as 2^32-1 (RFC 3261 20.19 bounds Expires to
    /// that range).
    static func parseDeltaSeconds(_ text: String) -> UInt32? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy(SIPGrammar.isDigit) else { return nil }
        // All digits: nil only means "larger than the maximum".
        return SIPGrammar.parseUnsigned(bytes, maximum: UInt64(UInt32.max)).map { UInt32($0) } ?? UInt32.max
    }

    /// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 3261 25.1).
    static func isQValue(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard let first = b.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return false }
        if b.count == 1 { return true }
        guard b[1] == UInt8(ascii: "."), b.count <= 5 else { return false }
        let fraction = b[2...]
        return first == UInt8(ascii: "0") ? fraction.allSatisfy(SIPGrammar.isDigit) : fraction.allSatisfy { $0 == UInt8(ascii: "0") }
    }

    /// Parses `bytes[range]`, positions in errors relative to `bytes`.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> SIPNameAddress {
        var scanner = SIPScanner(Array(bytes[range]), context: context)
        do {
            return try parse(&scanner)
        } catch var error as SIPParseError {
            error.position += range.lowerBound
            throw error
        }
    }

    static func parse(_ scanner: inout SIPScanner) throws -> SIPNameAddress {
        let bytes = scanner.bytes
        scanner.skipWSP()
        guard !scanner.isAtEnd else { throw scanner.fail("empty value where an address was expected") }
        var displayName: String? = nil
        var bracketed = false
        if scanner.peek() == UInt8(ascii: "\"") {
            displayName = try scanner.readQuotedString().value
            scanner.skipWSP()
            guard scanner.peek() == UInt8(ascii: "<") else {
                throw scanner.fail("expected '<' after the quoted display name, found \(SIPGrammar.describe(scanner.peek()))")
            }
            bracketed = true
        } else {
            var j = scanner.index
            while j < bytes.count && bytes[j] != UInt8(ascii: "<") && bytes[j] != UInt8(ascii: ";") && bytes[j] != UInt8(ascii: "\"") {
                j += 1
            }
            if j < bytes.count && bytes[j] == UInt8(ascii: "\"") {
                throw scanner.fail("a quoted display name must be the whole display name", at: j)
            }
            if j < bytes.count && bytes[j] == UInt8(ascii: "<") {
                // display-name = *(token LWS): a display name with other characters must be quoted
                var words: [String] = []
                var k = scanner.index
                while k < j {
                    if SIPGrammar.isWSP(bytes[k]) { k += 1; continue }
                    let start = k
                    while k < j && !SIPGrammar.isWSP(bytes[k]) {
                        guard SIPGrammar.isToken(bytes[k]) else {
                            throw scanner.fail("\(SIPGrammar.describe(bytes[k])) in an unquoted display name (it must be a quoted string)", at: k)
                        }
                        k += 1
                    }
                    words.append(String(decoding: bytes[start..<k], as: UTF8.self))
                }
                displayName = words.isEmpty ? nil : words.joined(separator: " ")
                scanner.index = j
                bracketed = true
            }
        }

        let uri: SIPAnyURI
        if bracketed {
            let open = scanner.index
            scanner.index += 1
            let start = scanner.index
            while let b = scanner.peek(), b != UInt8(ascii: ">") { scanner.index += 1 }
            guard scanner.peek() == UInt8(ascii: ">") else {
                throw scanner.fail("'<' without a matching '>'", at: open)
            }
            uri = try SIPAnyURI.parse(bytes, start..<scanner.index, context: scanner.context.nestedURI)
            scanner.index += 1
        } else {
            let start = scanner.index
            while let b = scanner.peek(), !SIPGrammar.isWSP(b), b != UInt8(ascii: ";") { scanner.index += 1 }
            if let q = bytes[start..<scanner.index].firstIndex(of: UInt8(ascii: "?")) {
                throw scanner.fail("a URI with '?' must be enclosed in '<' and '>' (RFC 3261 20.10)", at: q)
            }
            uri = try SIPAnyURI.parse(bytes, start..<scanner.index, context: scanner.context.nestedURI)
        }

        let parametersStart = scanner.index
        let parameters = try SIPParameters.parseHeaderParameters(&scanner)
        for p in parameters.items {
            switch SIPGrammar.asciiLowercased(p.name) {
            case "tag":
                guard let v = p.value, SIPGrammar.isToken(v) else {
                    throw scanner.fail("tag parameter must be a token", at: parametersStart)
                }
            case "expires":
                guard let v = p.value, !v.isEmpty, v.utf8.allSatisfy(SIPGrammar.isDigit) else {
                    throw scanner.fail("expires parameter '\(p.value ?? "")' is not delta-seconds", at: parametersStart)
                }
            case "q":
                guard let v = p.value, isQValue(v) else {
                    throw scanner.fail("q parameter '\(p.value ?? "")' is not a qvalue (0 to 1, three decimals)", at: parametersStart)
                }
            default:
                break
            }
        }
        try scanner.expectEnd(after: "the address")
        return SIPNameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }
}
