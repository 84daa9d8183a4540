/// `%HH` escaping of URI components (RFC 3261 19.1.2, RFC 2396).
enum SIPPercentEncoding {
    /// Decodes `%HH` escapes; a `%` not followed by two hex digits is kept as is.
    static func decode<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] where C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
                let hi = SIPGrammar.hexValue(bytes[i + 1]), let lo = SIPGrammar.hexValue(bytes[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    static func decode(_ string: String) -> String {
        String(decoding: decode(Array(string.utf8)), as: UTF8.self)
    }

    /// Escapes every byte for which `allowed` is false (and every `%`).
    static func encode(_ string: String, allowed: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in string.utf8 {
            if b != UInt8(ascii: "%") && allowed(b) {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Checks that `bytes[range]` holds only bytes with one of `flags` or `%HH` escapes.
    static func validate(
        _ bytes: [UInt8], _ range: Range<Int>, flags: UInt16, extra: (UInt8) -> Bool = { _ in false },
        what: String, context: SIPErrorContext
    ) throws {
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < range.upperBound,
                    SIPGrammar.isHex(bytes[i + 1]), SIPGrammar.isHex(bytes[i + 2])
                else {
                    throw context.error("'%' in \(what) is not followed by two hex digits", at: i)
                }
                i += 3
                continue
            }
            guard SIPGrammar.has(b, flags) || extra(b) else {
                throw context.error("\(SIPGrammar.describe(b)) is not allowed in \(what)", at: i)
            }
            i += 1
        }
    }

    /// A form for RFC 3261 19.1.4 comparison: escapes of characters outside the reserved set are
    /// decoded, the remaining escapes get uppercase hex.
    static func normalized(_ string: String) -> [UInt8] {
        let bytes = Array(string.utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count,
                let hi = SIPGrammar.hexValue(bytes[i + 1]), let lo = SIPGrammar.hexValue(bytes[i + 2])
            {
                let decoded = hi << 4 | lo
                if SIPGrammar.has(decoded, SIPGrammar.reserved) || decoded == UInt8(ascii: "%") {
                    out += [UInt8(ascii: "%"), hex[Int(hi)], hex[Int(lo)]]
                } else {
                    out.append(decoded)
                }
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }
}
