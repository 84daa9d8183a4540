/// Where a header field sits in the message, so errors found later in its value can point at
/// the right byte even when the value was folded over several lines.
struct SIPHeaderLocation: Hashable, Sendable {
    /// 1-based line of the header name.
    var line: Int
    /// Offset of the header name from the message start.
    var nameOffset: Int
    /// Pieces of the unfolded value: (offset in the unfolded value, offset in the message).
    var segments: [Segment]
    /// Bytes of leading whitespace removed from the unfolded value.
    var leadingTrim: Int

    struct Segment: Hashable, Sendable {
        var unfolded: Int
        var absolute: Int
    }

    /// Message offset of byte `relative` of the (trimmed) value.
    func absolute(_ relative: Int) -> Int {
        let u = relative + leadingTrim
        var best = segments.first ?? Segment(unfolded: 0, absolute: nameOffset)
        for s in segments where s.unfolded <= u { best = s }
        return best.absolute + (u - best.unfolded)
    }
}
