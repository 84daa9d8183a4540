import XMPPCore

/// A user's presence subscription to one of the component's JIDs (a contact JID or the domain).
public struct PresenceSubscription: Sendable, Hashable {
    /// Bare JID inside the component domain.
    public var contact: JID
    /// The subscribed user's bare JID.
    public var user: JID

    public init(contact: JID, user: JID) {
        self.contact = contact
        self.user = user
    }
}

/// Where subscriptions survive a restart. Implementations must not block the caller:
/// `add`/`remove` are fire-and-forget, `loadAll` is called once before the first connect.
public protocol SubscriptionStore: Sendable {
    func loadAll() throws -> [PresenceSubscription]
    func add(_ subscription: PresenceSubscription)
    func remove(_ subscription: PresenceSubscription)
}
