/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 section 6.15).
///
/// The parameter string is kept verbatim; ``parameterList`` and the subscript give the usual
/// `key=value;key=value` view, and ``telephoneEvents`` the RFC 4733 event list view.
public struct FormatParameters: SDPAttributeValue {
    /// The attribute name, `fmtp`.
    public static var attributeName: String { "fmtp" }

    /// One `name[=value]` item of a `;`-separated parameter string.
    public struct Parameter: Hashable, Sendable {
        /// The name, such as `useinbandfec`.
        public var name: String
        /// The value after `=`, or `nil` for a bare name.
        public var value: String?

        /// Creates a parameter.
        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The format (an RTP payload type for RTP media) the parameters apply to.
    public var format: String
    /// Everything after the first space, verbatim.
    public var parameters: String

    /// Creates format parameters from a raw parameter string.
    public init(format: String, parameters: String) {
        self.format = format
        self.parameters = parameters
    }

    /// Creates format parameters for a payload type from a raw parameter string.
    public init(payloadType: UInt8, parameters: String) {
        self.init(format: String(payloadType), parameters: parameters)
    }

    /// Creates format parameters from `name=value` items joined with `;`.
    public init(format: String, parameterList: [Parameter]) {
        self.init(format: format, parameters: "")
        self.parameterList = parameterList
    }

    /// The payload type when the format is a number from 0 to 127.
    public var payloadType: UInt8? {
        guard let value = SDPGrammar.number(format, as: UInt8.self), value <= 127 else { return nil }
        return value
    }

    /// The parameter string as `;`-separated `name[=value]` items with surrounding spaces trimmed;
    /// setting it writes `name=value;name=value`.
    public var parameterList: [Parameter] {
        get {
            parameters.utf8.split(separator: UInt8(ascii: ";")).compactMap { item in
                var bytes = SDPGrammar.Bytes(item)
                while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
                while bytes.last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
                guard !bytes.isEmpty else { return nil }
                if let (name, value) = SDPGrammar.splitOnce(bytes, at: UInt8(ascii: "=")) {
                    return Parameter(SDPGrammar.string(name), SDPGrammar.string(value))
                }
                return Parameter(SDPGrammar.string(bytes))
            }
        }
        set {
            parameters = newValue.map { item in item.value.map { "\(item.name)=\($0)" } ?? item.name }
                .joined(separator: ";")
        }
    }

    /// The value of the first parameter with this name, compared case-insensitively
    /// (RFC 4855 section 3 makes media type parameter names case-insensitive).
    public subscript(name: String) -> String? {
        parameterList.first { SDPGrammar.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The parameter string read as an RFC 4733 event list (`0-15,66,70`), or `nil` when it is not one.
    public var telephoneEvents: TelephoneEvents? { try? TelephoneEvents(parsing: parameters) }

    static var grammar: String { "a=fmtp:<format> <format specific parameters>" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let bytes = SDPGrammar.bytes(attributeValue)
        let (format, rest) = SDPGrammar.splitOnce(bytes, at: UInt8(ascii: " ")) ?? (bytes, bytes[bytes.endIndex...])
        guard SDPGrammar.isToken(format) else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
        self.init(format: SDPGrammar.string(format), parameters: SDPGrammar.string(rest))
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String { parameters.isEmpty ? format : "\(format) \(parameters)" }
}
