/// `<route match trunk rewrite emergency>`: an outbound (XMPP to SIP) route.
/// Routes are tried in file order; the first whose `match` matches the whole
/// dialed number is used.
public struct RouteConfiguration: Sendable, Equatable {
    /// What happens to emergency numbers (``EmergencyNumbers``) on this route.
    public enum EmergencyPolicy: String, Sendable, Equatable, CaseIterable {
        /// Refuse calls to emergency numbers (the default): a bridge rarely
        /// knows the caller's location, and a misrouted emergency call is
        /// worse than a refused one.
        case deny
        /// Place them like any other call.
        case allow
    }

    /// `match`: NSRegularExpression that must match the whole dialed number.
    public var match: String
    /// `trunk`: name of the ``TrunkConfiguration`` that carries the call.
    public var trunk: String
    /// `rewrite`: NSRegularExpression template producing the number sent to
    /// the trunk (e.g. `+1$1`); `nil` sends the dialed number unchanged.
    public var rewrite: String?
    /// `emergency`. Default ``EmergencyPolicy/deny``.
    public var emergency: EmergencyPolicy

    /// Creates a route.
    public init(match: String, trunk: String, rewrite: String? = nil, emergency: EmergencyPolicy = .deny) {
        self.match = match
        self.trunk = trunk
        self.rewrite = rewrite
        self.emergency = emergency
    }
}
