/// `a=extmap:<id>[/<direction>] <URI> [<extension attributes>]`: an RTP header extension
/// (RFC 8285 section 8).
public struct ExtensionMap: SDPAttributeValue {
    /// The attribute name, `extmap`.
    public static var attributeName: String { "extmap" }

    /// The local identifier: 1 to 14 for one-byte headers, up to 255 for two-byte headers,
    /// 4096 to 4351 in offers that let the answerer choose (RFC 8285 section 6).
    public var id: UInt16
    /// The direction, when the extension is not used both ways.
    public var direction: MediaDirection?
    /// The extension's URI, such as `urn:ietf:params:rtp-hdrext:ssrc-audio-level`.
    public var uri: String
    /// Extension attributes after the URI, verbatim.
    public var attributes: String?

    /// Creates an extension mapping.
    public init(id: UInt16, direction: MediaDirection? = nil, uri: String, attributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.attributes = attributes
    }

    static var grammar: String { "a=extmap:<value>[/<direction>] <URI> [<extension attributes>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count >= 2 else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        let entry = fields[0].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard entry.count <= 2, entry[0].count <= 5, let id = SDPGrammar.number(entry[0], as: UInt16.self) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        var direction: MediaDirection?
        if entry.count == 2 {
            guard let value = MediaDirection(rawValue: SDPGrammar.string(entry[1])) else {
                throw Self.invalid(attributeValue, grammar: Self.grammar)
            }
            direction = value
        }
        let attributes = fields.count > 2 ? fields[2...].map(SDPGrammar.string).joined(separator: " ") : nil
        self.init(id: id, direction: direction, uri: SDPGrammar.string(fields[1]), attributes: attributes)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        var text = "\(id)"
        if let direction { text += "/\(direction.rawValue)" }
        text += " \(uri)"
        if let attributes { text += " \(attributes)" }
        return text
    }
}
