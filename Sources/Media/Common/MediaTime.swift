/// An opaque monotonic instant for the sans-IO engines of the media module: nanoseconds since an origin the
/// caller chooses (process start, `DispatchTime.now().uptimeNanoseconds`, or zero in tests).
///
/// Engines never read a clock; every input carries a `MediaTime` and every deadline comes back as one.
/// Intervals are Swift `Duration`s.
public struct MediaTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the caller's origin.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The origin.
    public static let zero = MediaTime(nanoseconds: 0)

    /// An instant `milliseconds` after the origin (tests).
    public static func milliseconds(_ milliseconds: Int64) -> MediaTime {
        MediaTime(nanoseconds: milliseconds * 1_000_000)
    }

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: MediaTime, rhs: Duration) -> MediaTime {
        MediaTime(nanoseconds: lhs.nanoseconds &+ rhs.mediaNanoseconds)
    }

    public static func - (lhs: MediaTime, rhs: MediaTime) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    public var description: String { "\(Double(nanoseconds) / 1e6) ms" }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating far beyond any media timer).
    var mediaNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
