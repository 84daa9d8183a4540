/// A 12-bit STUN method number (RFC 8489 section 18.2 registry).
public struct STUNMethod: Hashable, Sendable, CustomStringConvertible {
    /// The method number; only the low 12 bits are encoded.
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }

    /// Binding, the only method RFC 8489 defines and the one ICE uses.
    public static let binding = STUNMethod(rawValue: 0x001)

    public var description: String {
        rawValue == 0x001 ? "Binding" : "method 0x\(String(rawValue, radix: 16))"
    }
}
