/// A `t=` line and the `r=` lines that follow it (RFC 8866 sections 5.9 and 5.10).
///
/// Times are NTP seconds; `t=0 0` means a permanent session, which is what offer/answer uses
/// (RFC 3264 section 5). Repeat lines are kept verbatim.
public struct TimeDescription: Hashable, Sendable {
    /// Start time in NTP seconds, or 0.
    public var start: UInt64
    /// Stop time in NTP seconds, or 0 for unbounded.
    public var stop: UInt64
    /// The values of the `r=` lines after this `t=` line, verbatim (for example `7d 1h 0 25h`).
    public var repeats: [String]

    /// Creates a time description; the default is the permanent session `t=0 0`.
    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}

// MARK: - Wire encoding

extension TimeDescription {
    static var grammar: String { "t=<start-time> <stop-time>" }
    static var repeatGrammar: String { "r=<repeat interval> <active duration> <offsets from start-time>" }
    static var zoneGrammar: String { "z=<adjustment time> <offset> <adjustment time> <offset> ..." }

    /// Parses the value of a `t=` line (RFC 8866 section 9: `start-time SP stop-time`, digits).
    init(value: SDPGrammar.Bytes) throws(SDPError) {
        let fields = SDPGrammar.fields(value)
        guard fields.count == 2, let start = SDPGrammar.number(fields[0], as: UInt64.self),
            let stop = SDPGrammar.number(fields[1], as: UInt64.self)
        else { throw SDPError.expected(Self.grammar, text: nil) }
        self.init(start: start, stop: stop)
    }

    var wireValue: String { "\(start) \(stop)" }

    /// RFC 8866 section 9 `typed-time`: digits with an optional `d`, `h`, `m` or `s` unit,
    /// optionally negative where `allowsSign` (zone offsets).
    static func isTypedTime(_ bytes: SDPGrammar.Bytes, allowsSign: Bool) -> Bool {
        var digits = bytes
        if allowsSign, digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        if let last = digits.last,
            [UInt8(ascii: "d"), UInt8(ascii: "h"), UInt8(ascii: "m"), UInt8(ascii: "s")].contains(last)
        {
            digits = digits.dropLast()
        }
        return SDPGrammar.isDigits(digits)
    }

    /// Checks an `r=` value: at least three typed times (RFC 8866 section 5.10); kept verbatim.
    static func isValidRepeat(_ value: SDPGrammar.Bytes) -> Bool {
        let fields = SDPGrammar.fields(value)
        return fields.count >= 3 && fields.allSatisfy { isTypedTime($0, allowsSign: false) }
    }

    /// Checks a `z=` value: pairs of an adjustment time and a signed typed-time offset
    /// (RFC 8866 section 5.11); kept verbatim.
    static func isValidZoneAdjustment(_ value: SDPGrammar.Bytes) -> Bool {
        let fields = SDPGrammar.fields(value)
        guard !fields.isEmpty, fields.count % 2 == 0 else { return false }
        for (index, field) in fields.enumerated() {
            if index % 2 == 0 {
                guard SDPGrammar.isDigits(field) else { return false }
            } else {
                guard isTypedTime(field, allowsSign: true) else { return false }
            }
        }
        return true
    }
}
