/// The host of a SIP URI or Via sent-by (RFC 3261 25.1 `host`): a domain name, an IPv4 address
/// or an IPv6 address, which is written in brackets (an IPv6 reference).
public enum SIPHost: Hashable, Sendable, CustomStringConvertible {
    /// A host name as written (compared case-insensitively).
    case domain(String)
    /// A dotted-quad IPv4 address.
    case ipv4(String)
    /// An IPv6 address as written, without the brackets.
    case ipv6(String)

    /// Parses a host: `[v6]`, a dotted quad, or a host name.
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: SIPErrorContext(code: .malformedURI, header: nil, label: "host"))
    }

    /// The host as written in a URI: IPv6 addresses in brackets.
    public var description: String {
        switch self {
        case .domain(let name): return name
        case .ipv4(let address): return address
        case .ipv6(let address): return "[\(address)]"
        }
    }

    /// The address or name without brackets.
    public var address: String {
        switch self {
        case .domain(let s), .ipv4(let s), .ipv6(let s): return s
        }
    }

    /// True for an IP address (a host name "can resolve to" an address, but never equals one:
    /// RFC 3261 19.1.4).
    public var isIPAddress: Bool {
        if case .domain = self { return false }
        return true
    }

    /// RFC 3261 19.1.4 host equality: names case-insensitively, IPv6 addresses by value (so
    /// `[::1]` equals `[0:0:0:0:0:0:0:1]`).
    public func isEquivalent(to other: SIPHost) -> Bool {
        switch (self, other) {
        case (.domain(let a), .domain(let b)):
            return SIPGrammar.equalsIgnoringCase(a, b)
        case (.ipv4(let a), .ipv4(let b)):
            return Self.parseIPv4(Array(a.utf8)[...]) == Self.parseIPv4(Array(b.utf8)[...])
        case (.ipv6(let a), .ipv6(let b)):
            return Self.parseIPv6(Array(a.utf8)[...]) == Self.parseIPv6(Array(b.utf8)[...])
        default:
            return false
        }
    }

    /// Parses `bytes[range]` as a host.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> SIPHost {
        guard !range.isEmpty else { throw context.error("empty host", at: range.lowerBound) }
        let slice = bytes[range]
        if slice.first == UInt8(ascii: "[") {
            guard slice.last == UInt8(ascii: "]"), slice.count > 2 else {
                throw context.error("IPv6 reference without closing ']'", at: range.lowerBound)
            }
            let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
            guard parseIPv6(inner) != nil else {
                throw context.error("'\(String(decoding: inner, as: UTF8.self))' is not an IPv6 address (RFC 5118 4.10)", at: range.lowerBound)
            }
            return .ipv6(String(decoding: inner, as: UTF8.self))
        }
        if let bad = slice.firstIndex(where: { !SIPGrammar.has($0, SIPGrammar.hostChar) }) {
            if bytes[bad] == UInt8(ascii: ":") && slice.filter({ $0 == UInt8(ascii: ":") }).count > 1 {
                throw context.error("IPv6 address must be enclosed in brackets (RFC 5118 4.2)", at: bad)
            }
            throw context.error("\(SIPGrammar.describe(bytes[bad])) is not allowed in a host name", at: bad)
        }
        let text = String(decoding: slice, as: UTF8.self)
        if slice.allSatisfy({ SIPGrammar.isDigit($0) || $0 == UInt8(ascii: ".") }) {
            if parseIPv4(slice) != nil { return .ipv4(text) }
            // All digits and dots: not a host name either (toplabel starts with ALPHA).
            throw context.error("'\(text)' is not a valid IPv4 address", at: range.lowerBound)
        }
        try validateHostname(slice, context: context)
        return .domain(text)
    }

    /// hostname = *( domainlabel "." ) toplabel [ "." ] (RFC 3261 25.1), with "_" accepted in labels
    /// because deployed systems use it.
    static func validateHostname(_ slice: ArraySlice<UInt8>, context: SIPErrorContext) throws {
        var labels = slice.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count > 1 && labels.last!.isEmpty { labels.removeLast() }
        for label in labels {
            guard let first = label.first, let last = label.last else {
                throw context.error("empty label in host name", at: label.startIndex)
            }
            if first == UInt8(ascii: "-") || last == UInt8(ascii: "-") {
                throw context.error("host name label may not begin or end with '-'", at: label.startIndex)
            }
        }
        if let top = labels.last, let first = top.first, !SIPGrammar.isAlpha(first) {
            throw context.error("last label of a host name must begin with a letter", at: top.startIndex)
        }
    }

    /// Four decimal octets 0-255.
    static func parseIPv4(_ slice: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = slice.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard part.count <= 3, let v = SIPGrammar.parseUnsigned(part, maximum: 255) else { return nil }
            out.append(UInt8(v))
        }
        return out
    }

    /// An IPv6 address (RFC 4291 2.2 text forms, which RFC 5118 4.10 says to follow instead of the
    /// faulty RFC 3261 ABNF) as 16 bytes, or nil.
    static func parseIPv6(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var groups: [UInt16] = []
        var gap: Int? = nil
        var i = s.startIndex
        let end = s.endIndex
        guard !s.isEmpty, s.count <= 45 else { return nil }
        if s[i] == UInt8(ascii: ":") {
            guard i + 1 < end, s[i + 1] == UInt8(ascii: ":") else { return nil }
            gap = 0
            i += 2
        }
        while i < end {
            var j = i
            while j < end && s[j] != UInt8(ascii: ":") { j += 1 }
            let piece = s[i..<j]
            if piece.contains(UInt8(ascii: ".")) {
                guard j == end, groups.count <= 6, let v4 = parseIPv4(piece) else { return nil }
                groups.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                groups.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                i = end
                break
            }
            guard (1...4).contains(piece.count) else { return nil }
            var value: UInt16 = 0
            for b in piece {
                guard let h = SIPGrammar.hexValue(b) else { return nil }
                value = value << 4 | UInt16(h)
            }
            groups.append(value)
            guard groups.count <= 8 else { return nil }
            i = j
            if i == end { break }
            i += 1  // the ':'
            if i < end && s[i] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = groups.count
                i += 1
            } else if i == end {
                return nil
            }
        }
        if let gap {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gap)
        } else if groups.count != 8 {
            return nil
        }
        var out: [UInt8] = []
        for g in groups { out += [UInt8(g >> 8), UInt8(g & 0xFF)] }
        return out
    }
}
