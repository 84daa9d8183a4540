import NIOCore

/// RFC 3261 timer base values (section 17, table 4), configurable per deployment.
public struct SIPTimers: Sendable, Equatable {
    /// RTT estimate, default 500 ms.
    public var t1: TimeAmount
    /// Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s.
    public var t2: TimeAmount
    /// Maximum duration a message remains in the network, default 5 s.
    public var t4: TimeAmount

    public init(t1: TimeAmount = .milliseconds(500), t2: TimeAmount = .seconds(4), t4: TimeAmount = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// Timers B, F, H, J, L and M: 64*T1.
    public var transactionTimeout: TimeAmount { t1 * 64 }
}
