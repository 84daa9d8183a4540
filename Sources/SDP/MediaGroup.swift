/// `a=group:<semantics> <mid> ...`: media sections that belong together (RFC 5888 section 5),
/// such as `BUNDLE` (RFC 8843) or `LS` (lip sync).
public struct MediaGroup: SDPAttributeValue {
    /// The attribute name, `group`.
    public static var attributeName: String { "group" }

    /// The grouping semantics, such as `BUNDLE`.
    public var semantics: String
    /// The identification tags (`a=mid` values) of the grouped media, in order.
    public var mids: [String]

    /// Creates a group.
    public init(semantics: String, mids: [String]) {
        self.semantics = semantics
        self.mids = mids
    }

    /// A `BUNDLE` group (RFC 8843 section 7.1).
    public static func bundle(_ mids: [String]) -> MediaGroup { MediaGroup(semantics: "BUNDLE", mids: mids) }

    static var grammar: String { "a=group:<semantics> <identification-tag> ..." }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard let first = fields.first, fields.allSatisfy({ SDPGrammar.isToken($0) }) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        self.init(semantics: SDPGrammar.string(first), mids: fields.dropFirst().map(SDPGrammar.string))
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String { ([semantics] + mids).joined(separator: " ") }
}
