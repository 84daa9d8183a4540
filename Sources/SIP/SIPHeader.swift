/// One header field line of a message: a name and its value with line folding undone and
/// surrounding whitespace removed (RFC 3261 7.3.1).
public struct SIPHeader: Hashable, Sendable, CustomStringConvertible {
    /// The field name (compares case-insensitively, compact form equal to long form).
    public var name: SIPHeaderName
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(name: SIPHeaderName, value: String) {
        self.name = name
        self.value = value
    }

    /// "Name: value".
    public var description: String { "\(name.rawValue): \(value)" }
}
