/// What the agent reports to the media engine through `ICEAgent.pollEvent()`.
public enum ICEEvent: Hashable, Sendable {
    /// A new local candidate to signal to the peer (trickle, RFC 8838 section 4): host candidates as they
    /// are added, server-reflexive ones as STUN servers answer.
    case localCandidate(ICECandidate)
    /// Every STUN server transaction finished; the engine may signal end-of-candidates (RFC 8838 section 8.2).
    case gatheringComplete
    /// A role conflict switched the agent's role (RFC 8445 sections 7.2.5.1 and 7.3.1.1).
    case roleChanged(ICERole)
    case connectionStateChanged(ICEConnectionState)
    /// Media must now be sent on this pair: from `local.base` to `remote.address`.
    case selectedPairChanged(ICECandidatePair)
    /// No consent response on the selected pair for the consent timeout (RFC 7675 section 5.1).
    case consentLost
}
