/// What an SRTP context remembers about one SSRC in one direction.
struct SRTPStream {
    /// The synchronization source.
    let ssrc: UInt32
    /// SRTP packet indices (ROC * 2^16 + SEQ, RFC 3711 section 3.3.1): the highest one is the rollover counter
    /// and s_l of appendix A. Outbound, it also refuses to protect one index twice (keystream reuse).
    var rtp = SRTPReplayWindow()
    /// Inbound SRTCP indices (RFC 3711 section 3.4).
    var rtcp = SRTPReplayWindow()
    /// Outbound: the SRTCP index of the next packet, from zero (RFC 3711 section 3.4).
    var nextRTCPIndex: UInt32 = 0
    /// The table's use counter when the stream was last used, for eviction.
    var lastUse: UInt64 = 0

    init(ssrc: UInt32) { self.ssrc = ssrc }

    /// Half the sequence number space (RFC 3711 appendix A).
    private static let median: UInt64 = 1 << 15

    /// The 48-bit packet index of a packet with `sequenceNumber`, relative to the highest index so far
    /// (RFC 3711 section 3.3.1 and appendix A); nil when it would pass 2^48 (section 9.2: rekey).
    ///
    /// While the highest index is at most 2^15 (and for a stream's first packet) the rollover counter is taken
    /// as zero, as libsrtp does: appendix A's guess of ROC - 1 would otherwise underflow at the start of a stream.
    @inline(__always)
    static func estimateIndex(sequenceNumber: UInt16, highest: UInt64?) -> UInt64? {
        let sequence = UInt64(sequenceNumber)
        guard let highest, highest > median else { return sequence }
        let roc = highest >> 16
        let last = highest & 0xFFFF
        var guess = roc
        if last < median {
            // Appendix A: a SEQ more than half the space above s_l belongs to the previous ROC.
            if sequence > last + median { guess = roc - 1 }
        } else if last - median > sequence {
            // A SEQ more than half the space below s_l has wrapped: next ROC.
            guess = roc + 1
        }
        guard guess <= 0xFFFF_FFFF else { return nil }
        return guess << 16 | sequence
    }
}
