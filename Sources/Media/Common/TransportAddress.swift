/// An IP address and UDP port, without any socket library: what STUN carries in MAPPED-ADDRESS and
/// XOR-MAPPED-ADDRESS, and what the media engine keys its flows on.
public struct TransportAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 or IPv6 address held inline (no heap storage).
    public enum IP: Hashable, Sendable {
        /// IPv4 address in host order: 192.0.2.1 is `0xC000_0201`.
        case v4(UInt32)
        /// IPv6 address as two host-order halves: `high` holds the first eight bytes.
        case v6(high: UInt64, low: UInt64)

        /// The address from its 4 or 16 network-order bytes; nil for any other count.
        public init?(bytes: some Collection<UInt8>) {
            switch bytes.count {
            case 4:
                self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
            case 16:
                let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let low = bytes.dropFirst(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                self = .v6(high: high, low: low)
            default:
                return nil
            }
        }

        /// Network-order bytes: 4 for IPv4, 16 for IPv6.
        public var bytes: [UInt8] {
            switch self {
            case .v4(let value):
                return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
            case .v6(let high, let low):
                return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                    + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
            }
        }

        /// Whether this is an IPv4 address.
        public var isIPv4: Bool {
            if case .v4 = self { return true }
            return false
        }
    }

    /// The IP address.
    public var ip: IP
    /// The UDP port.
    public var port: UInt16

    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// Parses a textual address (dotted IPv4, or IPv6 per RFC 4291 section 2.2, without brackets or zone).
    public init?(_ text: some StringProtocol, port: UInt16) {
        if let value = Self.parseIPv4(Substring(text)) {
            self.init(ip: .v4(value), port: port)
        } else if let (high, low) = Self.parseIPv6(Substring(text)) {
            self.init(ip: .v6(high: high, low: low), port: port)
        } else {
            return nil
        }
    }

    /// The address alone, IPv6 in the RFC 5952 canonical form.
    public var ipDescription: String {
        switch ip {
        case .v4(let value): return Self.formatIPv4(value)
        case .v6(let high, let low): return Self.formatIPv6(high: high, low: low)
        }
    }

    /// `192.0.2.1:3478` or `[2001:db8::1]:3478`.
    public var description: String {
        switch ip {
        case .v4: return "\(ipDescription):\(port)"
        case .v6: return "[\(ipDescription)]:\(port)"
        }
    }

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.contains(":") else { return nil }
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ piece: Substring, allowIPv4: Bool) -> [UInt16]? {
            if piece.isEmpty { return [] }
            var result: [UInt16] = []
            let items = piece.split(separator: ":", omittingEmptySubsequences: false)
            for (index, item) in items.enumerated() {
                if allowIPv4, index == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(item.count), item.allSatisfy({ $0.isHexDigit }),
                        let group = UInt16(item, radix: 16)
                    else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        if halves.count == 2 {
            compressed = true
            guard let head = parseGroups(halves[0], allowIPv4: false),
                let rest = parseGroups(halves[1], allowIPv4: true)
            else { return nil }
            groups = head
            tail = rest
            guard groups.count + tail.count <= 7 else { return nil }
        } else {
            guard let all = parseGroups(halves[0], allowIPv4: true) else { return nil }
            groups = all
        }
        if compressed {
            groups += [UInt16](repeating: 0, count: 8 - groups.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    static func formatIPv4(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    /// RFC 5952 section 4: lowercase hex, no leading zeros, the longest run (of two or more) of zero
    /// groups shortened to `::`, the first run on a tie; IPv4-mapped addresses end in dotted form (section 5).
    static func formatIPv6(high: UInt64, low: UInt64) -> String {
        let groups =
            (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + formatIPv4(UInt32(truncatingIfNeeded: low))
        }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

extension Substring {
    /// Splits at "::" occurrences (IPv6 zero compression), keeping empty pieces.
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var pieces: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                pieces.append(self[start..<index])
                start = self.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        pieces.append(self[start..<endIndex])
        return pieces
    }
}
