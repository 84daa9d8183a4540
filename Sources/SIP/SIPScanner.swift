/// A cursor over the UTF-8 bytes of a header value (line folding already undone, so linear
/// white space is only SP and HTAB) with the small steps of the RFC 3261 grammar, and the
/// context to word precise errors ("From header: ...").
struct SIPScanner {
    let bytes: [UInt8]
    var index: Int
    let context: SIPErrorContext

    init(_ bytes: [UInt8], index: Int = 0, context: SIPErrorContext) {
        self.bytes = bytes
        self.index = index
        self.context = context
    }

    init(_ string: String, context: SIPErrorContext) {
        self.init(Array(string.utf8), context: context)
    }

    var isAtEnd: Bool { index >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? {
        let i = index + offset
        return i < bytes.count ? bytes[i] : nil
    }

    /// Skips SP and HTAB; returns whether any was skipped.
    @discardableResult
    mutating func skipWSP() -> Bool {
        let start = index
        while index < bytes.count && SIPGrammar.isWSP(bytes[index]) { index += 1 }
        return index > start
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        if index < bytes.count && bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// Consumes SWS `byte` SWS (the RFC 3261 25.1 SEMI, COMMA, SLASH, EQUAL, COLON forms) if the
    /// separator is next after optional whitespace; otherwise leaves the cursor unchanged.
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let saved = index
        skipWSP()
        if consume(byte) {
            skipWSP()
            return true
        }
        index = saved
        return false
    }

    /// Requires SWS `byte` SWS.
    mutating func expectSeparator(_ byte: UInt8, _ what: String) throws {
        guard consumeSeparator(byte) else {
            var probe = self
            probe.skipWSP()
            throw probe.fail("expected \(what), found \(SIPGrammar.describe(probe.peek()))")
        }
    }

    /// Reads 1*token; nil if the next byte is not a token character.
    mutating func readToken() -> String? {
        let start = index
        while index < bytes.count && SIPGrammar.isToken(bytes[index]) { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// Reads 1*token or fails naming `what`.
    mutating func expectToken(_ what: String) throws -> String {
        guard let token = readToken() else {
            throw fail("expected \(what), found \(SIPGrammar.describe(peek()))")
        }
        return token
    }

    /// Reads 1*DIGIT as a number no larger than `maximum`.
    mutating func expectNumber(_ what: String, maximum: UInt64) throws -> UInt64 {
        let start = index
        while index < bytes.count && SIPGrammar.isDigit(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected \(what) (digits), found \(SIPGrammar.describe(peek()))") }
        let digits = bytes[start..<index]
        guard let value = SIPGrammar.parseUnsigned(digits, maximum: maximum) else {
            throw fail("\(what) \(String(decoding: digits, as: UTF8.self)) exceeds \(maximum)", at: start)
        }
        return value
    }

    /// Reads a quoted-string (RFC 3261 25.1) at the cursor, which must be on the opening quote.
    /// Returns the unescaped content and the raw text including the quotes.
    mutating func readQuotedString() throws -> (value: String, raw: String) {
        let open = index
        guard consume(UInt8(ascii: "\"")) else { throw fail("expected '\"'") }
        var value: [UInt8] = []
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return (String(decoding: value, as: UTF8.self), String(decoding: bytes[open..<index], as: UTF8.self))
            }
            if b == UInt8(ascii: "\\") {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                guard index + 1 < bytes.count else { break }
                let next = bytes[index + 1]
                guard next <= 0x7F, next != 0x0A, next != 0x0D else {
                    throw fail("backslash before \(SIPGrammar.describe(next)) in quoted string", at: index)
                }
                value.append(next)
                index += 2
                continue
            }
            // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
            if (b < 0x20 && b != 0x09) || b == 0x7F {
                throw fail("\(SIPGrammar.describe(b)) in quoted string must be escaped", at: index)
            }
            value.append(b)
            index += 1
        }
        throw fail("quoted string opened here is never closed", at: open)
    }

    /// Fails unless only whitespace remains.
    mutating func expectEnd(after what: String) throws {
        skipWSP()
        if !isAtEnd { throw fail("unexpected \(SIPGrammar.describe(peek())) after \(what)") }
    }

    func fail(_ text: String, at position: Int? = nil) -> SIPParseError {
        context.error(text, at: position ?? index)
    }
}
