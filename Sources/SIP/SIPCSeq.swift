/// The CSeq header (RFC 3261 20.16): a sequence number and the request method.
public struct SIPCSeq: Hashable, Sendable, CustomStringConvertible {
    /// The sequence number; it fits 32 bits (RFC 3261 8.1.1.5 and 20.16).
    public var sequence: UInt32
    /// The method, equal to the request method (8.1.1.5).
    public var method: SIPMethod

    /// Creates a CSeq value.
    public init(sequence: UInt32, method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    /// Parses `1*DIGIT LWS Method`.
    public init(parsing text: String) throws {
        var s = SIPScanner(text, context: .header("CSeq"))
        self = try Self.parse(&s)
    }

    public var description: String { "\(sequence) \(method.rawValue)" }

    static func parse(_ s: inout SIPScanner) throws -> SIPCSeq {
        s.skipWSP()
        let number = try s.expectNumber("sequence number", maximum: UInt64(UInt32.max))
        guard s.skipWSP() else {
            throw s.fail("expected whitespace after the sequence number, found \(SIPGrammar.describe(s.peek()))")
        }
        let method = try s.expectToken("method")
        try s.expectEnd(after: "the method")
        return SIPCSeq(sequence: UInt32(number), method: SIPMethod(unchecked: method))
    }
}
