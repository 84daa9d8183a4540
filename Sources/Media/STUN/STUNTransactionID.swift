/// The 96-bit STUN transaction ID (RFC 8489 section 5), held inline.
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    /// First four bytes, network order.
    public var high: UInt32
    /// Last eight bytes, network order.
    public var low: UInt64

    public init(high: UInt32, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From exactly 12 bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 12 else { return nil }
        high = bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
        low = bytes.dropFirst(4).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A transaction ID from a cryptographically strong generator, as RFC 8489 section 6 requires
    /// ("uniformly and randomly chosen from the interval 0 .. 2**96-1").
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A transaction ID drawn from `generator` (tests pass a seeded one).
    public static func random(using generator: inout some RandomNumberGenerator) -> STUNTransactionID {
        STUNTransactionID(high: generator.next(), low: generator.next())
    }

    /// The 12 bytes in network order.
    public var bytes: [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: high >> (24 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
