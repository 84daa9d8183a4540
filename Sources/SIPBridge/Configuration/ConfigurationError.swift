/// One problem found in a configuration file.
///
/// ``description`` reads `component.xml:12: <trunk> needs a uri attribute`:
/// the file name as given to the loader, the line (omitted when the problem
/// has none, e.g. an unreadable file) and the message.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file, exactly as passed to ``ConfigurationLoader``.
    public var file: String
    /// The 1-based line of the offending element or attribute, if known.
    public var line: Int?
    /// What is wrong, naming the element and attribute, e.g.
    /// `<trunk transport="xyz">: expected one of udp, tcp, tls, ws, wss`.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message` (or `file: message` without a line).
    public var description: String {
        if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
    }
}
