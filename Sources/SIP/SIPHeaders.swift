/// The header fields of a message, in order, one entry per field line.
///
/// Lookups compare names case-insensitively and treat compact forms as their long form.
/// `elements(for:)` splits comma-separated list headers (RFC 3261 7.3.1) without splitting at
/// commas inside quoted strings or `<...>`.
public struct SIPHeaders: Hashable, Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The fields in message order.
    public var fields: [SIPHeader]

    /// Creates a header list.
    public init(_ fields: [SIPHeader] = []) { self.fields = fields }

    public init(arrayLiteral elements: (SIPHeaderName, String)...) {
        self.fields = elements.map { SIPHeader(name: $0.0, value: $0.1) }
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> SIPHeader { fields[position] }

    /// The value of the first field with this name.
    public subscript(name: SIPHeaderName) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The values of every field line with this name, in order (not split at commas).
    public func values(for name: SIPHeaderName) -> [String] {
        fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// The comma-separated elements of every field line with this name, in order, each trimmed.
    /// Commas inside quoted strings and `<...>` do not split. An empty element between two
    /// commas is returned as "" so that a typed parser can reject it. Header fields known not to
    /// be lists (Authorization, WWW-Authenticate, Date, Subject, ...) are returned whole, one
    /// element per line; unknown extension headers are split.
    public func elements(for name: SIPHeaderName) -> [String] {
        guard name.isList || !name.isKnown else { return values(for: name) }
        var result: [String] = []
        for field in fields where field.name == name {
            let bytes = Array(field.value.utf8)
            for range in Self.splitList(bytes) {
                result.append(String(decoding: bytes[range], as: UTF8.self))
            }
        }
        return result
    }

    /// True if any field has this name.
    public func contains(_ name: SIPHeaderName) -> Bool { fields.contains { $0.name == name } }

    /// Appends a field.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        fields.append(SIPHeader(name: name, value: value))
    }

    /// Replaces every field with this name by one field, at the position of the first one
    /// (or at the end).
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        if let first = fields.firstIndex(where: { $0.name == name }) {
            fields[first] = SIPHeader(name: name, value: value)
            var i = fields.index(after: first)
            while i < fields.endIndex {
                if fields[i].name == name { fields.remove(at: i) } else { i += 1 }
            }
        } else {
            add(name, value)
        }
    }

    /// Removes every field with this name.
    public mutating func remove(_ name: SIPHeaderName) {
        fields.removeAll { $0.name == name }
    }

    /// Ranges of the comma-separated elements of a header value, each trimmed of whitespace.
    /// A comma splits only outside quoted strings (with backslash escapes) and outside `<...>`.
    static func splitList(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var inQuotes = false
        var escaped = false
        var angle = false
        var start = 0
        func push(_ end: Int) {
            var lo = start, hi = end
            while lo < hi && SIPGrammar.isWSP(bytes[lo]) { lo += 1 }
            while hi > lo && SIPGrammar.isWSP(bytes[hi - 1]) { hi -= 1 }
            ranges.append(lo..<hi)
        }
        for (i, b) in bytes.enumerated() {
            if inQuotes {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inQuotes = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: "<"): angle = true
            case UInt8(ascii: ">"): angle = false
            case UInt8(ascii: ",") where !angle:
                push(i)
                start = i + 1
            default: break
            }
        }
        push(bytes.count)
        if ranges.count == 1 && ranges[0].isEmpty { return [] }
        return ranges
    }
}
