/// `a=ssrc:<ssrc-id> <attribute>[:<value>]`: a source-level attribute (RFC 5576 section 4.1),
/// such as `cname:user@example.com` or `msid:stream track`.
public struct SSRCAttribute: SDPAttributeValue {
    /// The attribute name, `ssrc`.
    public static var attributeName: String { "ssrc" }

    /// The RTP synchronization source identifier.
    public var ssrc: UInt32
    /// The source attribute name, such as `cname`.
    public var attribute: String
    /// The source attribute value after `:`, verbatim.
    public var value: String?

    /// Creates a source-level attribute.
    public init(ssrc: UInt32, attribute: String, value: String? = nil) {
        self.ssrc = ssrc
        self.attribute = attribute
        self.value = value
    }

    static var grammar: String { "a=ssrc:<ssrc-id> <attribute>[:<value>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let bytes = SDPGrammar.bytes(attributeValue)
        guard let (id, rest) = SDPGrammar.splitOnce(bytes, at: UInt8(ascii: " ")),
            let ssrc = SDPGrammar.number(id, as: UInt32.self)
        else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        let (name, value) =
            SDPGrammar.splitOnce(rest, at: UInt8(ascii: ":")).map { ($0.0, Optional($0.1)) } ?? (rest, nil)
        guard SDPGrammar.isToken(name) else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        self.init(ssrc: ssrc, attribute: SDPGrammar.string(name), value: value.map(SDPGrammar.string))
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        value.map { "\(ssrc) \(attribute):\($0)" } ?? "\(ssrc) \(attribute)"
    }
}
