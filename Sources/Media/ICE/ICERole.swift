/// Which agent decides the selected pair (RFC 8445 section 6.1.1).
public enum ICERole: Hashable, Sendable, CustomStringConvertible {
    /// Nominates pairs with USE-CANDIDATE.
    case controlling
    /// Accepts the controlling agent's nominations.
    case controlled

    /// The other role.
    public var opposite: ICERole { self == .controlling ? .controlled : .controlling }

    public var description: String { self == .controlling ? "controlling" : "controlled" }
}
