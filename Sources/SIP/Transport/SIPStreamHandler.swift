import NIOCore

/// Thin handler of a TCP or TLS connection: bytes in to its `SIPStreamConnection`, messages out
/// to the endpoint, pongs and 400s written back, the idle timer kept armed, and the connection
/// closed when the state machine says so. Writes passing through count as activity.
final class SIPStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let endpoint: NIOLoopBound<SIPEndpoint>
    private let transport: SIPTransport
    private let isInbound: Bool
    private let idleTimeout: TimeAmount
    private let limits: SIPLimits
    private var connection: SIPStreamConnection?
    private var remote: SocketAddress?
    private var timer: Scheduled<Void>?

    init(
        endpoint: NIOLoopBound<SIPEndpoint>, transport: SIPTransport, isInbound: Bool, idleTimeout: TimeAmount,
        limits: SIPLimits
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.isInbound = isInbound
        self.idleTimeout = idleTimeout
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard connection == nil else { return }
        connection = SIPStreamConnection(idleTimeout: idleTimeout, limits: limits, now: context.eventLoop.now)
        remote = context.channel.remoteAddress
        if isInbound { endpoint.value.streamAccepted(context.channel, transport: transport) }
        armTimer(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard var connection else { return }
        let actions = connection.received(buffer.readableBytesView, now: context.eventLoop.now)
        self.connection = connection
        perform(actions, context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        connection?.sent(now: context.eventLoop.now)
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        endpoint.value.streamClosed(context.channel, remote: remote)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A reset or a TLS failure: the connection is of no further use.
        if let remote { endpoint.value.receivedMalformed(reason: "connection error: \(error)", fromStream: remote) }
        context.close(promise: nil)
    }

    private func perform(_ actions: [SIPStreamConnection.Action], context: ChannelHandlerContext) {
        var lastWrite: EventLoopFuture<Void>?
        for action in actions {
            switch action {
            case .deliver(let message):
                if let remote { endpoint.value.received(message, fromStream: remote) }
            case .write(let bytes):
                connection?.sent(now: context.eventLoop.now)
                lastWrite = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
            case .malformed(let reason):
                if let remote { endpoint.value.receivedMalformed(reason: reason, fromStream: remote) }
            case .close:
                // After what was written (the 400) has left.
                if let lastWrite {
                    lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                } else {
                    context.close(promise: nil)
                }
                return
            }
        }
        armTimer(context: context)
    }

    private func armTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        guard let deadline = connection?.nextDeadline else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timer = nil
            guard var connection = handler.connection else { return }
            let actions = connection.timerFired(now: context.eventLoop.now)
            handler.connection = connection
            if actions.isEmpty {
                handler.armTimer(context: context)  // activity since: wait for the new deadline
            } else {
                handler.perform(actions, context: context)
            }
        }
    }
}
