/// Finds the end of a message's start line and header section (the empty line, RFC 3261 7)
/// incrementally, enforcing the size, line-length and header-count limits as bytes arrive, so
/// that a stream parser fed one byte at a time does the same linear work and stops at the
/// same byte as one fed everything at once.
struct SIPHeadScanner: Sendable {
    /// Offset from the message start of the next byte to examine.
    private(set) var position = 0
    /// Where the current header (with its continuation lines) starts.
    private var logicalLineStart = 0
    private var logicalLineNumber = 1
    private var physicalLines = 0
    private var headerCount = 0
    private var atLineStart = true
    private var previousWasCR = false

    /// Scans `buffer[start + position ..< end]`. Returns the length of the head including the
    /// empty line once it is found, nil if more bytes are needed.
    mutating func scan(_ buffer: [UInt8], start: Int, end: Int, limits: SIPLimits) throws -> Int? {
        while start + position < end {
            let b = buffer[start + position]
            if atLineStart {
                if b == 0x0A { return position + 1 }  // empty line ended by a bare LF
                if b == 0x0D {
                    guard start + position + 1 < end else { return nil }
                    if buffer[start + position + 1] == 0x0A { return position + 2 }
                    throw SIPParseError(
                        code: .malformedHeaderLine,
                        reason: "line \(physicalLines + 1) starts with a CR that is not followed by LF", position: position,
                        line: physicalLines + 1, isFatal: true)
                }
                physicalLines += 1
                let isContinuation = physicalLines > 1 && SIPGrammar.isWSP(b)
                if !isContinuation {
                    if physicalLines > 1 {
                        headerCount += 1
                        if headerCount > limits.maxHeaderCount {
                            throw SIPParseError(
                                code: .tooManyHeaders,
                                reason: "more than \(limits.maxHeaderCount) header fields (limit SIPLimits.maxHeaderCount)",
                                position: position, line: physicalLines, isFatal: true)
                        }
                    }
                    logicalLineStart = position
                    logicalLineNumber = physicalLines
                }
                atLineStart = false
            }
            if b == 0x0A {
                let content = position - logicalLineStart - (previousWasCR ? 1 : 0)
                if content > limits.maxLineLength { throw lineTooLong(buffer, start: start, limits: limits) }
                atLineStart = true
            } else if position - logicalLineStart + 1 > limits.maxLineLength + 1 {
                throw lineTooLong(buffer, start: start, limits: limits)
            }
            previousWasCR = b == 0x0D
            position += 1
            if position > limits.maxMessageSize {
                throw SIPParseError(
                    code: .messageTooLarge,
                    reason: "header section exceeds \(limits.maxMessageSize) bytes (limit SIPLimits.maxMessageSize)",
                    position: position - 1, line: physicalLines, isFatal: true)
            }
        }
        return nil
    }

    private func lineTooLong(_ buffer: [UInt8], start: Int, limits: SIPLimits) -> SIPParseError {
        // Name the header if the line has one.
        var name: String? = nil
        if logicalLineNumber > 1 {
            var i = start + logicalLineStart
            let limit = min(start + position, i + 128)
            while i < limit && SIPGrammar.isToken(buffer[i]) { i += 1 }
            if i > start + logicalLineStart {
                name = SIPHeaderName(String(decoding: buffer[(start + logicalLineStart)..<i], as: UTF8.self)).canonicalName
            }
        }
        let what = logicalLineNumber == 1 ? "start line" : (name.map { "\($0) header" } ?? "line \(logicalLineNumber)")
        return SIPParseError(
            code: .lineTooLong, header: name,
            reason: "\(what) is longer than \(limits.maxLineLength) bytes (limit SIPLimits.maxLineLength)",
            position: logicalLineStart, line: logicalLineNumber, isFatal: true)
    }
}
