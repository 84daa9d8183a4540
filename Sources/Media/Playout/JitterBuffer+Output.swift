extension JitterBuffer {
    /// What `pop(now:into:)` found for the instant asked about.
    public enum Output: Hashable, Sendable {
        /// The next packet is due: its payload is in the caller's buffer.
        case frame(Frame)
        /// A packet that was sent (a later one is here) is missing at its playout time and now given up:
        /// conceal it, or rebuild it from FEC in the packet `peekNext(into:)` gives.
        case lost(Lost)
        /// Nothing is due yet: playout has not started, the next packet plays later (silence suppression,
        /// DTX, a delay increase), or nothing arrived (DTX, hold, or a packet that is late, which is not a
        /// loss until a later one proves it). Fill with concealment or silence and ask again later.
        case notYet
    }

    /// A packet handed out for playing.
    public struct Frame: Hashable, Sendable {
        public var sequence: UInt16
        public var timestamp: UInt32
        /// RTP ticks the packet covers.
        public var duration: UInt32
        /// Payload octets copied to the caller's buffer.
        public var length: Int
        public var marker: Bool
    }

    /// A packet given up as lost.
    public struct Lost: Hashable, Sendable {
        public var sequence: UInt16
        /// Where its audio began.
        public var timestamp: UInt32
        /// RTP ticks to fill, estimated from the packets around it.
        public var duration: UInt32
    }

    /// What `insert` did with a packet.
    public enum InsertResult: Hashable, Sendable {
        /// Stored for playout.
        case stored
        /// The same sequence number is already waiting; dropped.
        case duplicate
        /// Its playout time has passed (its sequence number was played or given up); dropped.
        case late
        /// Longer than a slot; dropped.
        case tooLarge
        /// Far from the stream's sequence numbers (a new source, a long outage): held until the next packet
        /// confirms the new sequence (RFC 3550 appendix A.1 does the same).
        case resyncPending
        /// The buffer started over on this packet (confirmed sequence jump, or a timestamp jump).
        case resynced
    }

    /// Counters since creation.
    public struct Statistics: Hashable, Sendable {
        /// Packets given to `insert`.
        public var received = 0
        /// Packets handed out by `pop`.
        public var played = 0
        /// Packets given up as lost (including those skipped when the stream resumed after an underrun).
        public var lost = 0
        /// Packets that came after their playout time.
        public var late = 0
        public var duplicates = 0
        public var tooLarge = 0
        public var resyncs = 0
        /// Packets dropped to bring the delay down (after jitter fell, or when the reader falls behind).
        public var discarded = 0
        /// Times the delay was raised by one packet duration while playing (after jitter rose).
        public var delayIncreases = 0
        /// Times the buffer ran empty while playing and later restarted (DTX, hold, late packets).
        public var underruns = 0

        public init() {}
    }
}
