/// The UDP ports the media engine may bind, as configured in `<media rtp-ports="LOW-HIGH">`: RTP takes
/// even ports and RTCP the odd port above (RFC 3550 section 11), so the usable pairs are the even ports
/// p with LOW <= p and p + 1 <= HIGH.
public struct RTPPortRange: Hashable, Sendable, CustomStringConvertible {
    /// Lowest port of the range (inclusive).
    public let lower: UInt16
    /// Highest port of the range (inclusive).
    public let upper: UInt16

    /// The default range, 20000-29999 (5000 pairs).
    public static let `default` = try! RTPPortRange(lower: 20_000, upper: 29_999)

    /// A range holding at least one even/odd pair above port 0.
    public init(lower: UInt16, upper: UInt16) throws(MediaError) {
        guard lower > 0, lower <= upper else {
            throw MediaError(.invalidConfiguration, "RTP port range \(lower)-\(upper) is empty or starts at 0")
        }
        let firstEven = Int(lower) + Int(lower % 2)
        guard firstEven + 1 <= Int(upper) else {
            throw MediaError(.invalidConfiguration, "RTP port range \(lower)-\(upper) holds no even/odd port pair")
        }
        self.lower = lower
        self.upper = upper
    }

    /// Parses "LOW-HIGH" (decimal ports, optional spaces around the numbers).
    public init(parsing text: String) throws(MediaError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let lower = UInt16(parts[0].trimmingSpaces()), let upper = UInt16(parts[1].trimmingSpaces())
        else {
            throw MediaError(.invalidConfiguration, "RTP port range '\(text)' is not LOW-HIGH with ports 1-65535")
        }
        try self.init(lower: lower, upper: upper)
    }

    /// The lowest even port of the range.
    public var firstRTPPort: UInt16 { lower + lower % 2 }

    /// How many RTP/RTCP pairs the range holds.
    public var pairCount: Int { (Int(upper) - Int(firstRTPPort) + 1) / 2 }

    public var description: String { "\(lower)-\(upper)" }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
