/// Byte-level pieces of the RFC 8866 section 9 grammar shared by the line and attribute parsers.
///
/// Everything splits on ASCII bytes rather than on `Character`s: a space followed by a combining
/// mark is one `Character`, and splitting on characters would then disagree with the wire format.
/// Pieces split at ASCII bytes of valid UTF-8 are themselves valid UTF-8, so decoding is exact.
enum SDPGrammar {
    typealias Bytes = ArraySlice<UInt8>

    /// RFC 8866 section 9 `token-char`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"),
            UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// RFC 8866 section 9 `token`: one or more token characters.
    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    static func isToken(_ text: String) -> Bool { isToken(text.utf8) }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isDigits<C: Collection<UInt8>>(_ bytes: C) -> Bool { !bytes.isEmpty && bytes.allSatisfy(isDigit) }

    /// RFC 5234 `VCHAR` plus any non-ASCII byte (UTF-8 text is allowed where SDP says `byte-string`).
    static func isVisible(_ byte: UInt8) -> Bool { byte > 0x20 && byte != 0x7F }

    /// `1*DIGIT` as an unsigned integer, or `nil` when empty, not all digits, or too large for `T`.
    static func number<T: FixedWidthInteger & UnsignedInteger, C: Collection<UInt8>>(_ bytes: C, as _: T.Type = T.self)
        -> T?
    {
        guard !bytes.isEmpty else { return nil }
        var value: T = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(T(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    static func number<T: FixedWidthInteger & UnsignedInteger>(_ text: String, as type: T.Type = T.self) -> T? {
        number(text.utf8, as: type)
    }

    /// Fields separated by one or more spaces; leading and trailing spaces are dropped.
    static func fields(_ bytes: Bytes) -> [Bytes] {
        bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
    }

    static func fields(_ text: String) -> [Bytes] { fields(Bytes(text.utf8)) }

    /// Fields separated by RFC 5234 `1*WSP` (spaces and horizontal tabs), as RFC 4568 uses.
    static func whitespaceFields(_ bytes: Bytes) -> [Bytes] {
        bytes.split(omittingEmptySubsequences: true) { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// The bytes before and after the first `separator`, or `nil` when there is none.
    static func splitOnce(_ bytes: Bytes, at separator: UInt8) -> (Bytes, Bytes)? {
        guard let index = bytes.firstIndex(of: separator) else { return nil }
        return (bytes[bytes.startIndex..<index], bytes[(index + 1)...])
    }

    static func string(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

    static func bytes(_ text: String) -> Bytes { Bytes(text.utf8) }

    /// ASCII lowercase, used for case-insensitive comparisons of encoding names and tokens.
    static func lowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// ASCII case-insensitive equality.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        lowercased(lhs).utf8.elementsEqual(lowercased(rhs).utf8)
    }
}
