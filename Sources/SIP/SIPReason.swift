/// One value of the Reason header of RFC 3326: why a request was sent, e.g.
/// `SIP;cause=200;text="Call completed elsewhere"` or `Q.850;cause=16`.
public struct SIPReason: Hashable, Sendable, CustomStringConvertible {
    /// "SIP", "Q.850" or another protocol token.
    public var protocolName: String
    /// Parameters in wire form (`cause`, `text`, extensions).
    public var parameters: SIPParameters

    /// Creates a Reason value.
    public init(protocolName: String, cause: Int? = nil, text: String? = nil, parameters: SIPParameters = SIPParameters()) {
        self.protocolName = protocolName
        self.parameters = parameters
        if let cause { self.parameters["cause"] = String(cause) }
        if let text { self.parameters["text"] = SIPQuotedString.quote(text) }
    }

    /// Parses one value (not a comma-separated list).
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count)
    }

    /// The `cause` parameter.
    public var cause: Int? { parameters["cause"].flatMap { Int($0) } }

    /// The `text` parameter, unquoted.
    public var text: String? { parameters.unquotedValue("text") }

    public var description: String {
        var out = protocolName
        parameters.write(to: &out)
        return out
    }

    static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws -> SIPReason {
        var s = SIPScanner(Array(bytes[range]), context: .header("Reason"))
        do {
            s.skipWSP()
            let proto = try s.expectToken("protocol (\"SIP\", \"Q.850\")")
            let parameters = try SIPParameters.parseHeaderParameters(&s)
            if let c = parameters["cause"], c.isEmpty || !c.utf8.allSatisfy(SIPGrammar.isDigit) || c.utf8.count > 9 {
                throw s.fail("cause parameter '\(c)' is not a number")
            }
            if let t = parameters["text"], !t.hasPrefix("\"") {
                throw s.fail("text parameter must be a quoted string (RFC 3326 2)")
            }
            try s.expectEnd(after: "the Reason value")
            return SIPReason(protocolName: proto, parameters: parameters)
        } catch var error as SIPParseError {
            error.position += range.lowerBound
            throw error
        }
    }
}
