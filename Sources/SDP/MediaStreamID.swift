/// `a=msid:<stream id> [<track id>]`: the media stream a media section belongs to (RFC 8830 section 2).
public struct MediaStreamID: SDPAttributeValue {
    /// The attribute name, `msid`.
    public static var attributeName: String { "msid" }

    /// The stream identifier (`msid-id`), or `-` for none.
    public var id: String
    /// The application data (`msid-appdata`), in WebRTC the track identifier.
    public var appData: String?

    /// Creates a stream identification.
    public init(id: String, appData: String? = nil) {
        self.id = id
        self.appData = appData
    }

    static var grammar: String { "a=msid:<msid-id> [<msid-appdata>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count == 1 || fields.count == 2, fields.allSatisfy({ $0.count <= 64 && SDPGrammar.isToken($0) })
        else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        self.init(id: SDPGrammar.string(fields[0]), appData: fields.count == 2 ? SDPGrammar.string(fields[1]) : nil)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String { appData.map { "\(id) \($0)" } ?? id }
}
