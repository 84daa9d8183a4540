/// The start line and header fields of a message as read by `SIPHeadParser`.
struct SIPParsedHead: Sendable {
    /// Nil when the start line could not be read at all.
    var startLine: SIPStartLine?
    var headers = SIPHeaders()
    var locations: [SIPHeaderLocation] = []
    /// The first problem; the parser goes on reading the other header lines after it.
    var error: SIPParseError?

    /// The message read so far with `body`, unvalidated.
    func recovered(body: [UInt8] = []) -> SIPMessage? {
        startLine.map { SIPMessage(startLine: $0, headers: headers, body: body) }
    }

    /// The Content-Length value (RFC 3261 20.14), nil when there is none.
    func contentLength(limits: SIPLimits) throws -> Int? {
        var found: Int? = nil
        for (index, field) in headers.fields.enumerated() where field.name == .contentLength {
            let location = locations[index]
            if found != nil {
                throw SIPParseError(
                    code: .duplicateHeader, header: "Content-Length",
                    reason: "Content-Length appears more than once (RFC 4475 3.3.9)", position: location.nameOffset,
                    line: location.line, recoveredMessage: recovered(), isFatal: true)
            }
            do {
                found = try SIPMessage.parseContentLength(field.value, maximum: Int(Int32.max))
            } catch var error as SIPParseError {
                error.position = location.absolute(error.position)
                error.line = location.line
                error.recoveredMessage = recovered()
                error.isFatal = true
                throw error
            }
        }
        return found
    }
}
