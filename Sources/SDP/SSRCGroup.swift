/// `a=ssrc-group:<semantics> <ssrc-id> ...`: sources that belong together (RFC 5576 section 4.2),
/// such as `FID` for a retransmission stream or `SIM` for simulcast.
public struct SSRCGroup: SDPAttributeValue {
    /// The attribute name, `ssrc-group`.
    public static var attributeName: String { "ssrc-group" }

    /// The grouping semantics, such as `FID`.
    public var semantics: String
    /// The sources, in order.
    public var ssrcs: [UInt32]

    /// Creates a source group.
    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    static var grammar: String { "a=ssrc-group:<semantics> <ssrc-id> ..." }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard let first = fields.first, SDPGrammar.isToken(first) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        var ssrcs: [UInt32] = []
        for field in fields.dropFirst() {
            guard let ssrc = SDPGrammar.number(field, as: UInt32.self) else {
                throw Self.invalid(attributeValue, grammar: Self.grammar)
            }
            ssrcs.append(ssrc)
        }
        self.init(semantics: SDPGrammar.string(first), ssrcs: ssrcs)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String { ([semantics] + ssrcs.map { "\($0)" }).joined(separator: " ") }
}
