/// A reception report block of SR and RR packets (RFC 3550 section 6.4.1), 24 bytes on the wire.
public struct RTCPReportBlock: Hashable, Sendable {
    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256 units.
    public var fractionLost: UInt8
    /// Cumulative packets lost, a 24-bit signed value (duplicates can make it negative).
    public var cumulativeLost: Int32
    /// Extended highest sequence number received (cycles in the high 16 bits).
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received from the source (0 if none).
    public var lastSenderReport: UInt32
    /// Delay since that SR, in 1/65536 s (0 if none).
    public var delaySinceLastSenderReport: UInt32

    public static let encodedLength = 24

    /// Largest and smallest values of the 24-bit cumulative loss field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Round-trip time seen by the sender of the SR this block answers (RFC 3550 section 6.4.1):
    /// arrival - LSR - DLSR, with `arrival` the NTP time the block arrived. Nil when no SR has been
    /// received (LSR 0) or clocks make the result negative.
    public func roundTripTime(arrival: NTPTimestamp) -> Duration? {
        guard lastSenderReport != 0 else { return nil }
        let units = arrival.compact &- lastSenderReport &- delaySinceLastSenderReport
        guard Int32(bitPattern: units) >= 0 else { return nil }
        return NTPTimestamp.duration(compactUnits: units)
    }

    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        ssrc = bytes.uint32(at: offset)
        let lossWord = bytes.uint32(at: offset + 4)
        fractionLost = UInt8(lossWord >> 24)
        // Sign-extend the 24-bit field.
        cumulativeLost = Int32(bitPattern: lossWord << 8) >> 8
        extendedHighestSequence = bytes.uint32(at: offset + 8)
        jitter = bytes.uint32(at: offset + 12)
        lastSenderReport = bytes.uint32(at: offset + 16)
        delaySinceLastSenderReport = bytes.uint32(at: offset + 20)
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        guard Self.cumulativeLostRange.contains(cumulativeLost) else {
            throw MediaError(.unencodable, "cumulative loss \(cumulativeLost) does not fit 24 bits")
        }
        out.appendBigEndian(ssrc)
        out.appendBigEndian(UInt32(fractionLost) << 24 | (UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF))
        out.appendBigEndian(extendedHighestSequence)
        out.appendBigEndian(jitter)
        out.appendBigEndian(lastSenderReport)
        out.appendBigEndian(delaySinceLastSenderReport)
    }

    /// Reads `count` blocks starting at `offset` of `body`; the caller checked the length.
    static func readBlocks(_ body: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [RTCPReportBlock] {
        (0..<count).map { RTCPReportBlock(reading: body, at: offset + $0 * encodedLength) }
    }
}
