/// The value of the Contact header fields of a message (RFC 3261 20.10): either `*` (only in a
/// REGISTER removing all bindings, 10.2.2) or a list of addresses.
public enum SIPContactList: Hashable, Sendable, CustomStringConvertible {
    /// `Contact: *`.
    case wildcard
    /// The addresses in order, across all Contact lines.
    case addresses([SIPNameAddress])

    /// The addresses (empty for the wildcard).
    public var addresses: [SIPNameAddress] {
        if case .addresses(let list) = self { return list }
        return []
    }

    /// The header value.
    public var description: String {
        switch self {
        case .wildcard: return "*"
        case .addresses(let list): return list.map(\.description).joined(separator: ", ")
        }
    }
}
