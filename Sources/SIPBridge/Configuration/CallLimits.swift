/// `<limits>`: protection against runaway or abusive calling.
public struct CallLimits: Sendable, Equatable {
    /// `calls`: concurrent calls through the whole bridge. Default 100.
    public var calls: Int = 100
    /// `calls-per-user`: concurrent calls of one XMPP user. Default 4.
    public var callsPerUser: Int = 4
    /// `calls-per-minute`: new calls one XMPP user may start per minute. Default 10.
    public var callsPerMinute: Int = 10
    /// `ring-timeout`: how long an unanswered call rings before it is cancelled. Default 45 s.
    public var ringTimeout: Duration = .seconds(45)
    /// `rtp-timeout`: how long an established call may receive no media
    /// before it is hung up. Default 60 s.
    public var rtpTimeout: Duration = .seconds(60)
    /// `offline-grace`: how long a call waits for the client's device to come back after it went
    /// unavailable (XEP-0198 resumption, a network change) before it is hung up. Default 30 s.
    public var offlineGrace: Duration = .seconds(30)

    /// Creates limits with every value at its documented default.
    public init() {}
}
