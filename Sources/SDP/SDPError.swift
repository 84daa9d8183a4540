/// Why a session description could not be parsed, validated or negotiated.
///
/// Parse errors carry the 1-based number of the offending line, its text and what the grammar
/// expected there, so `description` reads like
/// `line 4: expected "c=<nettype> <addrtype> <address>", got "c=IN IP4"`.
/// Errors that concern the input or a model as a whole (size limits, capabilities) have `line` 0.
public struct SDPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: String, Hashable, Sendable {
            case inputTooLarge = "input-too-large"
            case tooManyLines = "too-many-lines"
            case tooManyMediaDescriptions = "too-many-media-descriptions"
            case invalidCharacters = "invalid-characters"
            case malformedLine = "malformed-line"
            case unknownLineType = "unknown-line-type"
            case misplacedLine = "misplaced-line"
            case duplicateLine = "duplicate-line"
            case missingLine = "missing-line"
            case missingConnection = "missing-connection"
            case invalidAttribute = "invalid-attribute"
            case unrepresentableModel = "unrepresentable-model"
            case invalidCapabilities = "invalid-capabilities"
        }

        let backing: Backing

        init(_ backing: Backing) { self.backing = backing }

        /// The input is larger than `SDPLimits.maxBytes`.
        public static var inputTooLarge: Code { Code(.inputTooLarge) }
        /// The input has more lines than `SDPLimits.maxLines`.
        public static var tooManyLines: Code { Code(.tooManyLines) }
        /// The input has more `m=` sections than `SDPLimits.maxMediaDescriptions`.
        public static var tooManyMediaDescriptions: Code { Code(.tooManyMediaDescriptions) }
        /// A line is not UTF-8, or holds NUL or a bare CR (RFC 8866 section 9, `byte-string`).
        public static var invalidCharacters: Code { Code(.invalidCharacters) }
        /// A line does not match the grammar of its type (RFC 8866 section 9).
        public static var malformedLine: Code { Code(.malformedLine) }
        /// A type letter this parser does not know (RFC 8866 section 5: such a description must be rejected).
        public static var unknownLineType: Code { Code(.unknownLineType) }
        /// A line in a place RFC 8866 section 5 does not allow (for example `r=` before any `t=`).
        public static var misplacedLine: Code { Code(.misplacedLine) }
        /// A line that may appear at most once in its section appears again.
        public static var duplicateLine: Code { Code(.duplicateLine) }
        /// A mandatory line (`v=`, `o=`, `s=`, `t=`) is absent.
        public static var missingLine: Code { Code(.missingLine) }
        /// A media section has no `c=` line and there is none at session level (RFC 8866 section 5.7).
        public static var missingConnection: Code { Code(.missingConnection) }
        /// A known attribute whose value does not match its grammar.
        public static var invalidAttribute: Code { Code(.invalidAttribute) }
        /// A model that cannot be serialized so that it parses back to itself.
        public static var unrepresentableModel: Code { Code(.unrepresentableModel) }
        /// Offer/answer capabilities that cannot be turned into a description.
        public static var invalidCapabilities: Code { Code(.invalidCapabilities) }

        /// The code's name, such as `malformed-line`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The 1-based number of the offending line; 0 when the error does not concern one line.
    public var line: Int
    /// The offending line without its line ending, or `nil` at end of input or for whole-input errors.
    public var lineText: String?
    /// A human reason, usually `expected "<grammar>"`.
    public var reason: String

    /// Creates an error.
    public init(code: Code, line: Int, lineText: String?, reason: String) {
        self.code = code
        self.line = line
        self.lineText = lineText
        self.reason = reason
    }

    /// A one-line human description.
    public var description: String {
        guard line > 0 else {
            if let lineText { return "\(reason), got \(Self.quoted(lineText))" }
            return reason
        }
        let got = lineText.map(Self.quoted) ?? "end of input"
        return "line \(line): \(reason), got \(got)"
    }

    /// An error whose reason is `expected "<grammar>"`.
    static func expected(_ grammar: String, code: Code = .malformedLine, line: Int = 0, text: String?) -> SDPError {
        SDPError(code: code, line: line, lineText: text, reason: "expected \"\(grammar)\"")
    }

    /// The same error placed at a line (used when a value parser's error reaches the line parser).
    func at(line: Int, text: String) -> SDPError {
        var copy = self
        copy.line = line
        copy.lineText = text
        return copy
    }

    /// Quotes text for a message: escapes quotes, backslashes and control characters, and shortens
    /// long lines so that an error about hostile input stays readable.
    static func quoted(_ text: String) -> String {
        var out = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 120 {
                out += "..."
                break
            }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
