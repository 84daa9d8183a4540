/// Lexical handling of the few XML Schema datatypes the configuration
/// schema uses (integer, decimal, string, token), matching what libxml2
/// accepts: surrounding whitespace is ignored and a leading sign is allowed.
enum XSDValue {
    /// XML whitespace.
    static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\n" || character == "\r"
    }

    /// Whitespace collapsed as for `xsd:token`: runs become one space, none
    /// at either end.
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: isSpace).joined(separator: " ")
    }

    /// An `xsd:integer`, or nil (also when it does not fit in `Int`).
    static func integer(_ text: String) -> Int? {
        var body = Substring(collapse(text))
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = body.drop { $0 == "0" }
        guard digits.count <= 18, let magnitude = Int(digits.isEmpty ? "0" : digits) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// An `xsd:decimal` split into sign, integer digits and fraction digits.
    static func decimal(_ text: String) -> (negative: Bool, whole: Substring, fraction: Substring)? {
        var body = Substring(collapse(text))
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
              whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              fraction.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return (negative, whole, fraction)
    }

    /// An `xsd:decimal` as a `Double` (for comparisons only).
    static func double(_ text: String) -> Double? {
        guard let (negative, whole, fraction) = decimal(text) else { return nil }
        guard let value = Double("\(whole.isEmpty ? "0" : whole).\(fraction.isEmpty ? "0" : fraction)") else { return nil }
        return negative ? -value : value
    }

    /// A non-negative `xsd:decimal` number of seconds as an exact `Duration`
    /// (fractions beyond attoseconds are dropped).
    static func seconds(_ text: String) -> Duration? {
        guard let (negative, whole, fraction) = decimal(text), !negative else { return nil }
        let significant = whole.drop { $0 == "0" }
        guard significant.count <= 15 else { return nil }
        let seconds = Int64(significant.isEmpty ? "0" : significant) ?? 0
        let attoDigits = String(fraction.prefix(18)).padding(toLength: 18, withPad: "0", startingAt: 0)
        let attoseconds = Int64(attoDigits) ?? 0
        return Duration(secondsComponent: seconds, attosecondsComponent: attoseconds)
    }

    /// Whether `text` is a valid value of XML Schema type `type` with the
    /// given facets; nil when the type or a facet is unsupported.
    static func isValid(_ text: String, type: String, facets: [String: String]) -> Bool? {
        switch type {
        case "integer", "decimal":
            guard let value = type == "integer" ? integer(text).map(Double.init) : double(text) else {
                // Out-of-range integers are invalid too, whichever facet they break.
                return false
            }
            for (facet, bound) in facets {
                guard let limit = double(bound) else { return nil }
                switch facet {
                case "minInclusive": if value < limit { return false }
                case "maxInclusive": if value > limit { return false }
                case "minExclusive": if value <= limit { return false }
                case "maxExclusive": if value >= limit { return false }
                default: return nil
                }
            }
            return true
        case "string", "token":
            let value = type == "token" ? collapse(text) : text
            for (facet, bound) in facets {
                guard facet == "minLength", let limit = Int(bound) else { return nil }
                if value.unicodeScalars.count < limit { return false }
            }
            return true
        default:
            return nil
        }
    }

    /// What a valid value looks like, for messages: "an integer from 1 to
    /// 65535", "a number greater than 0 and at most 86400", "a non-empty value".
    static func describe(type: String, facets: [String: String]) -> String {
        switch type {
        case "integer", "decimal":
            let noun = type == "integer" ? "an integer" : "a number"
            if let low = facets["minInclusive"], let high = facets["maxInclusive"] {
                return "\(noun) from \(low) to \(high)"
            }
            var bounds: [String] = []
            if let low = facets["minInclusive"] { bounds.append("at least \(low)") }
            if let low = facets["minExclusive"] { bounds.append("greater than \(low)") }
            if let high = facets["maxInclusive"] { bounds.append("at most \(high)") }
            if let high = facets["maxExclusive"] { bounds.append("less than \(high)") }
            return bounds.isEmpty ? noun : "\(noun) " + bounds.joined(separator: " and ")
        default:
            if let length = facets["minLength"], length != "0" {
                return length == "1" ? "a non-empty value" : "at least \(length) characters"
            }
            return "text"
        }
    }
}
