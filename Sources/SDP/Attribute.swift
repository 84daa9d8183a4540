/// One `a=` line (RFC 8866 section 5.13): a property attribute `a=<name>` or a value attribute
/// `a=<name>:<value>`.
///
/// Sessions and media keep their attributes as an ordered list of these, exactly as received, so
/// unknown attributes survive a round trip verbatim and in order. Typed views (`rtpMaps`,
/// `candidates`, ...) are read from and written to this list; see ``SDPAttributeContainer``.
public struct Attribute: Hashable, Sendable, CustomStringConvertible {
    /// The attribute name, a token such as `rtpmap`. Names are compared case-sensitively.
    public var name: String
    /// The text after the first `:`, verbatim; `nil` for a property attribute. An empty string
    /// (`a=name:`) is distinct from `nil` (`a=name`).
    public var value: String?

    /// Creates an attribute from a name and an optional value.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Creates an attribute from a typed value.
    public init<Value: SDPAttributeValue>(_ typed: Value) {
        self.name = Value.attributeName
        self.value = typed.attributeValue
    }

    /// The attribute as it follows `a=` on the wire.
    public var description: String { value.map { "\(name):\($0)" } ?? name }
}
