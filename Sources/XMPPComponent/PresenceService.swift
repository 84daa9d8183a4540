import Logging
import XMPPCore

/// RFC 6121 presence for the component's JIDs: subscriptions from allowed users are accepted and
/// stored, probes are answered, and after every (re)connect each subscribed contact announces
/// itself again with XEP-0115 caps, so call buttons survive a bridge or server restart.
public final class PresenceService {
    private let gateway: GatewayService
    private let store: SubscriptionStore
    private var subscriptions: Set<PresenceSubscription>
    private let send: (XMLElement) -> Void
    private let logger: Logger
    /// Called for available/unavailable presence from a user's full JID (calls follow their devices).
    public var onUserPresence: ((_ from: JID, _ available: Bool) -> Void)?

    public init(
        gateway: GatewayService, store: SubscriptionStore, initial: [PresenceSubscription], logger: Logger,
        send: @escaping (XMLElement) -> Void
    ) {
        self.gateway = gateway
        self.store = store
        self.subscriptions = Set(initial)
        self.logger = logger
        self.send = send
    }

    public var subscriptionCount: Int { subscriptions.count }

    public func isSubscribed(user: JID, to contact: JID) -> Bool {
        subscriptions.contains(PresenceSubscription(contact: contact.bare, user: user.bare))
    }

    public func install(on component: XMPPComponent) {
        component.router.onPresence { [weak self] presence in self?.handle(presence) }
        component.onOnline { [weak self] in self?.announceAll() }
    }

    /// Available presence with caps from `contact` to `user`.
    public func availablePresence(from contact: JID, to user: JID) -> XMLElement {
        XMLElement.presence(
            from: contact, to: user,
            children: [gateway.capabilities(of: contact).capsElement(node: GatewayService.capsNode)])
    }

    /// Every stored subscription's contact sends available presence to its user.
    public func announceAll() {
        for subscription in subscriptions.sorted(by: { ($0.user, $0.contact) < ($1.user, $1.contact) }) {
            send(availablePresence(from: subscription.contact, to: subscription.user))
        }
        logger.info("announced presence for \(subscriptions.count) subscriptions")
    }

    /// Unavailable presence from every subscribed contact (on shutdown).
    public func unavailableAll() -> [XMLElement] {
        subscriptions.map { XMLElement.presence(type: "unavailable", from: $0.contact, to: $0.user) }
    }

    func handle(_ presence: XMLElement) {
        guard let from = presence.from, let to = presence.to, to.domainpart == gateway.domain.domainpart else { return }
        let contact = to.bare
        let user = from.bare
        let allowed = gateway.policy.isAllowed(user)
        switch presence.type {
        case "subscribe":
            guard allowed else {
                logger.info("refusing presence subscription from \(user) to \(contact): not allowed by <access>")
                // RFC 6121 section 3.1.6: a refused subscription is answered with unsubscribed.
                send(XMLElement.presence(type: "unsubscribed", from: contact, to: user))
                return
            }
            let subscription = PresenceSubscription(contact: contact, user: user)
            if subscriptions.insert(subscription).inserted {
                store.add(subscription)
                logger.info("\(user) subscribed to \(contact)")
            }
            send(XMLElement.presence(type: "subscribed", from: contact, to: user))
            send(XMLElement.presence(type: "subscribe", from: contact, to: user))
            send(availablePresence(from: contact, to: user))
        case "unsubscribe", "unsubscribed":
            let subscription = PresenceSubscription(contact: contact, user: user)
            if subscriptions.remove(subscription) != nil {
                store.remove(subscription)
                logger.info("\(user) unsubscribed from \(contact)")
            }
            if presence.type == "unsubscribe" {
                send(XMLElement.presence(type: "unsubscribed", from: contact, to: user))
            }
            send(XMLElement.presence(type: "unavailable", from: contact, to: user))
        case "subscribed":
            break
        case "probe":
            if allowed {
                send(availablePresence(from: contact, to: from))
            } else {
                send(XMLElement.presence(type: "unsubscribed", from: contact, to: user))
            }
        case nil:
            // Directed available presence: answer in kind so the client learns caps.
            onUserPresence?(from, true)
            if allowed { send(availablePresence(from: contact, to: from)) }
        case "unavailable":
            onUserPresence?(from, false)
        case "error":
            logger.info("presence error from \(from) to \(to): \(StanzaError(stanza: presence)?.condition ?? "unknown")")
        default:
            logger.info("ignoring presence of unknown type '\(presence.type ?? "")' from \(from)")
        }
    }
}
