/// Quoting and unquoting of RFC 3261 25.1 `quoted-string`s.
public enum SIPQuotedString {
    /// Wraps `text` in double quotes, escaping `"` and `\` and the control characters that
    /// `quoted-pair` allows. CR and LF cannot be escaped in SIP and become spaces, so a value can
    /// never break out of its header line.
    public static func quote(_ text: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        for b in text.utf8 {
            switch b {
            case 0x0A, 0x0D: out.append(0x20)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x09: out.append(b)
            case 0x00..<0x20, 0x7F: out += [UInt8(ascii: "\\"), b]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The content of a quoted-string with its escapes undone; a string that is not quoted is
    /// returned unchanged.
    public static func unquote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return text }
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count - 1 {
            if bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count - 1 {
                out.append(bytes[i + 1])
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a token if it is one, otherwise quoted.
    static func tokenOrQuoted(_ text: String) -> String {
        SIPGrammar.isToken(text) ? text : quote(text)
    }
}
