import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import XMPPComponent
import XMPPCore

/// The running bridge: the XMPP component with its services, the store, and (later) SIP and calls.
///
/// A `Service` for swift-service-lifecycle: `run()` returns after a graceful shutdown, having
/// sent unavailable presence and closed the stream. `reload(_:)` applies a new configuration
/// without dropping the link.
public final class Bridge: Service, Sendable {
    private let group: EventLoopGroup
    private let logger: Logger
    private let initialConfiguration: BridgeConfiguration
    private let eventLoop: EventLoop
    private let core = Mutex<NIOLoopBound<BridgeCore>?>(nil)

    public init(configuration: BridgeConfiguration, group: EventLoopGroup, logger: Logger) {
        self.group = group
        self.logger = logger
        self.initialConfiguration = configuration
        self.eventLoop = group.next()
    }

    public func run() async throws {
        let store = try BridgeStore(directory: initialConfiguration.dataDirectory, logger: logger)
        let subscriptions = try store.loadAll()
        logger.info(
            "\(BridgeVersion.name) \(BridgeVersion.version) starting; \(subscriptions.count) presence subscriptions loaded from \(initialConfiguration.dataDirectory)")
        let configuration = initialConfiguration
        let logger = self.logger
        let bound = try await eventLoop.submit { [eventLoop] in
            let core = try BridgeCore(
                configuration: configuration, store: store, subscriptions: subscriptions, eventLoop: eventLoop,
                logger: logger)
            core.start()
            return NIOLoopBound(core, eventLoop: eventLoop)
        }.get()
        core.withLock { $0 = bound }

        try? await gracefulShutdown()

        logger.info("shutting down")
        try await eventLoop.flatSubmit { bound.value.stop() }.get()
        try? store.flush()
        logger.info("stopped")
    }

    /// Applies a re-read configuration: access, admins and log level change at once; settings of
    /// the XMPP link itself need a restart, which is logged.
    public func reload(_ configuration: BridgeConfiguration) async {
        guard let bound = core.withLock({ $0 }) else { return }
        try? await eventLoop.submit { bound.value.apply(configuration) }.get()
    }
}

/// Everything the bridge owns on its event loop.
final class BridgeCore {
    let component: XMPPComponent
    let gateway: GatewayService
    let presence: PresenceService
    let commands: AdHocCommands
    var configuration: BridgeConfiguration
    var access: AccessControl
    let startedAt: NIODeadline
    let logger: Logger

    init(
        configuration: BridgeConfiguration, store: SubscriptionStore, subscriptions: [PresenceSubscription],
        eventLoop: EventLoop, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.access = try AccessControl(configuration: configuration)
        self.startedAt = eventLoop.now
        let xmpp = configuration.xmpp
        component = try XMPPComponent(
            configuration: .init(
                host: xmpp.server, port: xmpp.port,
                link: .init(
                    domain: xmpp.domain, secret: xmpp.secret, reconnectMin: TimeAmount(xmpp.reconnectMin),
                    reconnectMax: TimeAmount(xmpp.reconnectMax), pingInterval: TimeAmount(xmpp.pingInterval),
                    pingTimeout: TimeAmount(xmpp.pingTimeout)),
                limits: XMLStreamLimits(
                    maxStanzaSize: xmpp.maxStanzaSize, maxDepth: xmpp.maxDepth, maxAttributes: xmpp.maxAttributes),
                iqTimeout: TimeAmount(xmpp.iqTimeout), maxOutgoingStanzaSize: xmpp.maxStanzaSize),
            eventLoop: eventLoop, logger: logger)
        let policy = GatewayPolicy(
            name: xmpp.name, version: BridgeVersion.version, operatingSystem: "Linux",
            isAllowed: { _ in false }, isAdmin: { _ in false })
        gateway = GatewayService(domain: component.domain, policy: policy)
        let component = self.component
        presence = PresenceService(
            gateway: gateway, store: store, initial: subscriptions, logger: logger, send: { component.send($0) })
        commands = AdHocCommands(domain: component.domain)
        gateway.policy.isAllowed = { [weak self] jid in self?.access.allows(jid) ?? false }
        gateway.policy.isAdmin = { [weak self] jid in self?.access.isAdmin(jid) ?? false }
        gateway.install(on: component.router)
        presence.install(on: component)
        commands.install(on: component.router, gateway: gateway)
        registerCommands()
    }

    func start() {
        component.start()
    }

    func stop() -> EventLoopFuture<Void> {
        for stanza in presence.unavailableAll() { component.send(stanza) }
        return component.stop()
    }

    func apply(_ configuration: BridgeConfiguration) {
        do {
            access = try AccessControl(configuration: configuration)
        } catch {
            logger.error("reload refused: \(error)")
            return
        }
        if configuration.xmpp != self.configuration.xmpp {
            logger.warning("changes to <xmpp> take effect after a restart")
        }
        self.configuration = configuration
        logger.info("configuration reloaded")
    }

    private func registerCommands() {
        commands.register(
            AdHocCommands.Command(
                node: "status", name: "Bridge status", isAvailable: { [weak self] in self?.access.isAdmin($0) ?? false }
            ) { [weak self] _, respond in
                guard let self else { return respond(.error(.serviceUnavailable)) }
                respond(.completed(self.statusForm()))
            })
    }

    func statusForm() -> DataForm {
        let uptime = (component.eventLoop.now - startedAt).nanoseconds / 1_000_000_000
        return DataForm(
            type: .result, title: "Bridge status",
            fields: [
                .init("version", label: "Version", value: "\(BridgeVersion.name) \(BridgeVersion.version)"),
                .init("uptime", label: "Uptime (seconds)", value: String(uptime)),
                .init("xmpp-link", label: "XMPP link", value: component.status.rawValue),
                .init("xmpp-reconnects", label: "XMPP reconnects", value: String(component.reconnects)),
                .init("subscriptions", label: "Presence subscriptions", value: String(presence.subscriptionCount)),
                .init("calls-active", label: "Active calls", value: "0"),
                .init("calls-total", label: "Calls since start", value: "0"),
                .init("media-libraries", label: "Media libraries", value: MediaLibrariesSummary.text),
            ])
    }
}
