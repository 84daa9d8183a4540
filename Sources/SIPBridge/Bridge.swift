import Foundation
import Logging
import Media
import NIOCore
import Jingle
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
    /// Re-reads the configuration file (supplied by the executable, which owns file locations).
    public typealias ConfigurationSource = @Sendable () async -> Result<BridgeConfiguration, ConfigurationErrors>

    private let group: EventLoopGroup
    private let configurationSource: ConfigurationSource?
    private let logger: Logger
    private let initialConfiguration: BridgeConfiguration
    private let eventLoop: EventLoop
    private let core = Mutex<NIOLoopBound<BridgeCore>?>(nil)

    public init(
        configuration: BridgeConfiguration, group: EventLoopGroup, logger: Logger,
        configurationSource: ConfigurationSource? = nil
    ) {
        self.group = group
        self.configurationSource = configurationSource
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
        let source = configurationSource
        // One certificate per process (RFC 8842 section 5 allows reuse across sessions); its fingerprint
        // goes into every answer.
        let certificate = try DTLSCertificate.generate(validFrom: Int64(Date().timeIntervalSince1970))
        let group = self.group
        let bound = try await eventLoop.submit { [eventLoop] in
            let core = try BridgeCore(
                configuration: configuration, store: store, subscriptions: subscriptions, eventLoop: eventLoop,
                mediaGroup: group, certificate: certificate, logger: logger, configurationSource: source)
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

    /// Applies a re-read configuration: access and admins change at once; settings of the XMPP
    /// link itself need a restart, which is logged and returned as a warning.
    @discardableResult
    public func reload(_ configuration: BridgeConfiguration) async -> [String] {
        guard let bound = core.withLock({ $0 }) else { return [] }
        return (try? await eventLoop.submit { bound.value.apply(configuration) }.get()) ?? []
    }
}

/// Everything the bridge owns on its event loop.
final class BridgeCore {
    let component: XMPPComponent
    let gateway: GatewayService
    let presence: PresenceService
    let commands: AdHocCommands
    let calls: CallManager
    private(set) var callCommands: CallCommands?
    var configuration: BridgeConfiguration
    var access: AccessControl
    let startedAt: NIODeadline
    let logger: Logger

    let configurationSource: Bridge.ConfigurationSource?

    init(
        configuration: BridgeConfiguration, store: SubscriptionStore, subscriptions: [PresenceSubscription],
        eventLoop: EventLoop, mediaGroup: any EventLoopGroup, certificate: DTLSCertificate, logger: Logger,
        configurationSource: Bridge.ConfigurationSource? = nil
    ) throws {
        self.configuration = configuration
        self.configurationSource = configurationSource
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
        calls = try CallManager(
            component: component, mediaGroup: mediaGroup, media: configuration.media, limits: configuration.sip.limits,
            certificate: certificate,
            logger: logger)
        gateway.policy.isAllowed = { [weak self] jid in self?.access.allows(jid) ?? false }
        gateway.policy.isAdmin = { [weak self] jid in self?.access.isAdmin(jid) ?? false }
        gateway.install(on: component.router)
        presence.install(on: component)
        commands.install(on: component.router, gateway: gateway)
        calls.isAllowed = { [weak self] jid in self?.access.allows(jid) ?? false }
        let presence = self.presence
        calls.presenceWithCaps = { from, to in presence.availablePresence(from: from, to: to) }
        calls.routing = OutboundRouting(settings: configuration.sip)
        calls.store = store as? BridgeStore
        calls.sip = try SIPGateway(settings: configuration.sip, eventLoop: eventLoop, logger: logger)
        calls.sipSettings = configuration.sip
        let manager = calls
        calls.sip?.userAgent.onIncomingCall = { [weak manager] call in
            guard let manager else { return call.reject(status: 503, reason: "Service Unavailable") }
            manager.incomingSIP(call)
        }
        calls.install(on: component.router)
        let callCommands = CallCommands(
            calls: calls, isAdmin: { [weak self] in self?.access.isAdmin($0) ?? false },
            isAllowed: { [weak self] in self?.access.allows($0) ?? false })
        callCommands.register(in: commands)
        self.callCommands = callCommands
        registerCommands()
    }

    func start() {
        component.start()
        if let sip = calls.sip {
            let logger = self.logger
            sip.start().whenFailure { error in logger.error("SIP listener failed: \(error)") }
        }
    }

    func stop() -> EventLoopFuture<Void> {
        calls.terminateAll(reason: JingleReason(.gone, text: "the bridge is shutting down"))
        for stanza in presence.unavailableAll() { component.send(stanza) }
        calls.sip?.stopRegistrations()
        // Half a second for the BYEs and CANCELs to go out (and be retransmitted once) before the socket closes.
        let loop = component.eventLoop
        let sip = calls.sip
        let component = self.component
        return loop.assumeIsolated().scheduleTask(in: .milliseconds(500)) {}.futureResult.assumeIsolated()
            .flatMap { sip?.stop() ?? loop.makeSucceededVoidFuture() }
            .flatMap { component.stop() }.nonisolated()
    }

    /// Applies a new configuration; returns warnings about settings that need a restart.
    func apply(_ configuration: BridgeConfiguration) -> [String] {
        do {
            access = try AccessControl(configuration: configuration)
        } catch {
            logger.error("reload refused: \(error)")
            return ["refused: \(error)"]
        }
        var warnings: [String] = []
        if configuration.xmpp != self.configuration.xmpp {
            warnings.append("changes to <xmpp> take effect after a restart")
        }
        if configuration.dataDirectory != self.configuration.dataDirectory {
            warnings.append("a new <data directory> takes effect after a restart")
        }
        for warning in warnings { logger.warning("\(warning)") }
        self.configuration = configuration
        calls.limits = configuration.sip.limits
        calls.routing = OutboundRouting(settings: configuration.sip)
        calls.sipSettings = configuration.sip
        logger.info("configuration reloaded")
        return warnings
    }

    private func registerCommands() {
        commands.register(
            AdHocCommands.Command(
                node: "status", name: "Bridge status", isAvailable: { [weak self] in self?.access.isAdmin($0) ?? false }
            ) { [weak self] _, respond in
                guard let self else { return respond(.error(.serviceUnavailable)) }
                respond(.completed(self.statusForm()))
            })
        guard configurationSource != nil else { return }
        commands.register(
            AdHocCommands.Command(
                node: "reload", name: "Reload configuration",
                isAvailable: { [weak self] in self?.access.isAdmin($0) ?? false }
            ) { [weak self] request, respond in
                guard let self else { return respond(.error(.serviceUnavailable)) }
                self.reloadCommand(requester: request.requester, respond: respond)
            })
    }

    /// Re-reads the file off the event loop, applies it on the loop, answers with what happened.
    private func reloadCommand(requester: JID, respond: @escaping (AdHocCommands.Response) -> Void) {
        guard let source = configurationSource else { return respond(.error(.featureNotImplemented)) }
        let loop = component.eventLoop
        let boundCore = NIOLoopBound(self, eventLoop: loop)
        let boundRespond = NIOLoopBound(respond, eventLoop: loop)
        logger.info("\(requester) asked for a configuration reload")
        Task { @Sendable [source, boundCore, boundRespond, loop] in
            let result = await source()
            loop.execute {
                let core = boundCore.value
                let respond = boundRespond.value
                switch result {
                case .success(let configuration):
                    let warnings = core.apply(configuration)
                    respond(.completed(Self.reloadForm(applied: true, lines: warnings), note: "Configuration reloaded."))
                case .failure(let errors):
                    core.logger.error("reload failed; keeping the running configuration:\n\(errors)")
                    respond(
                        .completed(
                            Self.reloadForm(applied: false, lines: errors.errors.map(\.description)),
                            note: "The file has errors; the running configuration is unchanged."))
                }
            }
        }
    }

    static func reloadForm(applied: Bool, lines: [String]) -> DataForm {
        DataForm(
            type: .result, title: "Reload configuration",
            fields: [
                .init("applied", type: "boolean", label: "Applied", values: [applied ? "true" : "false"]),
                .init(applied ? "warnings" : "errors", type: "text-multi", label: applied ? "Warnings" : "Errors", values: lines),
            ])
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
                .init("calls-active", label: "Active calls", value: String(calls.activeCount)),
                .init("calls-total", label: "Calls since start", value: String(calls.counters.total)),
                .init(
                    "calls-failed", type: "text-multi", label: "Failed calls by reason",
                    values: calls.counters.failed.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }),
                .init("media-ports", label: "Media ports in use", value: String(calls.ports.allocatedCount)),
                .init("trunks", type: "text-multi", label: "Trunks", values: calls.sip?.trunkStatus ?? []),
                .init("media-libraries", label: "Media libraries", value: MediaLibrariesSummary.text),
            ])
    }
}
