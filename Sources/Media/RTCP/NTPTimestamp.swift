/// A 64-bit NTP timestamp (RFC 5905 section 6; RFC 3550 section 4): seconds since 1900-01-01 and a 32-bit
/// binary fraction. Conversions take the time as an argument; nothing here reads a clock.
public struct NTPTimestamp: Hashable, Sendable, Comparable {
    /// Whole seconds since 1900-01-01 00:00 UTC (modulo 2^32).
    public var seconds: UInt32
    /// Fraction of a second in units of 2^-32 s.
    public var fraction: UInt32

    /// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
    public static let unixEpochOffset: Int64 = 2_208_988_800

    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// From the 64-bit wire value (seconds in the high half).
    public init(rawValue: UInt64) {
        self.init(seconds: UInt32(truncatingIfNeeded: rawValue >> 32), fraction: UInt32(truncatingIfNeeded: rawValue))
    }

    /// The 64-bit wire value.
    public var rawValue: UInt64 { UInt64(seconds) << 32 | UInt64(fraction) }

    /// The NTP time of `unixTime` (time since 1970-01-01 UTC). Times before 1900 or after era 0 wrap modulo 2^32
    /// seconds, as NTP era arithmetic does.
    public init(unixTime: Duration) {
        let (secondsPart, attoseconds) = unixTime.components
        var wholeSeconds = secondsPart + Self.unixEpochOffset
        var atto = attoseconds
        if atto < 0 {
            wholeSeconds -= 1
            atto += 1_000_000_000_000_000_000
        }
        // fraction = atto / 1e18 * 2^32, rounded down.
        let fraction = Self.multiplyDivide(UInt64(atto), 1 << 32, Self.attosecondsPerSecond)
        self.init(seconds: UInt32(truncatingIfNeeded: wholeSeconds), fraction: UInt32(truncatingIfNeeded: fraction))
    }

    /// Time since the Unix epoch, assuming NTP era 0 (1900-2036).
    public var unixTime: Duration {
        let attoseconds = Self.multiplyDivide(UInt64(fraction), Self.attosecondsPerSecond, 1 << 32)
        return .seconds(Int64(seconds) - Self.unixEpochOffset)
            + Duration(secondsComponent: 0, attosecondsComponent: Int64(attoseconds))
    }

    /// The middle 32 bits, in units of 1/65536 s: the form of LSR and of the arrival time in the
    /// round-trip computation (RFC 3550 section 6.4.1).
    public var compact: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// A duration in 1/65536 s units (DLSR), saturating at 2^32 - 1; negative durations give 0.
    public static func compactUnits(of duration: Duration) -> UInt32 {
        let (secondsPart, attoseconds) = duration.components
        guard secondsPart >= 0, duration > .zero else { return 0 }
        guard secondsPart < 65_536 else { return .max }
        let fraction = multiplyDivide(UInt64(attoseconds), 1 << 16, attosecondsPerSecond)
        return UInt32(secondsPart) << 16 | UInt32(fraction)
    }

    /// The duration of `units` 1/65536 s.
    public static func duration(compactUnits units: UInt32) -> Duration {
        .seconds(Int64(units >> 16)) + .nanoseconds(Int64(units & 0xFFFF) * 1_000_000_000 / 65_536)
    }

    private static let attosecondsPerSecond: UInt64 = 1_000_000_000_000_000_000

    /// a * b / c rounded down, through a 128-bit intermediate; the quotient must fit 64 bits.
    private static func multiplyDivide(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        c.dividingFullWidth(a.multipliedFullWidth(by: b)).quotient
    }

    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }
}
