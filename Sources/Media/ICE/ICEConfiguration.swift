/// Settings of an `ICEAgent`, each with the RFC default.
public struct ICEConfiguration: Sendable {
    /// Initial role; the offerer (or the full agent facing a lite peer) is controlling (RFC 8445 section 6.1.1).
    /// Forced to `.controlled` in lite mode.
    public var role: ICERole = .controlling
    /// ICE-lite (RFC 8445 section 2.5): answer checks only, never send any, always controlled.
    public var lite = false
    /// Local credentials; random when nil.
    public var credentials: ICECredentials?
    /// Ta, the pacing interval of checks (RFC 8445 section 14.2).
    public var pacingInterval: Duration = .milliseconds(50)
    /// The lower bound of the check RTO (RFC 8445 section 14.3).
    public var minimumRTO: Duration = .milliseconds(500)
    /// Requests per STUN transaction, Rc (RFC 8489 section 6.2.1).
    public var maxAttempts = 7
    /// How long the controlling agent waits after the first valid pair for higher-priority pairs before
    /// nominating the best valid pair (regular nomination, RFC 8445 section 8.1.1).
    public var nominationDelay: Duration = .seconds(1)
    /// Mean interval of consent checks; each is randomized to 0.8-1.2 of it (RFC 7675 section 5.1).
    public var consentInterval: Duration = .seconds(5)
    /// Consent expires after this long without a response (RFC 7675 section 5.1).
    public var consentTimeout: Duration = .seconds(30)
    /// The most candidate pairs the check list holds (RFC 8445 section 6.1.2.5); further pairs are dropped.
    public var maxPairs = 100
    /// STUN servers for server-reflexive candidates (RFC 8445 section 5.1.1.2).
    public var stunServers: [TransportAddress] = []
    /// Seed for tie-breaker, transaction IDs, credentials and jitter; nil uses the system's secure generator.
    /// Only tests should set it.
    public var seed: UInt64?

    public init() {}
}
