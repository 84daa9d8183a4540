/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`: what an RTP
/// payload type means (RFC 8866 section 6.6).
public struct RTPMap: SDPAttributeValue {
    /// The attribute name, `rtpmap`.
    public static var attributeName: String { "rtpmap" }

    /// The RTP payload type, 0 to 127 (RFC 3550 section 5.1: seven bits).
    public var payloadType: UInt8
    /// The encoding name, such as `opus` or `PCMU`; compared case-insensitively (RFC 4855 section 3).
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// For audio, the number of channels; `nil` when absent, which means one (RFC 8866 section 6.6).
    public var channels: UInt8?

    /// Creates a mapping.
    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    static var grammar: String { "a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count == 2, let payloadType = SDPGrammar.number(fields[0], as: UInt8.self), payloadType <= 127
        else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        let parts = fields[1].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, SDPGrammar.isToken(parts[0]),
            let clockRate = SDPGrammar.number(parts[1], as: UInt32.self)
        else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        var channels: UInt8?
        if parts.count == 3 {
            guard let value = SDPGrammar.number(parts[2], as: UInt8.self) else {
                throw Self.invalid(attributeValue, grammar: Self.grammar)
            }
            channels = value
        }
        self.init(
            payloadType: payloadType, encodingName: SDPGrammar.string(parts[0]), clockRate: clockRate,
            channels: channels)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }
}
