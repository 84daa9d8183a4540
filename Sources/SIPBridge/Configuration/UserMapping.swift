/// `<user jid number>`: the telephone identity of an XMPP user, used as the
/// caller ID of their outgoing calls.
public struct UserMapping: Sendable, Equatable {
    /// The bare JID, lower-cased.
    public var jid: String
    /// The number, digits with an optional leading `+` (e.g. `+15551234567`).
    public var number: String

    /// Creates a mapping.
    public init(jid: String, number: String) {
        self.jid = jid
        self.number = number
    }
}
