/// Every problem found in a configuration file, ordered by line.
///
/// ``ConfigurationLoader`` reports all problems it can find at once so they
/// can be fixed in one go; ``description`` has one ``ConfigurationError`` per line.
public struct ConfigurationErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, ordered by line (problems without a line first).
    public var errors: [ConfigurationError]

    /// Creates a list of errors.
    public init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    /// The errors' descriptions, one per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
