extension OpusEncoder {
    /// Encoder settings (RFC 6716, RFC 7587 section 3.1.1 for the SDP parameters they mirror).
    public struct Configuration: Hashable, Sendable {
        /// Target bitrate in bit/s (libopus takes 500 to 512000). 24 kbit/s is transparent for narrowband
        /// and good wideband speech.
        public var bitrate: Int
        /// 0 (fastest) to 10 (best).
        public var complexity: Int
        /// In-band forward error correction (`useinbandfec`): each packet also carries a coarse copy of the
        /// previous frame, which the receiver decodes when that frame was lost.
        public var inbandFEC: Bool
        /// Expected loss in percent; libopus spends bits on FEC only when it is above zero.
        public var expectedPacketLoss: Int
        /// Discontinuous transmission (`usedtx`): frames of silence are not sent, and the encoder gives 0.
        public var discontinuousTransmission: Bool
        /// Variable bitrate (`cbr=0`).
        public var variableBitrate: Bool

        public init(
            bitrate: Int = 24000, complexity: Int = 5, inbandFEC: Bool = true, expectedPacketLoss: Int = 10,
            discontinuousTransmission: Bool = false, variableBitrate: Bool = true
        ) {
            self.bitrate = bitrate
            self.complexity = complexity
            self.inbandFEC = inbandFEC
            self.expectedPacketLoss = expectedPacketLoss
            self.discontinuousTransmission = discontinuousTransmission
            self.variableBitrate = variableBitrate
        }
    }
}
