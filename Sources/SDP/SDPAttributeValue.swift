/// A typed value of one kind of value attribute, such as ``RTPMap`` for `a=rtpmap:`.
///
/// Conforming types parse from the text after `name:` and print back to it. Printing a parsed
/// value may normalise spacing or letter case; the attribute list itself keeps the received text,
/// so typed reading never changes what is forwarded.
public protocol SDPAttributeValue: Hashable, Sendable {
    /// The attribute name this type reads and writes, such as `rtpmap`.
    static var attributeName: String { get }
    /// Parses the text after `<name>:`; throws ``SDPError`` with code `invalidAttribute` and line 0.
    init(attributeValue: String) throws(SDPError)
    /// The text to write after `<name>:`.
    var attributeValue: String { get }
}

extension SDPAttributeValue {
    /// The error every conforming parser throws: the attribute text and its expected grammar.
    static func invalid(_ value: String, grammar: String) -> SDPError {
        SDPError.expected(grammar, code: .invalidAttribute, text: "a=\(attributeName):\(value)")
    }
}
