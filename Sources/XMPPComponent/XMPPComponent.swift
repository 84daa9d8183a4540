import Logging
import Metrics
import NIOCore
import NIOPosix
import XMPPCore

/// The XEP-0114 link to the XMPP server and the component's stanza I/O.
///
/// Confined to one event loop: every method must be called on `eventLoop` (other loops use
/// `XMPPComponentHandle`). It drives `ComponentLinkStateMachine`, keeps exactly one timer armed for
/// the machine's next deadline, and queues outbound stanzas while the link is down.
public final class XMPPComponent {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var link: ComponentLinkStateMachine.Settings
        public var limits: XMLStreamLimits
        /// How long an IQ we send may wait for its answer.
        public var iqTimeout: TimeAmount
        /// Largest stanza we send; the server closes the stream on bigger ones.
        public var maxOutgoingStanzaSize: Int
        /// Stanzas kept while the link is down, oldest dropped first.
        public var outboundQueueLimit: Int

        public init(
            host: String, port: Int, link: ComponentLinkStateMachine.Settings,
            limits: XMLStreamLimits = XMLStreamLimits(), iqTimeout: TimeAmount = .seconds(30),
            maxOutgoingStanzaSize: Int = 524_288, outboundQueueLimit: Int = 10_000
        ) {
            self.host = host
            self.port = port
            self.link = link
            self.limits = limits
            self.iqTimeout = iqTimeout
            self.maxOutgoingStanzaSize = maxOutgoingStanzaSize
            self.outboundQueueLimit = outboundQueueLimit
        }
    }

    public enum LinkStatus: String, Sendable { case offline, connecting, online, stopped }

    public let eventLoop: EventLoop
    public let configuration: Configuration
    public let router = StanzaRouter()
    public let domain: JID
    public var logger: Logger

    private var machine: ComponentLinkStateMachine
    private var channel: Channel?
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?
    private var outboundQueue: [XMLElement] = []
    private var onlineHandlers: [() -> Void] = []
    private var stopPromise: EventLoopPromise<Void>?
    private var idCounter = 0
    private let stanzasIn = Counter(label: "xmpp_stanzas_received_total")
    private let stanzasOut = Counter(label: "xmpp_stanzas_sent_total")
    private let reconnectCounter = Counter(label: "xmpp_reconnects_total")

    /// Opens a connection whose pipeline holds the given handler; TCP by default, an
    /// `EmbeddedChannel` in tests.
    typealias Connector = (XMPPComponent, ComponentStreamHandler) -> EventLoopFuture<Void>
    private let connector: Connector

    public convenience init(
        configuration: Configuration, eventLoop: EventLoop, logger: Logger,
        random: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) throws(JIDError) {
        try self.init(configuration: configuration, eventLoop: eventLoop, logger: logger, random: random, connector: Self.tcpConnector)
    }

    init(
        configuration: Configuration, eventLoop: EventLoop, logger: Logger,
        random: @escaping () -> Double, connector: @escaping Connector
    ) throws(JIDError) {
        self.connector = connector
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.domain = try JID(configuration.link.domain)
        self.machine = ComponentLinkStateMachine(settings: configuration.link, random: random)
        var logger = logger
        logger[metadataKey: "component"] = "\(configuration.link.domain)"
        self.logger = logger
    }

    public var status: LinkStatus {
        switch machine.state {
        case .online: .online
        case .stopped: .stopped
        case .connecting, .awaitingStreamHeader, .awaitingHandshake: .connecting
        case .idle, .waitingToReconnect: .offline
        }
    }

    /// Times the link came back after a loss.
    public var reconnects: Int { machine.reconnects }

    public var handle: XMPPComponentHandle { XMPPComponentHandle(self) }

    /// Called each time the link comes online (first connect and every reconnect).
    public func onOnline(_ handler: @escaping () -> Void) { onlineHandlers.append(handler) }

    public func start() {
        eventLoop.preconditionInEventLoop()
        perform(machine.start())
    }

    /// Closes the stream politely; the future completes when the connection is closed.
    public func stop() -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        let hadChannel = channel != nil
        perform(machine.stop())
        timer?.task.cancel()
        timer = nil
        router.failPending(StanzaError(.cancel, "remote-server-not-found", text: "component stopping"))
        if hadChannel, let channel {
            stopPromise = promise
            channel.closeFuture.whenComplete { _ in promise.succeed() }
        } else {
            promise.succeed()
        }
        return promise.futureResult
    }

    /// A fresh id for a stanza we originate.
    public func makeID(prefix: String = "b") -> String {
        idCounter += 1
        return "\(prefix)\(idCounter)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Sends a stanza now, or after reconnect when the link is down.
    public func send(_ stanza: XMLElement) {
        eventLoop.preconditionInEventLoop()
        // Prosody and ejabberd refuse stanzas from outside the component's domain.
        guard let from = stanza.from, from.domainpart == domain.domainpart else {
            logger.error("dropping outbound <\(stanza.name)>: 'from' \(stanza[attribute: "from"] ?? "missing") is outside \(domain)")
            return
        }
        guard machine.isOnline, let channel else {
            if outboundQueue.count >= configuration.outboundQueueLimit {
                outboundQueue.removeFirst()
                logger.warning("outbound queue full while offline; dropped the oldest stanza")
            }
            outboundQueue.append(stanza)
            return
        }
        write(stanza, to: channel)
    }

    /// Sends an IQ get/set and completes with the result stanza, or fails with its `StanzaError`
    /// (`remote-server-timeout` when no answer comes within the IQ timeout).
    public func request(_ iq: XMLElement, timeout: TimeAmount? = nil) -> EventLoopFuture<XMLElement> {
        eventLoop.preconditionInEventLoop()
        var iq = iq
        if iq.id == nil { iq[attribute: "id"] = makeID(prefix: "iq") }
        let promise = eventLoop.makePromise(of: XMLElement.self)
        router.track(id: iq.id!, promise: promise, timeout: timeout ?? configuration.iqTimeout, on: eventLoop)
        send(iq)
        return promise.futureResult
    }

    private func write(_ stanza: XMLElement, to channel: Channel) {
        var text = stanza.serialized(parentNamespace: Namespace.component)
        if text.utf8.count > configuration.maxOutgoingStanzaSize {
            logger.error("outbound <\(stanza.name)> of \(text.utf8.count) bytes exceeds \(configuration.maxOutgoingStanzaSize); not sent")
            guard stanza.name == "iq", stanza.type == "result" else { return }
            text = XMLElement(
                "iq", namespace: Namespace.component,
                ["type": "error", "id": stanza.id, "from": stanza[attribute: "from"], "to": stanza[attribute: "to"]],
                elements: [StanzaError(.wait, "resource-constraint", text: "response too large").element]
            ).serialized(parentNamespace: Namespace.component)
        }
        logger.trace("XMPP out: \(text)")
        stanzasOut.increment()
        channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
    }

    // MARK: events from the channel handler

    func channelActive(_ channel: Channel) {
        self.channel = channel
        perform(machine.connected(now: eventLoop.now))
    }

    func streamEvent(_ event: XMLStreamEvent, channel: Channel) {
        guard channel === self.channel else { return }
        if case .stanza(let stanza) = event {
            stanzasIn.increment()
            if logger.logLevel <= .trace { logger.trace("XMPP in: \(stanza.serialized(parentNamespace: Namespace.component))") }
        }
        perform(machine.received(event, now: eventLoop.now))
    }

    func streamFailed(_ error: XMLStreamError, channel: Channel) {
        guard channel === self.channel else { return }
        perform(machine.parseFailed(error))
    }

    func channelInactive(_ channel: Channel) {
        guard channel === self.channel else { return }
        self.channel = nil
        router.failPending(StanzaError(.wait, "remote-server-timeout", text: "XMPP link lost"))
        perform(machine.disconnected(now: eventLoop.now, reason: "connection closed"))
    }

    func channelError(_ error: Error, channel: Channel) {
        guard channel === self.channel else { return }
        logger.warning("XMPP connection error: \(error)")
    }

    // MARK: carrying out actions

    private func perform(_ actions: [ComponentLinkStateMachine.Action]) {
        for action in actions {
            switch action {
            case .connect: connect()
            case .send(let text):
                logger.trace("XMPP out: \(text)")
                channel?.writeAndFlush(ByteBuffer(string: text), promise: nil)
            case .becameOnline:
                if machine.reconnects > 0 { reconnectCounter.increment() }
                let queued = outboundQueue
                outboundQueue.removeAll()
                for handler in onlineHandlers { handler() }
                for stanza in queued { send(stanza) }
            case .deliver(let stanza): deliver(stanza)
            case .close(let streamError, let reason):
                guard let channel else { break }
                logger.debug("closing XMPP connection: \(reason)")
                if let streamError {
                    let error =
                        "<stream:error><\(streamError) xmlns='\(Namespace.streamErrors)'/></stream:error></stream:stream>"
                    channel.writeAndFlush(ByteBuffer(string: error), promise: nil)
                }
                channel.close(promise: nil)
            case .log(let level, let message):
                switch level {
                case .info: logger.info("\(message)")
                case .warning: logger.warning("\(message)")
                case .error: logger.error("\(message)")
                }
            }
        }
        armTimer()
    }

    private func deliver(_ stanza: XMLElement) {
        // Bound here, on the loop: NIOLoopBound may only be made on its loop, and a handler may
        // answer later from elsewhere, in which case the reply hops back.
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        let outcome = router.route(stanza) { reply in
            if loop.inEventLoop {
                bound.value.send(reply)
            } else {
                loop.execute { bound.value.send(reply) }
            }
        }
        switch outcome {
        case .handled: break
        case .reply(let reply):
            logger.info("answering <\(stanza.name)> from \(stanza[attribute: "from"] ?? "?") with an error")
            send(reply)
        case .ignored(let reason):
            logger.info("ignoring stanza: \(reason)")
        }
    }

    private func connect() {
        logger.info("connecting to XMPP server \(configuration.host):\(configuration.port)")
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        connector(self, ComponentStreamHandler(component: self, limits: configuration.limits)).whenFailure { error in
            let component = bound.value
            component.perform(component.machine.connectFailed(now: component.eventLoop.now, reason: "\(error)"))
        }
    }

    static func tcpConnector(_ component: XMPPComponent, _ handler: ComponentStreamHandler) -> EventLoopFuture<Void> {
        let handler = NIOLoopBound(handler, eventLoop: component.eventLoop)
        return ClientBootstrap(group: component.eventLoop)
            .connectTimeout(component.configuration.link.pingTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
            .connect(host: component.configuration.host, port: component.configuration.port)
            .map { _ in }
    }

    private func armTimer() {
        guard let deadline = machine.nextDeadline else {
            timer?.task.cancel()
            timer = nil
            return
        }
        if let timer, timer.deadline == deadline { return }
        timer?.task.cancel()
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let task = eventLoop.scheduleTask(deadline: deadline) {
            let component = bound.value
            component.timer = nil
            component.perform(component.machine.timerFired(now: component.eventLoop.now))
        }
        timer = (deadline, task)
    }
}

/// A `Sendable` way to reach the component from other event loops or tasks: every call hops to
/// the component's loop.
public struct XMPPComponentHandle: Sendable {
    private let bound: NIOLoopBound<XMPPComponent>
    public let eventLoop: EventLoop

    init(_ component: XMPPComponent) {
        self.bound = NIOLoopBound(component, eventLoop: component.eventLoop)
        self.eventLoop = component.eventLoop
    }

    public func send(_ stanza: XMLElement) {
        eventLoop.execute { bound.value.send(stanza) }
    }

    public func request(_ iq: XMLElement, timeout: TimeAmount? = nil) -> EventLoopFuture<XMLElement> {
        eventLoop.flatSubmit { bound.value.request(iq, timeout: timeout) }
    }

    /// Runs `body` with the component on its loop.
    public func withComponent<T: Sendable>(_ body: @escaping @Sendable (XMPPComponent) -> T) -> EventLoopFuture<T> {
        eventLoop.submit { body(bound.value) }
    }
}
