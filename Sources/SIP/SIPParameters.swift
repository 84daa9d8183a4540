/// An ordered list of `;name[=value]` parameters, as found on URIs and header values.
///
/// Values are kept in their wire form: percent-escaped in URIs, possibly a quoted-string in header
/// values (with its quotes). Names compare case-insensitively (RFC 3261 7.3.1, 19.1.4).
/// A parameter without a value ("lr", "rport") reads as "".
public struct SIPParameters: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One parameter in wire form.
    public struct Parameter: Hashable, Sendable {
        /// The name as written.
        public var name: String
        /// The value as written, nil for a parameter without "=".
        public var value: String?

        /// Creates a parameter.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters in order.
    public var items: [Parameter]

    /// Creates a parameter list.
    public init(_ items: [Parameter] = []) { self.items = items }

    public init(dictionaryLiteral elements: (String, String?)...) {
        self.items = elements.map { Parameter(name: $0.0, value: $0.1) }
    }

    public var startIndex: Int { items.startIndex }
    public var endIndex: Int { items.endIndex }
    public subscript(position: Int) -> Parameter { items[position] }

    /// The wire value of the first parameter with this name: "" when it has no value, nil when
    /// absent. Setting nil removes it; setting "" makes it valueless; setting a value replaces
    /// the first one in place or appends.
    public subscript(name: String) -> String? {
        get {
            guard let p = items.first(where: { SIPGrammar.equalsIgnoringCase($0.name, name) }) else { return nil }
            return p.value ?? ""
        }
        set {
            guard let newValue else {
                items.removeAll { SIPGrammar.equalsIgnoringCase($0.name, name) }
                return
            }
            let value: String? = newValue.isEmpty ? nil : newValue
            if let i = items.firstIndex(where: { SIPGrammar.equalsIgnoringCase($0.name, name) }) {
                items[i].value = value
            } else {
                items.append(Parameter(name: name, value: value))
            }
        }
    }

    /// True if a parameter with this name is present.
    public func contains(_ name: String) -> Bool {
        items.contains { SIPGrammar.equalsIgnoringCase($0.name, name) }
    }

    /// Appends a parameter (even if one with the same name exists).
    public mutating func append(_ name: String, _ value: String? = nil) {
        items.append(Parameter(name: name, value: value))
    }

    /// The value with quotes and escapes removed, for a header parameter that may be a
    /// quoted-string; nil when absent, "" when valueless.
    public func unquotedValue(_ name: String) -> String? {
        self[name].map(SIPQuotedString.unquote)
    }

    /// Writes `;name=value` for each parameter.
    func write(to out: inout String) {
        for p in items {
            out += ";"
            out += p.name
            if let v = p.value {
                out += "="
                out += v
            }
        }
    }

    /// Reads header parameters (RFC 3261 `generic-param` after SEMI): token [EQUAL gen-value]
    /// with gen-value = token / host / quoted-string, stopping at anything else.
    static func parseHeaderParameters(_ scanner: inout SIPScanner) throws -> SIPParameters {
        var params = SIPParameters()
        while scanner.consumeSeparator(UInt8(ascii: ";")) {
            guard let name = scanner.readToken() else {
                throw scanner.fail("expected a parameter name after ';', found \(SIPGrammar.describe(scanner.peek()))")
            }
            var value: String? = nil
            if scanner.consumeSeparator(UInt8(ascii: "=")) {
                value = try readGenericValue(&scanner, parameter: name)
            }
            params.items.append(Parameter(name: name, value: value))
        }
        return params
    }

    /// gen-value = token / host / quoted-string, in wire form.
    static func readGenericValue(_ scanner: inout SIPScanner, parameter name: String) throws -> String {
        switch scanner.peek() {
        case UInt8(ascii: "\""):
            return try scanner.readQuotedString().raw
        case UInt8(ascii: "["):
            let start = scanner.index
            scanner.index += 1
            while let b = scanner.peek(), b != UInt8(ascii: "]") {
                guard SIPGrammar.isHex(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") else {
                    throw scanner.fail("\(SIPGrammar.describe(b)) in IPv6 reference of parameter '\(name)'")
                }
                scanner.index += 1
            }
            guard scanner.consume(UInt8(ascii: "]")) else {
                throw scanner.fail("IPv6 reference in parameter '\(name)' lacks ']'", at: start)
            }
            let host = try SIPHost.parse(scanner.bytes, start..<scanner.index, context: scanner.context)
            return host.description
        default:
            let start = scanner.index
            guard scanner.readToken() != nil else {
                throw scanner.fail("parameter '\(name)' has '=' but no value (found \(SIPGrammar.describe(scanner.peek())))")
            }
            // Via received = IPv6address without brackets (RFC 3261 25.1, RFC 5118 4.5).
            if scanner.peek() == UInt8(ascii: ":") && SIPGrammar.equalsIgnoringCase(name, "received") {
                while let b = scanner.peek(), SIPGrammar.isHex(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") {
                    scanner.index += 1
                }
            }
            return String(decoding: scanner.bytes[start..<scanner.index], as: UTF8.self)
        }
    }
}
