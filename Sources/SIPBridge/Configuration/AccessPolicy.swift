/// `<access>`: who may place calls through the bridge.
///
/// The default policy has no rules and therefore allows nobody. The policy
/// covers only the `<allow>` rules; administrators (`<admins>`) are admitted
/// by the bridge separately.
public struct AccessPolicy: Sendable, Equatable {
    /// One `<allow>` element.
    public enum Rule: Sendable, Equatable {
        /// `<allow jid="bob@example.org"/>`: exactly this bare JID (stored lower-cased).
        case jid(String)
        /// `<allow domain="example.org"/>`: every JID of exactly this domain
        /// (not its subdomains; stored lower-cased).
        case domain(String)
    }

    /// The rules in file order.
    public var rules: [Rule]

    /// Creates a policy; with no rules it allows nobody.
    public init(rules: [Rule] = []) {
        self.rules = rules
    }

    /// Whether `bareJID` may place calls.
    ///
    /// JIDs are compared case-insensitively (XMPP servers case-fold both the
    /// domain and the local part, so `Bob@Example.org` is `bob@example.org`).
    /// A resource, if present, is ignored.
    public func allows(bareJID: String) -> Bool {
        let jid = Self.normalize(bareJID)
        let domain = jid.split(separator: "@", maxSplits: 1).last.map(String.init) ?? jid
        return rules.contains { rule in
            switch rule {
            case .jid(let allowed): allowed == jid
            case .domain(let allowed): allowed == domain
            }
        }
    }

    /// Lower-cases a JID and drops its resource.
    static func normalize(_ jid: String) -> String {
        let bare = jid.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return bare.lowercased()
    }
}
