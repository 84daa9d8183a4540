/// An outstanding STUN request of the agent and what its answer means.
struct ICETransaction: Sendable {
    enum Purpose: Sendable {
        /// A connectivity check of a pair (RFC 8445 section 7.2.4); the role and attributes as sent.
        case check(pairID: Int, useCandidate: Bool, role: ICERole, priority: UInt32)
        /// A consent freshness check on the selected pair (RFC 7675 section 5.1).
        case consent
        /// A Binding request to a STUN server from `base` (RFC 8445 section 5.1.1.2).
        case gather(base: TransportAddress)
    }

    var purpose: Purpose
    var transmit: ICETransmit
    /// Requests sent so far.
    var attempts: Int
    /// The RTO this transaction started with.
    var rto: Duration
    /// When to retransmit, or give up after the last attempt.
    var deadline: MediaTime
    /// A cancelled check (RFC 8445 section 7.3.1.4): no more retransmissions and no failure when it times
    /// out, but a response still counts.
    var isCancelled = false
}
