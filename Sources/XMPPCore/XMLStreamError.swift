/// Why an XML stream cannot go on. Each maps to an RFC 6120 section 4.9.3 stream error condition.
public struct XMLStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Not well-formed XML (including invalid UTF-8 and undefined entities).
        case notWellFormed = "not-well-formed"
        /// A construct RFC 6120 section 11.1 forbids: DTD, comment, processing instruction, entity declaration.
        case restrictedXML = "restricted-xml"
        /// Stanza size, nesting depth or attribute count over the configured limit.
        case policyViolation = "policy-violation"
        /// The root element is not `<stream:stream>`.
        case invalidNamespace = "invalid-namespace"
        /// The stream ended before `</stream:stream>`.
        case truncated = "connection-timeout"
    }

    public var code: Code
    public var reason: String
    public var line: Int
    public var column: Int

    public init(_ code: Code, _ reason: String, line: Int = 0, column: Int = 0) {
        self.code = code
        self.reason = reason
        self.line = line
        self.column = column
    }

    /// RFC 6120 stream error condition to send before closing.
    public var streamCondition: String { code == .truncated ? "connection-timeout" : code.rawValue }

    public var description: String {
        line > 0 ? "\(code.rawValue) at line \(line), column \(column): \(reason)" : "\(code.rawValue): \(reason)"
    }
}
