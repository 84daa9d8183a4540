/// Parses SIP messages from bytes, without doing any I/O.
///
/// **Streams (TCP, TLS):** `append(_:)` the bytes as they arrive, in chunks of any size, then call
/// `next()` until it returns nil (more bytes needed). Messages are framed by Content-Length, which
/// is therefore required (RFC 3261 18.3). CRLFs between messages are keep-alives (RFC 3261 7.5,
/// RFC 5626 3.5.1): a double CRLF is reported as `.ping` (answer with a single CRLF), a single
/// CRLF as `.pong` once the byte after it shows it is not the start of a ping.
///
/// **Datagrams (UDP, WebSocket messages):** `SIPMessageParser.parse(datagram:)` parses one
/// message; without Content-Length the body runs to the end of the datagram, bytes after the
/// announced body are discarded, and a body shorter than announced is an error (RFC 3261 18.3).
///
/// Errors are `SIPParseError`s. After an error whose `isFatal` is true the message boundaries are
/// lost and the stream parser keeps throwing it: close the connection. Other errors (a bad
/// header in a correctly framed message) consume that message and the stream goes on; for a
/// request, `SIPMessage.makeErrorResponse(for:)` builds the 400.
///
/// Memory is bounded by `SIPLimits` plus whatever is appended between calls to `next()`.
public struct SIPMessageParser: Sendable {
    /// What the stream parser found.
    public enum Event: Hashable, Sendable {
        /// A complete, validated message.
        case message(SIPMessage)
        /// A CRLFCRLF keep-alive ping (RFC 5626 3.5.1); the transport should send CRLF back.
        case ping
        /// A single CRLF: the pong that answers our ping (RFC 5626 3.5.1).
        case pong
    }

    /// The limits enforced.
    public let limits: SIPLimits
    /// The checks run on each framed message.
    public let validation: SIPValidation

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state: State = .idle

    private enum State: Sendable {
        case idle
        case head(SIPHeadScanner)
        case body(SIPParsedHead, headLength: Int, contentLength: Int)
        case failed(SIPParseError)
    }

    /// Creates a stream parser.
    public init(limits: SIPLimits = .default, validation: SIPValidation = .rfc3261) {
        self.limits = limits
        self.validation = validation
    }

    /// Bytes received but not yet returned as events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True when the buffer holds exactly one CRLF after the last event: either a pong or the
    /// first half of a ping, which the next bytes will tell. A client waiting for a pong can
    /// treat this as having received it.
    public var hasPendingCRLF: Bool {
        if case .idle = state, buffer.count - readIndex == 2 {
            return buffer[readIndex] == 0x0D && buffer[readIndex + 1] == 0x0A
        }
        return false
    }

    /// Adds received bytes.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        if readIndex > 0 && readIndex * 2 >= buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error

            case .idle:
                let available = buffer.count - readIndex
                guard available > 0 else {
                    buffer.removeAll(keepingCapacity: true)
                    readIndex = 0
                    return nil
                }
                let b = buffer[readIndex]
                if b == 0x0A {
                    readIndex += 1  // a bare LF between messages is ignored (RFC 3261 7.5)
                    continue
                }
                if b == 0x0D {
                    guard available >= 2 else { return nil }
                    guard buffer[readIndex + 1] == 0x0A else { return try fail(keepAliveError(at: 1)) }
                    guard available >= 3 else { return nil }
                    if buffer[readIndex + 2] == 0x0D {
                        guard available >= 4 else { return nil }
                        guard buffer[readIndex + 3] == 0x0A else { return try fail(keepAliveError(at: 3)) }
                        readIndex += 4
                        return .ping
                    }
                    readIndex += 2
                    return .pong
                }
                state = .head(SIPHeadScanner())

            case .head(var scanner):
                let headLength: Int
                do {
                    guard let length = try scanner.scan(buffer, start: readIndex, end: buffer.count, limits: limits) else {
                        state = .head(scanner)
                        return nil
                    }
                    headLength = length
                } catch let error as SIPParseError {
                    return try fail(error)
                }
                let head = SIPHeadParser.parse(buffer, start: readIndex, length: headLength)
                guard head.startLine != nil else {
                    var error = head.error!
                    error.isFatal = true
                    return try fail(error)
                }
                let contentLength: Int
                do {
                    guard let length = try head.contentLength(limits: limits) else {
                        return try fail(
                            SIPParseError(
                                code: .missingContentLength, header: "Content-Length",
                                reason: "no Content-Length header; it is mandatory on stream transports (RFC 3261 18.3)",
                                position: 0, recoveredMessage: head.recovered(), isFatal: true))
                    }
                    contentLength = length
                } catch let error as SIPParseError {
                    return try fail(error)
                }
                guard headLength + contentLength <= limits.maxMessageSize else {
                    return try fail(
                        SIPParseError(
                            code: .messageTooLarge,
                            reason: "message of \(headLength + contentLength) bytes exceeds \(limits.maxMessageSize) (limit SIPLimits.maxMessageSize)",
                            position: headLength, recoveredMessage: head.recovered(), isFatal: true))
                }
                state = .body(head, headLength: headLength, contentLength: contentLength)

            case .body(let head, let headLength, let contentLength):
                guard buffer.count - readIndex >= headLength + contentLength else { return nil }
                let bodyStart = readIndex + headLength
                let body = Array(buffer[bodyStart..<(bodyStart + contentLength)])
                readIndex += headLength + contentLength
                state = .idle
                return .message(try Self.finish(head, body: body, validation: validation))
            }
        }
    }

    private mutating func fail(_ error: SIPParseError) throws -> Event? {
        var error = error
        error.isFatal = true
        state = .failed(error)
        throw error
    }

    private func keepAliveError(at offset: Int) -> SIPParseError {
        SIPParseError(
            code: .invalidKeepAlive,
            reason: "CR not followed by LF between messages (only CRLF keep-alives may appear there)", position: offset,
            isFatal: true)
    }

    /// Builds the message, then reports the first line problem or validation problem, with the
    /// message attached for an error response.
    static func finish(_ head: SIPParsedHead, body: [UInt8], validation: SIPValidation) throws -> SIPMessage {
        let message = SIPMessage(startLine: head.startLine!, headers: head.headers, body: body)
        if var error = head.error {
            error.recoveredMessage = message
            throw error
        }
        do {
            try SIPMessageValidator.validate(message, locations: head.locations, validation: validation)
        } catch var error as SIPParseError {
            error.recoveredMessage = message
            throw error
        }
        return message
    }

    /// Parses one message from a datagram (RFC 3261 18.3). Returns nil for a datagram holding only
    /// CRLFs (a keep-alive). Leading CRLFs are skipped; bytes after the body are discarded.
    public static func parse<Bytes: Collection<UInt8>>(
        datagram: Bytes, limits: SIPLimits = .default, validation: SIPValidation = .rfc3261
    ) throws -> SIPMessage? {
        do {
            return try parseDatagram(Array(datagram), limits: limits, validation: validation)
        } catch var error as SIPParseError {
            error.isFatal = false  // a datagram stands alone: nothing is lost for the next one
            throw error
        }
    }

    private static func parseDatagram(_ bytes: [UInt8], limits: SIPLimits, validation: SIPValidation) throws -> SIPMessage? {
        var start = 0
        while start < bytes.count && (bytes[start] == 0x0D || bytes[start] == 0x0A) { start += 1 }
        guard start < bytes.count else { return nil }
        guard bytes.count - start <= limits.maxMessageSize else {
            throw SIPParseError(
                code: .messageTooLarge,
                reason: "datagram of \(bytes.count - start) bytes exceeds \(limits.maxMessageSize) (limit SIPLimits.maxMessageSize)",
                position: limits.maxMessageSize)
        }
        var scanner = SIPHeadScanner()
        guard let headLength = try scanner.scan(bytes, start: start, end: bytes.count, limits: limits) else {
            let head = SIPHeadParser.parse(bytes, start: start, length: bytes.count - start)
            if let error = head.error, head.startLine == nil { throw error }
            throw SIPParseError(
                code: .unterminatedHead, reason: "the datagram ends before the empty line that ends the header section",
                position: bytes.count - start, recoveredMessage: head.recovered())
        }
        let head = SIPHeadParser.parse(bytes, start: start, length: headLength)
        guard head.startLine != nil else { throw head.error! }
        let bodyStart = start + headLength
        let available = bytes.count - bodyStart
        let body: [UInt8]
        if let contentLength = try head.contentLength(limits: limits) {
            guard contentLength <= available else {
                throw SIPParseError(
                    code: .truncatedBody, header: "Content-Length",
                    reason: "Content-Length is \(contentLength) but only \(available) bytes follow the header section (RFC 3261 18.3)",
                    position: bytes.count - start, recoveredMessage: head.recovered(body: Array(bytes[bodyStart...])))
            }
            body = Array(bytes[bodyStart..<(bodyStart + contentLength)])
        } else {
            body = Array(bytes[bodyStart...])
        }
        return try finish(head, body: body, validation: validation)
    }
}
