import NIOCore
import NIOPosix

/// A SIP endpoint on one UDP socket: parses datagrams, runs the transaction layer, answers
/// OPTIONS (RFC 3261 11.2) and malformed requests (400 naming the problem) itself, and hands other
/// requests to the transaction user. Confined to its event loop; the socket handler is thin.
public final class SIPUDPEndpoint {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var timers: SIPTimers
        public var userAgent: String
        public var allow: [SIPMethod]
        public var supported: [String]

        public init(
            host: String = "0.0.0.0", port: Int = 5060, timers: SIPTimers = SIPTimers(),
            userAgent: String = "jingle-sip-bridge",
            allow: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .prack, .update, .info],
            supported: [String] = ["100rel", "timer", "replaces"]
        ) {
            self.host = host
            self.port = port
            self.timers = timers
            self.userAgent = userAgent
            self.allow = allow
            self.supported = supported
        }
    }

    /// What the endpoint reports to the transaction user.
    public enum Event {
        case request(SIPMessage, from: SocketAddress)
        case response(SIPMessage)
        case requestTimedOut(SIPMessage)
        /// A datagram that could not be parsed (already answered with 400 where possible).
        case malformed(reason: String, from: SocketAddress)
    }

    public let eventLoop: EventLoop
    public let configuration: Configuration
    private var layer: SIPTransactionLayer
    private var channel: Channel?
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?
    private let onEvent: (Event) -> Void

    public init(configuration: Configuration, eventLoop: EventLoop, onEvent: @escaping (Event) -> Void) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.layer = SIPTransactionLayer(timers: configuration.timers, isReliable: false)
        self.onEvent = onEvent
    }

    public var localAddress: SocketAddress? { channel?.localAddress }

    public func start() -> EventLoopFuture<Void> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(endpoint: bound))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .map { channel in bound.value.channel = channel }
    }

    public func stop() -> EventLoopFuture<Void> {
        timer?.task.cancel()
        timer = nil
        return channel?.close() ?? eventLoop.makeSucceededVoidFuture()
    }

    /// Sends a request in a new client transaction.
    public func send(request: SIPMessage, to destination: SocketAddress) {
        perform(layer.send(request, to: destination, now: eventLoop.now))
    }

    /// Sends a CRLF CRLF keepalive (RFC 5626 4.4.1) outside any transaction, keeping the NAT
    /// binding toward `destination` open; receivers ignore it (RFC 3261 7.5).
    public func sendKeepalive(to destination: SocketAddress) {
        guard let channel else { return }
        let buffer = channel.allocator.buffer(bytes: [0x0D, 0x0A, 0x0D, 0x0A])
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    /// Answers a request the endpoint delivered.
    public func respond(_ response: SIPMessage, to request: SIPMessage) {
        perform(layer.respond(response, to: request, now: eventLoop.now))
    }

    fileprivate func received(_ bytes: ByteBuffer, from source: SocketAddress) {
        let message: SIPMessage
        do {
            guard let parsed = try SIPMessageParser.parse(datagram: bytes.readableBytesView) else { return }  // keepalive
            message = parsed
        } catch let error as SIPParseError {
            onEvent(.malformed(reason: error.description, from: source))
            if let response = SIPMessage.makeErrorResponse(for: error) {
                write(response, to: Self.replyAddress(response, source: source))
            }
            return
        } catch {
            onEvent(.malformed(reason: "\(error)", from: source))
            return
        }
        perform(layer.receive(message, from: source, now: eventLoop.now))
    }

    private func perform(_ actions: [SIPTransactionLayer.Action]) {
        for action in actions {
            switch action {
            case .send(let message, let destination): write(message, to: destination)
            case .request(let request, let source):
                if request.method == .options {
                    respond(optionsResponse(to: request), to: request)
                } else {
                    onEvent(.request(request, from: source))
                }
            case .response(let response): onEvent(.response(response))
            case .requestTimedOut(let request): onEvent(.requestTimedOut(request))
            }
        }
        armTimer()
    }

    /// RFC 3261 11.2: 200 with what we allow, accept and support.
    func optionsResponse(to request: SIPMessage) -> SIPMessage {
        var response = SIPMessage.makeResponse(to: request, status: 200)
        response.headers.add(.allow, configuration.allow.map(\.rawValue).joined(separator: ", "))
        response.headers.add(.accept, "application/sdp")
        response.headers.add(.supported, configuration.supported.joined(separator: ", "))
        response.headers.add(.userAgent, configuration.userAgent)
        // Content-Length last, where readers of traces expect it.
        response.headers.remove(.contentLength)
        response.headers.add(.contentLength, "0")
        return response
    }

    private func write(_ message: SIPMessage, to destination: SocketAddress) {
        guard let channel else { return }
        let buffer = channel.allocator.buffer(bytes: message.serialized)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    private static func replyAddress(_ response: SIPMessage, source: SocketAddress) -> SocketAddress {
        guard let via = (try? response.topVia) ?? nil else { return source }
        return SIPTransactionLayer.responseAddress(for: via, source: source)
    }

    private func armTimer() {
        guard let deadline = layer.nextDeadline else {
            timer?.task.cancel()
            timer = nil
            return
        }
        if let timer, timer.deadline == deadline { return }
        timer?.task.cancel()
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let task = eventLoop.scheduleTask(deadline: deadline) {
            let endpoint = bound.value
            endpoint.timer = nil
            endpoint.perform(endpoint.layer.timerFired(now: endpoint.eventLoop.now))
        }
        timer = (deadline, task)
    }
}

/// Thin handler: datagrams in, to the endpoint.
private final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let endpoint: NIOLoopBound<SIPUDPEndpoint>

    init(endpoint: NIOLoopBound<SIPUDPEndpoint>) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        endpoint.value.received(envelope.data, from: envelope.remoteAddress)
    }
}
