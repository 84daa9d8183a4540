/// The agent's overall state, as reported by `ICEEvent.connectionStateChanged`.
public enum ICEConnectionState: Hashable, Sendable {
    /// No checks yet (no remote credentials or no pairs).
    case new
    /// Connectivity checks are running and no pair is selected.
    case checking
    /// A pair is selected; media may flow on it.
    case connected
    /// Consent was lost on the selected pair (RFC 7675 section 5.1); media must stop. An ICE restart can recover.
    case disconnected
    /// Every pair failed after the peer signaled end-of-candidates (RFC 8838 section 8).
    case failed
}
