/// A `tel:` URI (RFC 3966): a global number (`tel:+1-201-555-0123`) or a local number with a
/// `phone-context` (`tel:7042;phone-context=example.com`), with parameters.
///
/// The number keeps its visual separators as written; `digits` drops them.
public struct TelURI: Hashable, Sendable, CustomStringConvertible {
    /// The number as written, "+" and visual separators ("-", ".", "(", ")") included.
    public var number: String
    /// The parameters (`phone-context`, `ext`, `isub`, others) in wire form.
    public var parameters: SIPParameters

    /// Creates a tel URI (no validation).
    public init(number: String, parameters: SIPParameters = SIPParameters()) {
        self.number = number
        self.parameters = parameters
    }

    /// Parses a tel URI.
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: .uri)
    }

    /// True for a global number (starting with "+", RFC 3966 5.1.4).
    public var isGlobal: Bool { number.hasPrefix("+") }

    /// The number without visual separators.
    public var digits: String {
        String(number.filter { !Self.visualSeparators.contains($0) })
    }

    /// `phone-context` (RFC 3966 5.1.5), required for local numbers.
    public var phoneContext: String? { parameters["phone-context"] }

    /// `ext` (RFC 3966 5.2).
    public var extensionNumber: String? { parameters["ext"] }

    /// `isub` (RFC 3966 5.3), unescaped.
    public var isdnSubaddress: String? { parameters["isub"].map(SIPPercentEncoding.decode) }

    public var description: String {
        var out = "tel:" + number
        parameters.write(to: &out)
        return out
    }

    /// RFC 3966 4 equivalence: both global or both local, equal digits ignoring visual
    /// separators, and the same parameters in any order, compared case-insensitively (number-like
    /// values without separators).
    public func isEquivalent(to other: TelURI) -> Bool {
        guard isGlobal == other.isGlobal, Self.fold(number) == Self.fold(other.number),
            parameters.count == other.parameters.count
        else { return false }
        for p in parameters.items {
            guard let q = other.parameters.items.first(where: { SIPGrammar.equalsIgnoringCase($0.name, p.name) })
            else { return false }
            guard p.value.map(Self.fold) == q.value.map(Self.fold) else { return false }
        }
        return true
    }

    static let visualSeparators: Set<Character> = ["-", ".", "(", ")"]

    static func fold(_ s: String) -> String {
        let decoded = SIPPercentEncoding.decode(s)
        let isNumberLike = decoded.allSatisfy { $0.isHexDigit || "+*#-.()".contains($0) }
        let kept = isNumberLike ? String(decoded.filter { !visualSeparators.contains($0) }) : decoded
        return SIPGrammar.asciiLowercased(kept)
    }

    private static func isVisualSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "(") || b == UInt8(ascii: ")")
    }

    /// Parses `bytes[range]` (RFC 3966 3 `telephone-uri`).
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> TelURI {
        let end = range.upperBound
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        guard range.count > 4, SIPGrammar.asciiLowercased(text(range.lowerBound..<(range.lowerBound + 4))) == "tel:" else {
            throw context.error("not a tel URI", at: range.lowerBound)
        }
        var i = range.lowerBound + 4
        let numberStart = i
        while i < end && bytes[i] != UInt8(ascii: ";") { i += 1 }
        let numberRange = numberStart..<i
        guard !numberRange.isEmpty else { throw context.error("tel URI without a number", at: numberStart) }
        let isGlobal = bytes[numberStart] == UInt8(ascii: "+")
        try validateNumber(bytes, numberRange, global: isGlobal, what: "number", context: context)

        var parameters = SIPParameters()
        while i < end {
            // bytes[i] == ";"
            let start = i + 1
            var paramEnd = start
            while paramEnd < end && bytes[paramEnd] != UInt8(ascii: ";") { paramEnd += 1 }
            var eq = start
            while eq < paramEnd && bytes[eq] != UInt8(ascii: "=") { eq += 1 }
            let nameRange = start..<eq
            guard !nameRange.isEmpty,
                bytes[nameRange].allSatisfy({ SIPGrammar.isAlphanum($0) || $0 == UInt8(ascii: "-") })
            else {
                throw context.error("tel URI parameter name '\(text(nameRange))' is not 1*(alphanum / \"-\")", at: start)
            }
            let name = text(nameRange)
            var value: String? = nil
            if eq < paramEnd {
                let valueRange = (eq + 1)..<paramEnd
                guard !valueRange.isEmpty else {
                    throw context.error("tel URI parameter '\(name)' has '=' but no value", at: eq)
                }
                switch SIPGrammar.asciiLowercased(name) {
                case "ext":
                    try validateNumber(bytes, valueRange, global: false, digitsOnly: true, what: "ext", context: context)
                case "isub":
                    try SIPPercentEncoding.validate(
                        bytes, valueRange, flags: SIPGrammar.unreserved | SIPGrammar.reserved, what: "isub",
                        context: context)
                case "phone-context":
                    if bytes[valueRange.lowerBound] == UInt8(ascii: "+") {
                        try validateNumber(bytes, valueRange, global: true, what: "phone-context", context: context)
                    } else {
                        try SIPHost.validateHostname(bytes[valueRange], context: context)
                        guard bytes[valueRange].allSatisfy({ SIPGrammar.has($0, SIPGrammar.hostChar) }) else {
                            throw context.error("phone-context '\(text(valueRange))' is not a domain name or global number", at: eq + 1)
                        }
                    }
                default:
                    try SIPPercentEncoding.validate(
                        bytes, valueRange, flags: SIPGrammar.unreserved | SIPGrammar.paramUnreserved,
                        what: "tel URI parameter '\(name)'", context: context)
                }
                value = text(valueRange)
            } else if ["ext", "isub", "phone-context"].contains(SIPGrammar.asciiLowercased(name)) {
                throw context.error("tel URI parameter '\(name)' needs a value", at: start)
            }
            if parameters.contains(name) {
                throw context.error("tel URI parameter '\(name)' appears more than once", at: start)
            }
            parameters.items.append(.init(name: name, value: value))
            i = paramEnd
        }
        let uri = TelURI(number: text(numberRange), parameters: parameters)
        if !isGlobal && uri.phoneContext == nil {
            throw context.error("local number '\(uri.number)' without phone-context (RFC 3966 5.1.5)", at: numberStart)
        }
        return uri
    }

    /// global-number-digits = "+" *phonedigit DIGIT *phonedigit;
    /// local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex.
    private static func validateNumber(
        _ bytes: [UInt8], _ range: Range<Int>, global: Bool, digitsOnly: Bool = false, what: String,
        context: SIPErrorContext
    ) throws {
        var i = range.lowerBound
        if global { i += 1 }
        var sawDigit = false
        while i < range.upperBound {
            let b = bytes[i]
            if SIPGrammar.isDigit(b) {
                sawDigit = true
            } else if !global && !digitsOnly && (SIPGrammar.isHex(b) || b == UInt8(ascii: "*") || b == UInt8(ascii: "#")) {
                sawDigit = true
            } else if !isVisualSeparator(b) {
                throw context.error("\(SIPGrammar.describe(b)) is not allowed in the tel URI \(what)", at: i)
            }
            i += 1
        }
        if !sawDigit { throw context.error("tel URI \(what) has no digits", at: range.lowerBound) }
    }
}
