/// The RAck header of RFC 3262 7.2: the RSeq and CSeq of the reliable provisional response a
/// PRACK acknowledges.
public struct SIPRAck: Hashable, Sendable, CustomStringConvertible {
    /// The RSeq of the provisional response.
    public var responseNumber: UInt32
    /// The CSeq number of the provisional response.
    public var cseqNumber: UInt32
    /// The CSeq method of the provisional response.
    public var method: SIPMethod

    /// Creates an RAck value.
    public init(responseNumber: UInt32, cseqNumber: UInt32, method: SIPMethod) {
        self.responseNumber = responseNumber
        self.cseqNumber = cseqNumber
        self.method = method
    }

    /// Parses `response-num LWS CSeq-num LWS Method`.
    public init(parsing text: String) throws {
        var s = SIPScanner(text, context: .header("RAck"))
        s.skipWSP()
        let rseq = try s.expectNumber("response number", maximum: UInt64(UInt32.max))
        guard s.skipWSP() else { throw s.fail("expected whitespace after the response number") }
        let cseq = try s.expectNumber("CSeq number", maximum: UInt64(UInt32.max))
        guard s.skipWSP() else { throw s.fail("expected whitespace after the CSeq number") }
        let method = try s.expectToken("method")
        try s.expectEnd(after: "the method")
        self.init(responseNumber: UInt32(rseq), cseqNumber: UInt32(cseq), method: SIPMethod(unchecked: method))
    }

    public var description: String { "\(responseNumber) \(cseqNumber) \(method.rawValue)" }
}
