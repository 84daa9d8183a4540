/// `a=setup:` for connection-oriented and DTLS transports (RFC 4145 section 4, used for DTLS by
/// RFC 5763 section 5 and RFC 8842).
public enum SetupRole: String, SDPAttributeValue, CaseIterable {
    /// The attribute name, `setup`.
    public static var attributeName: String { "setup" }

    /// The writer will initiate the connection (DTLS client).
    case active
    /// The writer will accept the connection (DTLS server).
    case passive
    /// The writer can take either role; what offers say (RFC 5763 section 5).
    case actpass
    /// The writer does not want a connection now.
    case holdconn

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        guard let role = SetupRole(rawValue: attributeValue) else {
            throw Self.invalid(attributeValue, grammar: "a=setup:active|passive|actpass|holdconn")
        }
        self = role
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String { rawValue }
}
