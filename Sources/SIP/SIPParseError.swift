/// The one error the SIP message layer throws: what went wrong, in which header, and where.
///
/// `reason` is for humans and logs ("Via header: port 99999 is out of range 0-65535");
/// `summary` is short enough for a response reason phrase ("malformed Via header").
/// When the parser got far enough to read the start line and the header lines,
/// `recoveredMessage` holds them (unvalidated), so a UAS can answer a broken request with
/// `SIPMessage.makeErrorResponse(for:)` as RFC 3261 8.2 and 18.3 ask.
public struct SIPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Code: String, Hashable, Sendable {
        /// The message (head and body) exceeds `SIPLimits.maxMessageSize`.
        case messageTooLarge
        /// More header fields than `SIPLimits.maxHeaderCount`.
        case tooManyHeaders
        /// A header field (with its continuation lines) longer than `SIPLimits.maxLineLength`.
        case lineTooLong
        /// The request line or status line does not follow RFC 3261 7.1 / 7.2.
        case malformedStartLine
        /// The Request-URI is not a valid URI for a request (RFC 3261 19.1.1, 25).
        case malformedRequestURI
        /// The SIP-Version is well formed but not SIP/2.0 (answered with 505, RFC 3261 21.5.7).
        case unsupportedVersion
        /// A header line without a colon, with a bad name, or with a bare CR (RFC 3261 7.3.1).
        case malformedHeaderLine
        /// A header field value that does not follow its grammar.
        case malformedHeader
        /// A mandatory header field is absent (RFC 3261 8.1.1).
        case missingHeader
        /// A header field that may appear once appears several times (RFC 4475 3.3.8, 3.3.9).
        case duplicateHeader
        /// The CSeq method differs from the request method (RFC 3261 8.1.1.5).
        case methodMismatch
        /// Content-Length is not a number, negative, or too large (RFC 3261 20.14).
        case invalidContentLength
        /// A message on a stream transport has no Content-Length (RFC 3261 18.3).
        case missingContentLength
        /// A datagram ends before the body announced by Content-Length (RFC 3261 18.3).
        case truncatedBody
        /// A datagram has no empty line ending the header section (RFC 3261 7).
        case unterminatedHead
        /// Bytes between messages on a stream that are neither CRLF keep-alives nor a message.
        case invalidKeepAlive
        /// A URI parsed on its own is malformed.
        case malformedURI
        /// An authentication challenge or credentials cannot be used (unknown algorithm or qop).
        case unsupportedAuthentication
    }

    /// What kind of problem was found.
    public var code: Code
    /// The header field concerned, in its canonical long form ("Via", "Call-ID"), if any.
    public var header: String?
    /// A precise human description: which line or header, what was expected, what was found.
    public var reason: String
    /// Byte offset of the problem: from the start of the message for the parsers (after any
    /// keep-alive CRLFs), from the start of the value for standalone value parsers.
    public var position: Int
    /// 1-based line number in the message, when the parser knows it.
    public var line: Int?
    /// The start line and header fields as far as they could be read, without validation, when
    /// the parser got past the start line. Used to build an error response.
    public var recoveredMessage: SIPMessage?
    /// True when a stream parser lost the message boundaries and cannot continue: the
    /// connection should be closed (after sending any error response). Always false for
    /// datagrams and standalone value parsers.
    public var isFatal: Bool

    /// Creates an error.
    public init(
        code: Code, header: String? = nil, reason: String, position: Int, line: Int? = nil,
        recoveredMessage: SIPMessage? = nil, isFatal: Bool = false
    ) {
        self.code = code
        self.header = header
        self.reason = reason
        self.position = position
        self.line = line
        self.recoveredMessage = recoveredMessage
        self.isFatal = isFatal
    }

    /// A short phrase naming the problem, e.g. "malformed Via header", "missing Call-ID header".
    public var summary: String {
        let name = header ?? "header"
        switch code {
        case .messageTooLarge: return "message too large"
        case .tooManyHeaders: return "too many header fields"
        case .lineTooLong: return header.map { "\($0) header too long" } ?? "line too long"
        case .malformedStartLine: return "malformed start line"
        case .malformedRequestURI: return "malformed Request-URI"
        case .unsupportedVersion: return "unsupported SIP version"
        case .malformedHeaderLine: return "malformed header line"
        case .malformedHeader: return "malformed \(name) header"
        case .missingHeader: return "missing \(name) header" + (name.contains(",") ? "s" : "")
        case .duplicateHeader: return "multiple \(name) headers"
        case .methodMismatch: return "CSeq method does not match request method"
        case .invalidContentLength: return "invalid Content-Length"
        case .missingContentLength: return "missing Content-Length"
        case .truncatedBody: return "body shorter than Content-Length"
        case .unterminatedHead: return "header section not terminated"
        case .invalidKeepAlive: return "invalid bytes between messages"
        case .malformedURI: return "malformed URI"
        case .unsupportedAuthentication: return "unsupported authentication"
        }
    }

    /// The status code to answer a request that failed this way: 505 for a foreign SIP version
    /// (RFC 3261 21.5.7), 513 when too large (21.5.14), otherwise 400 (21.4.1).
    public var responseStatusCode: Int {
        switch code {
        case .unsupportedVersion: return 505
        case .messageTooLarge: return 513
        default: return 400
        }
    }

    /// The reason phrase for that response, naming the problem:
    /// "Bad Request (malformed Via header)".
    public var responseReasonPhrase: String {
        switch responseStatusCode {
        case 505: return "Version Not Supported"
        case 513: return "Message Too Large"
        default: return "Bad Request (\(summary))"
        }
    }

    public var description: String {
        var text = reason
        if let line { text += " (line \(line), byte \(position))" } else { text += " (byte \(position))" }
        return text
    }

    /// The same error with its position moved by `offset` bytes and a line number set.
    func relocated(by offset: Int, line: Int?) -> SIPParseError {
        var copy = self
        copy.position += offset
        if copy.line == nil { copy.line = line }
        return copy
    }
}
