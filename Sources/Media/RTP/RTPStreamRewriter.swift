/// Makes one outbound RTP stream of a leg out of whatever arrives from the other leg: our own SSRC, and
/// sequence numbers and timestamps that continue without jumps when the source's SSRC changes (re-INVITE,
/// a new device after transfer, a media server switching streams), so the receiver never sees a new stream
/// and never resets its jitter buffer or SRTP state.
///
/// Each leg is its own RTP session (RFC 3550 section 3, RFC 7667 section 3.2.1.2 translator): the
/// rewriter keeps an offset for sequence number and timestamp per source and re-derives it at every
/// source change from the time elapsed since the last packet it sent.
public struct RTPStreamRewriter: Sendable {
    /// The SSRC this side sends with.
    public let ssrc: UInt32
    /// The RTP clock rate of the outbound codec, for gaps across a source change.
    public var clockRate: UInt32
    public private(set) var lastSequence: UInt16
    public private(set) var lastTimestamp: UInt32
    private var lastSent: MediaTime?
    private var sourceSSRC: UInt32?
    private var sequenceDelta: UInt16 = 0
    private var timestampDelta: UInt32 = 0
    private var lastSourceTimestamp: UInt32 = 0

    /// - Parameters:
    ///   - initialSequence/initialTimestamp: random starting values (RFC 3550 section 5.1).
    public init(ssrc: UInt32, clockRate: UInt32, initialSequence: UInt16, initialTimestamp: UInt32) {
        self.ssrc = ssrc
        self.clockRate = clockRate
        self.lastSequence = initialSequence &- 1
        self.lastTimestamp = initialTimestamp
    }

    /// Rewrites an RTP packet in place: SSRC, sequence number, timestamp and payload type.
    public mutating func rewrite(_ packet: UnsafeMutableRawBufferPointer, payloadType: UInt8, now: MediaTime) {
        let view = UnsafeRawBufferPointer(packet)
        let sourceSSRC = view.uint32(at: 8)
        let sequence = view.uint16(at: 2)
        let timestamp = view.uint32(at: 4)
        if sourceSSRC != self.sourceSSRC {
            self.sourceSSRC = sourceSSRC
            sequenceDelta = (lastSequence &+ 1) &- sequence
            timestampDelta = (lastTimestamp &+ gap(now: now)) &- timestamp
        } else if Int32(bitPattern: timestamp &- lastSourceTimestamp) > Int32(clockRate) * 60 {
            // A jump of more than a minute is a source restart, not silence: re-anchor to wall time.
            timestampDelta = (lastTimestamp &+ gap(now: now)) &- timestamp
        }
        lastSourceTimestamp = timestamp
        let outSequence = sequence &+ sequenceDelta
        let outTimestamp = timestamp &+ timestampDelta
        if Int16(bitPattern: outSequence &- lastSequence) > 0 { lastSequence = outSequence }
        if Int32(bitPattern: outTimestamp &- lastTimestamp) > 0 { lastTimestamp = outTimestamp }
        lastSent = now
        packet[1] = (packet[1] & 0x80) | (payloadType & 0x7F)
        packet.store(outSequence, at: 2)
        packet.store(outTimestamp, at: 4)
        packet.store(ssrc, at: 8)
    }

    /// The next sequence number and a timestamp for a packet this side generates itself (tone, silence,
    /// transcoder output), continuing the same stream; `samples` is the frame's duration in clock units.
    public mutating func next(samples: UInt32, now: MediaTime) -> (sequence: UInt16, timestamp: UInt32) {
        if sourceSSRC != nil || lastSent == nil {
            // Switching from relayed to generated media: continue from wall-clock time.
            sourceSSRC = nil
            lastTimestamp = lastTimestamp &+ (lastSent == nil ? 0 : max(gap(now: now), 0))
        } else {
            lastTimestamp = lastTimestamp &+ samples
        }
        lastSequence = lastSequence &+ 1
        lastSent = now
        return (lastSequence, lastTimestamp)
    }

    /// The next sequence number for a packet that keeps a timestamp of its own (RFC 4733 events: every
    /// packet of one event carries the event's start timestamp).
    public mutating func nextSequence(now: MediaTime) -> UInt16 {
        lastSequence = lastSequence &+ 1
        lastSent = now
        return lastSequence
    }

    /// Forgets the source so the next relayed packet re-anchors (after hold, re-INVITE or codec change).
    public mutating func resetSource() { sourceSSRC = nil }

    private func gap(now: MediaTime) -> UInt32 {
        guard let lastSent else { return 0 }
        let nanoseconds = max(0, (now - lastSent).mediaNanoseconds)
        let ticks = Int64(clockRate) * nanoseconds / 1_000_000_000
        return UInt32(truncatingIfNeeded: max(1, ticks))
    }
}
