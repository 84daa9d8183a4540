/// Translates RTP timestamps from one stream's clock to another's (for example a telephone-event relayed from
/// an 8000 Hz SIP leg to a 48000 Hz Opus leg), anchored at a pair of corresponding timestamps.
///
/// Differences are taken modulo 2^32 and read as signed, so the mapping follows wrap-around in both
/// directions (RFC 3550 section 5.1: timestamps wrap).
public struct RTPTimestampMapper: Hashable, Sendable {
    /// Clock rate of the incoming timestamps, in Hz.
    public let sourceRate: UInt32
    /// Clock rate of the outgoing timestamps, in Hz.
    public let destinationRate: UInt32
    /// A source timestamp that maps to `destinationAnchor`.
    public var sourceAnchor: UInt32
    /// The destination timestamp of `sourceAnchor`.
    public var destinationAnchor: UInt32

    /// Maps `sourceAnchor` (source clock) to `destinationAnchor` (destination clock). Rates must be positive.
    public init(sourceRate: UInt32, destinationRate: UInt32, sourceAnchor: UInt32, destinationAnchor: UInt32)
        throws(MediaError)
    {
        guard sourceRate > 0, destinationRate > 0 else {
            throw MediaError(.invalidConfiguration, "RTP clock rates must be positive")
        }
        self.sourceRate = sourceRate
        self.destinationRate = destinationRate
        self.sourceAnchor = sourceAnchor
        self.destinationAnchor = destinationAnchor
    }

    /// The destination timestamp of source timestamp `timestamp`.
    public func map(_ timestamp: UInt32) -> UInt32 {
        let delta = Int64(Int32(bitPattern: timestamp &- sourceAnchor))
        let scaled = Self.scale(delta, from: sourceRate, to: destinationRate)
        return destinationAnchor &+ UInt32(truncatingIfNeeded: scaled)
    }

    /// A duration of `units` source ticks in destination ticks, rounded to nearest.
    public func mapDuration(_ units: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: Self.scale(Int64(units), from: sourceRate, to: destinationRate))
    }

    /// `value` ticks at `from` Hz in ticks at `to` Hz, rounded to nearest (halves away from zero).
    public static func scale(_ value: Int64, from: UInt32, to: UInt32) -> Int64 {
        let numerator = value * Int64(to)
        let denominator = Int64(from)
        let half = denominator / 2
        return numerator >= 0 ? (numerator + half) / denominator : (numerator - half) / denominator
    }
}
