/// A SIP request or response (RFC 3261 7): start line, header fields in order, body bytes.
///
/// A value type with no I/O: `SIPMessageParser` makes them from bytes, `serialize(into:)` turns
/// them back into bytes. Header values are kept as text, exactly as received (after unfolding);
/// the typed accessors (`via`, `from`, `cseq`, ...) parse them on demand.
public struct SIPMessage: Hashable, Sendable, CustomStringConvertible {
    /// The request line or status line.
    public var startLine: SIPStartLine
    /// The header fields.
    public var headers: SIPHeaders
    /// The body (SDP, multipart, ... passed through untouched).
    public var body: [UInt8]

    /// Creates a message as given: Content-Length is not added or changed.
    public init(startLine: SIPStartLine, headers: SIPHeaders = [], body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// Creates a request; Content-Length is set from the body.
    public init(method: SIPMethod, uri: SIPAnyURI, headers: SIPHeaders = [], body: [UInt8] = []) {
        self.init(startLine: .request(method: method, uri: uri), headers: headers, body: body)
        self.headers.set(.contentLength, String(body.count))
    }

    /// Creates a response; Content-Length is set from the body.
    public init(statusCode: Int, reasonPhrase: String? = nil, headers: SIPHeaders = [], body: [UInt8] = []) {
        self.init(
            startLine: .response(statusCode: statusCode, reasonPhrase: reasonPhrase ?? Self.reasonPhrase(for: statusCode)),
            headers: headers, body: body)
        self.headers.set(.contentLength, String(body.count))
    }

    /// True for a request.
    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request method, nil for a response.
    public var method: SIPMethod? {
        if case .request(let method, _) = startLine { return method }
        return nil
    }

    /// The Request-URI, nil for a response.
    public var requestURI: SIPAnyURI? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    /// The status code, nil for a request.
    public var statusCode: Int? {
        if case .response(let code, _) = startLine { return code }
        return nil
    }

    /// The reason phrase, nil for a request.
    public var reasonPhrase: String? {
        if case .response(_, let reason) = startLine { return reason }
        return nil
    }

    /// Replaces the body and sets Content-Length (and Content-Type when given).
    public mutating func setBody(_ body: [UInt8], contentType: SIPMediaType? = nil) {
        self.body = body
        if let contentType { headers.set(.contentType, contentType.description) }
        headers.set(.contentLength, String(body.count))
    }

    /// Writes the message: start line, one line per header field (names as stored), an empty
    /// line, the body. CR and LF inside names or values are written as spaces so that no value
    /// can inject a header line.
    public func serialize(into buffer: inout [UInt8]) {
        Self.appendLine(startLine.description, to: &buffer)
        for field in headers.fields {
            Self.appendLine("\(field.name.rawValue): \(field.value)", to: &buffer)
        }
        buffer += [0x0D, 0x0A]
        buffer += body
    }

    /// The serialized message.
    public var serialized: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512 + body.count)
        serialize(into: &buffer)
        return buffer
    }

    /// The serialized message as text (a body that is not UTF-8 is shown with replacement
    /// characters).
    public var description: String { String(decoding: serialized, as: UTF8.self) }

    private static func appendLine(_ line: String, to buffer: inout [UInt8]) {
        for b in line.utf8 { buffer.append(b == 0x0D || b == 0x0A ? 0x20 : b) }
        buffer += [0x0D, 0x0A]
    }
}
