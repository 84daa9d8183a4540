/// A local and a remote candidate and the state of their connectivity check (RFC 8445 section 6.1.2).
public struct ICECandidatePair: Hashable, Sendable, CustomStringConvertible {
    /// Check states (RFC 8445 section 6.1.2.6).
    public enum State: Hashable, Sendable {
        case frozen
        case waiting
        case inProgress
        case succeeded
        case failed
    }

    /// Stable within one ICE generation.
    public let id: Int
    public var local: ICECandidate
    public var remote: ICECandidate
    public var state: State
    /// Whether the pair is in the valid list (RFC 8445 section 7.2.5.3.2).
    public var isValid: Bool = false
    /// Whether the pair is nominated (RFC 8445 section 8.1.1).
    public var isNominated: Bool = false
    /// The valid pair this pair's successful check produced (itself unless a peer-reflexive local candidate
    /// was learned).
    var validPairID: Int?
    /// USE-CANDIDATE arrived before this pair's check succeeded (RFC 8445 section 7.3.1.5).
    var nominateOnSuccess = false
    /// The last request received on this pair; its retransmissions trigger no new check.
    var lastRequestID: STUNTransactionID?
    /// The next check of this pair carries USE-CANDIDATE (controlling agent, regular nomination).
    var sendUseCandidate = false

    init(id: Int, local: ICECandidate, remote: ICECandidate, state: State) {
        self.id = id
        self.local = local
        self.remote = remote
        self.state = state
    }

    /// The pair foundation: both candidates' foundations (RFC 8445 section 6.1.2.6).
    public var foundation: String { local.foundation + ":" + remote.foundation }

    /// RFC 8445 section 6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling agent's
    /// candidate priority and D the controlled agent's.
    public func priority(role: ICERole) -> UInt64 {
        let g = UInt64(role == .controlling ? local.priority : remote.priority)
        let d = UInt64(role == .controlling ? remote.priority : local.priority)
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    public var description: String { "\(local.base) -> \(remote.address) [\(state)]" }
}
