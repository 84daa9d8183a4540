/// Character classes of the RFC 3261 section 25 grammar (and RFC 3966 for tel URIs), on UTF-8 bytes.
///
/// One 256-entry table of bit flags keeps the hot loops of the parser to a load and a mask.
enum SIPGrammar {
    static let alpha: UInt16 = 1 << 0
    static let digit: UInt16 = 1 << 1
    static let hex: UInt16 = 1 << 2
    /// RFC 3261 25.1 `token` characters.
    static let token: UInt16 = 1 << 3
    /// RFC 3261 25.1 `word` characters (Call-ID).
    static let word: UInt16 = 1 << 4
    /// RFC 2396 `unreserved` = alphanum / mark.
    static let unreserved: UInt16 = 1 << 5
    /// RFC 3261 `user-unreserved`.
    static let userUnreserved: UInt16 = 1 << 6
    /// Password extras: "&" / "=" / "+" / "$" / ",".
    static let passwordExtra: UInt16 = 1 << 7
    /// RFC 3261 `param-unreserved`.
    static let paramUnreserved: UInt16 = 1 << 8
    /// RFC 3261 `hnv-unreserved`.
    static let hnvUnreserved: UInt16 = 1 << 9
    /// RFC 2396 `reserved`.
    static let reserved: UInt16 = 1 << 10
    /// Characters of a host name or IPv4 address (alphanum, "-", "." and, leniently, "_").
    static let hostChar: UInt16 = 1 << 11

    static let table: [UInt16] = {
        var t = [UInt16](repeating: 0, count: 256)
        func set(_ chars: String, _ flag: UInt16) {
            for b in chars.utf8 { t[Int(b)] |= flag }
        }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] |= alpha }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] |= alpha }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] |= digit | hex }
        set("abcdefABCDEF", hex)
        let alnum = alpha | digit
        for i in 0..<256 where t[i] & alnum != 0 {
            t[i] |= token | word | unreserved | hostChar
        }
        set("-.!%*_+`'~", token)
        set("-.!%*_+`'~()<>:\\\"/[]?{}", word)
        set("-_.!~*'()", unreserved)
        set("&=+$,;?/", userUnreserved)
        set("&=+$,", passwordExtra)
        set("[]/:&+$", paramUnreserved)
        set("[]/?:+$", hnvUnreserved)
        set(";/?:@&=+$,", reserved)
        set("-._", hostChar)
        return t
    }()

    @inline(__always) static func has(_ byte: UInt8, _ flag: UInt16) -> Bool {
        table[Int(byte)] & flag != 0
    }

    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { has(b, alpha) }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { has(b, digit) }
    @inline(__always) static func isAlphanum(_ b: UInt8) -> Bool { has(b, alpha | digit) }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { has(b, hex) }
    @inline(__always) static func isToken(_ b: UInt8) -> Bool { has(b, token) }
    @inline(__always) static func isWSP(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// True when `bytes` is a non-empty RFC 3261 token.
    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { isToken($0) }
    }

    static func isToken(_ string: String) -> Bool { isToken(string.utf8) }

    /// Value of a hexadecimal digit, or nil.
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A printable rendering of one byte for error messages.
    static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of value" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "space" }
        if byte == 0x09 { return "tab" }
        let digits = Array("0123456789ABCDEF")
        return "byte 0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }

    /// Parses an all-digit byte run as an unsigned number no larger than `maximum`.
    /// Returns nil when the run is empty, has a non-digit, or is larger than `maximum`.
    static func parseUnsigned<C: Collection<UInt8>>(_ bytes: C, maximum: UInt64) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for b in bytes {
            guard isDigit(b) else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            if o1 || o2 || a > maximum { return nil }
            value = a
        }
        return value
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality, the rule for tokens (RFC 3261 7.3.1).
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lowercased($0) == lowercased($1) }
    }

    static func asciiLowercased(_ s: String) -> String {
        String(decoding: s.utf8.map(lowercased), as: UTF8.self)
    }

    static func asciiUppercased(_ s: String) -> String {
        String(decoding: s.utf8.map { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) ? $0 & ~0x20 : $0 }, as: UTF8.self)
    }

    /// `text` without leading and trailing SP and HTAB.
    static func trimmed(_ text: Substring) -> String {
        var s = text
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
