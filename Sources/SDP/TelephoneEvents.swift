/// The event list of a `telephone-event` format (RFC 4733 section 2.4.1), such as `0-15,66,70`.
public struct TelephoneEvents: Hashable, Sendable, CustomStringConvertible {
    /// The ranges in the order written; single events are one-element ranges.
    public var ranges: [ClosedRange<UInt8>]

    /// Creates an event list from ranges.
    public init(_ ranges: [ClosedRange<UInt8>]) { self.ranges = ranges }

    /// The DTMF digits 0-9, `*`, `#` and A-D: events 0 to 15, which RFC 4733 section 2.4.1 says a
    /// receiver assumes when the `fmtp` line is absent.
    public static var dtmf: TelephoneEvents { TelephoneEvents([0...15]) }

    /// DTMF plus flash (event 16), the list Asterisk offers.
    public static var dtmfAndFlash: TelephoneEvents { TelephoneEvents([0...16]) }

    /// Parses `event-list = event-range *("," event-range)`, `event-range = event ["-" event]`,
    /// events 0 to 255 (RFC 4733 section 2.4.1).
    public init(parsing text: String) throws(SDPError) {
        let grammar = "<event>[-<event>][,<event>[-<event>]]..."
        var ranges: [ClosedRange<UInt8>] = []
        for item in SDPGrammar.bytes(text).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let bounds = item.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = SDPGrammar.number(bounds[0], as: UInt8.self) else {
                throw SDPError.expected(grammar, code: .invalidAttribute, text: text)
            }
            let high = bounds.count == 2 ? SDPGrammar.number(bounds[1], as: UInt8.self) : low
            guard let high, low <= high else { throw SDPError.expected(grammar, code: .invalidAttribute, text: text) }
            ranges.append(low...high)
        }
        self.ranges = ranges
    }

    /// Whether an event is in the list.
    public func contains(_ event: UInt8) -> Bool { ranges.contains { $0.contains(event) } }

    /// Whether the list names no event.
    public var isEmpty: Bool { ranges.isEmpty }

    /// The events in both lists, as sorted, merged ranges.
    public func intersection(_ other: TelephoneEvents) -> TelephoneEvents {
        var result: [ClosedRange<UInt8>] = []
        var start: UInt8?
        for event in 0...255 {
            let value = UInt8(event)
            let both = contains(value) && other.contains(value)
            if both, start == nil { start = value }
            if let low = start, !both || value == 255 {
                result.append(low...(both ? value : value - 1))
                start = nil
            }
        }
        return TelephoneEvents(result)
    }

    /// The list as written in an `fmtp` line.
    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}
