/// A `b=` line: proposed bandwidth (RFC 8866 section 5.8).
public struct Bandwidth: Hashable, Sendable {
    /// The modifier: `CT`, `AS` (kilobits per second), `TIAS` (bits per second, RFC 3890), `RS`,
    /// `RR` (RFC 3556) or an extension.
    public var type: String
    /// The bandwidth in the unit the modifier defines.
    public var value: UInt64

    /// Creates a bandwidth line.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    /// Application-specific maximum, in kilobits per second.
    public static func applicationSpecific(_ kilobits: UInt64) -> Bandwidth { Bandwidth(type: "AS", value: kilobits) }

    /// Transport-independent application-specific maximum, in bits per second (RFC 3890).
    public static func transportIndependent(_ bits: UInt64) -> Bandwidth { Bandwidth(type: "TIAS", value: bits) }
}

// MARK: - Wire encoding

extension Bandwidth {
    static var grammar: String { "b=<bwtype>:<bandwidth>" }

    /// Parses the value of a `b=` line (RFC 8866 section 9: `bwtype ":" bandwidth`, a token and `1*DIGIT`).
    init(value: SDPGrammar.Bytes) throws(SDPError) {
        guard let (type, amount) = SDPGrammar.splitOnce(value, at: UInt8(ascii: ":")), SDPGrammar.isToken(type),
            let number = SDPGrammar.number(amount, as: UInt64.self)
        else { throw SDPError.expected(Self.grammar, text: nil) }
        self.init(type: SDPGrammar.string(type), value: number)
    }

    var wireValue: String { "\(type):\(value)" }
}
