/// `a=rtcp-fb:<payload type or *> <type> [<subtype>]`: an RTCP feedback capability
/// (RFC 4585 section 4.2), such as `nack pli`, `ccm fir`, `transport-cc` or `trr-int 100`.
public struct RTCPFeedback: SDPAttributeValue {
    /// The attribute name, `rtcp-fb`.
    public static var attributeName: String { "rtcp-fb" }

    /// Which formats the feedback applies to.
    public enum Target: Hashable, Sendable {
        /// `*`: every payload type of the media.
        case all
        /// One format, normally an RTP payload type.
        case format(String)
    }

    /// Which formats the feedback applies to.
    public var target: Target
    /// The feedback type, such as `nack`, `ccm`, `goog-remb`, `transport-cc` or `trr-int`.
    public var type: String
    /// Everything after the type, such as `pli`, `fir` or the `trr-int` interval.
    public var subtype: String?

    /// Creates a feedback attribute.
    public init(target: Target, type: String, subtype: String? = nil) {
        self.target = target
        self.type = type
        self.subtype = subtype
    }

    /// Creates a feedback attribute for one payload type.
    public init(payloadType: UInt8, type: String, subtype: String? = nil) {
        self.init(target: .format(String(payloadType)), type: type, subtype: subtype)
    }

    static var grammar: String { "a=rtcp-fb:<payload type>|* <type> [<subtype>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count >= 2, SDPGrammar.isToken(fields[0]), SDPGrammar.isToken(fields[1]) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        let target = fields[0].elementsEqual("*".utf8) ? Target.all : .format(SDPGrammar.string(fields[0]))
        let subtype = fields.count > 2 ? fields[2...].map(SDPGrammar.string).joined(separator: " ") : nil
        self.init(target: target, type: SDPGrammar.string(fields[1]), subtype: subtype)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        let head: String
        switch target {
        case .all: head = "*"
        case .format(let format): head = format
        }
        return subtype.map { "\(head) \(type) \($0)" } ?? "\(head) \(type)"
    }
}
