/// `<user jid number>`: the telephone identity of an XMPP user, used as the
/// caller ID of their outgoing calls.
public struct UserMapping: Sendable, Equatable {
    /// The bare JID, lower-cased.
    public var jid: String
    /// The number, digits with an optional leading `+` (e.g. `+15551234567`).
    public var number: String
    /// `hide-number`: the user's calls go out anonymous (RFC 3323: From
    /// `anonymous@anonymous.invalid`, `Privacy: id`). Default false.
    public var hideNumber: Bool

    /// Creates a mapping.
    public init(jid: String, number: String, hideNumber: Bool = false) {
        self.jid = jid
        self.number = number
        self.hideNumber = hideNumber
    }
}
