extension JitterBuffer {
    /// Sizes and delay bounds of a jitter buffer.
    public struct Configuration: Hashable, Sendable {
        /// RTP clock rate of the stream, in Hz.
        public var clockRate: Int
        /// Smallest playout delay kept beyond the mean network transit.
        public var minimumDelay: Duration
        /// Largest playout delay the jitter estimate may ask for.
        public var maximumDelay: Duration
        /// Target delay = `jitterMultiplier` × the RFC 3550 interarrival jitter, within the bounds above.
        public var jitterMultiplier: Double
        /// Packets held at most (4 to 1024); the ring is this many slots of `maximumPayloadSize`, allocated once.
        public var slotCount: Int
        /// Largest payload stored; longer ones are dropped (`.tooLarge`).
        public var maximumPayloadSize: Int
        /// A timestamp that differs from where its predecessor ended by more than this, while packets still
        /// flow, means the source restarted: the buffer resynchronises on it. At most an hour.
        public var maximumTimestampJump: Duration
        /// Packet duration assumed until the stream shows its own (callers usually give it per packet), 1 to
        /// 120 ms.
        public var defaultFrameDuration: Duration

        public init(
            clockRate: Int, minimumDelay: Duration = .milliseconds(20), maximumDelay: Duration = .milliseconds(200),
            jitterMultiplier: Double = 3, slotCount: Int = 32, maximumPayloadSize: Int = 1500,
            maximumTimestampJump: Duration = .seconds(1), defaultFrameDuration: Duration = .milliseconds(20)
        ) {
            self.clockRate = max(1, clockRate)
            self.minimumDelay = max(.zero, minimumDelay)
            self.maximumDelay = max(self.minimumDelay, maximumDelay)
            self.jitterMultiplier = jitterMultiplier.isFinite ? min(max(0, jitterMultiplier), 100) : 3
            self.slotCount = min(max(4, slotCount), 1024)
            self.maximumPayloadSize = min(max(1, maximumPayloadSize), 65536)
            self.maximumTimestampJump = min(max(.zero, maximumTimestampJump), .seconds(3600))
            self.defaultFrameDuration = min(max(.milliseconds(1), defaultFrameDuration), .milliseconds(120))
        }
    }
}
