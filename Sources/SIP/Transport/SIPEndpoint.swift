import NIOCore
import NIOPosix
import NIOSSL

/// The former name of `SIPEndpoint`, from when it spoke UDP only.
public typealias SIPUDPEndpoint = SIPEndpoint

/// A SIP endpoint: one UDP socket, TCP, TLS and WebSocket (RFC 7118) listeners, and the
/// connections it accepts or opens (reused for every message to the same peer address; WebSocket
/// connections are only accepted). It parses what arrives, runs the transaction layer
/// (unreliable mode for UDP, reliable mode for the others: no retransmissions, RFC 3261 17),
/// answers OPTIONS (11.2) and malformed requests (400 naming the problem) itself, and hands
/// other requests to the transaction user.
///
/// Outgoing messages take the transport their top Via names: a request whose Via says TCP or TLS
/// goes over a connection to its destination, opened on demand; a response goes back on the
/// connection its request came on (18.2.2). A UDP request larger than
/// `Configuration.streamThreshold` goes over TCP to the same address when a connection can be
/// made, and over UDP otherwise (18.1.1).
///
/// Confined to its event loop (every channel it opens shares it); the socket handlers are thin.
public final class SIPEndpoint {
    /// What the endpoint reports to the transaction user.
    public enum Event {
        case request(SIPMessage, from: SocketAddress)
        case response(SIPMessage)
        case requestTimedOut(SIPMessage)
        /// A message that could not be parsed (already answered with 400 where possible).
        case malformed(reason: String, from: SocketAddress)
    }

    public let eventLoop: EventLoop
    public let configuration: Configuration
    /// UDP: unreliable; TCP, TLS and WebSocket: reliable (one layer for them, keyed as RFC 3261 17 says).
    private var datagramLayer: SIPTransactionLayer
    private var streamLayer: SIPTransactionLayer
    private var channel: Channel?
    private var listenerChannels: [SIPTransport: Channel] = [:]
    /// Connections by remote address, accepted or opened (a peer's TCP address carries one
    /// protocol, so the address alone identifies the connection).
    private var connections: [SocketAddress: StreamConnection] = [:]
    private var peers: [SocketAddress: Peer] = [:]
    private var tlsClientContexts: [Bool: NIOSSLContext] = [:]
    private var timer = SIPDeadlineTimer()
    private let onEvent: (Event) -> Void

    /// A stream connection: its channel once connected, and what waits for it until then.
    private final class StreamConnection {
        let transport: SIPTransport
        var channel: Channel?
        var pending: [SIPMessage] = []

        init(transport: SIPTransport, channel: Channel? = nil) {
            self.transport = transport
            self.channel = channel
        }
    }

    public init(configuration: Configuration, eventLoop: EventLoop, onEvent: @escaping (Event) -> Void) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.datagramLayer = SIPTransactionLayer(timers: configuration.timers, isReliable: false)
        self.streamLayer = SIPTransactionLayer(timers: configuration.timers, isReliable: true)
        self.onEvent = onEvent
    }

    /// The bound UDP address.
    public var localAddress: SocketAddress? { channel?.localAddress }

    /// The bound address of a transport's socket (the UDP socket, or that transport's listener).
    public func localAddress(for transport: SIPTransport) -> SocketAddress? {
        transport == .udp ? channel?.localAddress : listenerChannels[transport]?.localAddress
    }

    /// The open (or opening) stream connections.
    public var connectionCount: Int { connections.count }
    /// Stream connections accepted or opened since the start.
    public private(set) var openedConnectionCount = 0

    /// Binds the UDP socket and every stream listener.
    public func start() -> EventLoopFuture<Void> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let udp = DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(endpoint: bound))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .map { channel in bound.value.channel = channel }
        let listeners = configuration.streamListeners.map { listener in
            bindListener(listener).map { channel in bound.value.listenerChannels[listener.transport] = channel }
        }
        return EventLoopFuture.andAllSucceed([udp] + listeners, on: eventLoop)
    }

    /// Closes the sockets and every connection.
    public func stop() -> EventLoopFuture<Void> {
        timer.cancel()
        let channels =
            [channel].compactMap { $0 } + Array(listenerChannels.values)
            + connections.values.compactMap(\.channel)
        connections = [:]
        listenerChannels = [:]
        let closed = channels.map { channel in channel.close().recover { _ in } }
        return EventLoopFuture.andAllComplete(closed, on: eventLoop)
    }

    // MARK: - Peers

    /// Records how to reach `address`: the transport requests to it take by default, and for
    /// TLS the name its certificate must carry and whether it is verified at all.
    public func setPeer(_ peer: Peer, at address: SocketAddress) {
        peers[address] = peer
    }

    /// What `setPeer` recorded for `address`.
    public func peer(at address: SocketAddress) -> Peer? { peers[address] }

    // MARK: - Sending

    /// Sends a request in a new client transaction, over the transport its top Via names.
    public func send(request: SIPMessage, to destination: SocketAddress) {
        let transport = Self.transport(of: request)
        if transport.isReliable {
            perform(overStream: true, streamLayer.send(request, to: destination, now: eventLoop.now))
        } else if let threshold = configuration.streamThreshold, request.method != .ack,
            request.serialized.count > threshold
        {
            sendLarge(request, to: destination)
        } else {
            perform(datagramLayer.send(request, to: destination, now: eventLoop.now))
        }
    }

    /// Sends a keepalive outside any transaction: CRLF CRLF (RFC 5626 4.4.1), as a datagram or on
    /// the open connection to `destination` (none is opened for it). Receivers ignore it (RFC
    /// 3261 7.5); stream peers answer with CRLF.
    public func sendKeepalive(to destination: SocketAddress) {
        let ping: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        if let transport = peers[destination]?.transport, transport.isReliable {
            guard let channel = connections[destination]?.channel else { return }
            channel.writeAndFlush(channel.allocator.buffer(bytes: ping), promise: nil)
            return
        }
        guard let channel else { return }
        let buffer = channel.allocator.buffer(bytes: ping)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    /// Answers a request the endpoint delivered.
    public func respond(_ response: SIPMessage, to request: SIPMessage) {
        if streamLayer.hasServerTransaction(for: request) {
            perform(overStream: true, streamLayer.respond(response, to: request, now: eventLoop.now))
        } else {
            perform(datagramLayer.respond(response, to: request, now: eventLoop.now))
        }
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

    /// The transport a message's top Via names; UDP when it names none we speak.
    public static func transport(of message: SIPMessage) -> SIPTransport {
        guard let via = (try? message.topVia) ?? nil else { return .udp }
        return SIPTransport(via: via.transport) ?? .udp
    }

    // MARK: - Receiving

    fileprivate func received(_ bytes: ByteBuffer, from source: SocketAddress) {
        let message: SIPMessage
        do {
            guard
                let parsed = try SIPMessageParser.parse(datagram: bytes.readableBytesView, limits: configuration.limits)
            else { return }  // keepalive
            message = parsed
        } catch let error as SIPParseError {
            onEvent(.malformed(reason: error.description, from: source))
            if let response = SIPMessage.makeErrorResponse(for: error) {
                writeDatagram(response, to: Self.replyAddress(response, source: source))
            }
            return
        } catch {
            onEvent(.malformed(reason: "\(error)", from: source))
            return
        }
        perform(datagramLayer.receive(message, from: source, now: eventLoop.now))
    }

    /// A message framed on a stream connection.
    func received(_ message: SIPMessage, fromStream source: SocketAddress) {
        perform(overStream: true, streamLayer.receive(message, from: source, now: eventLoop.now))
    }

    /// Something unusable arrived on a stream (already answered where possible).
    func receivedMalformed(reason: String, fromStream source: SocketAddress) {
        onEvent(.malformed(reason: reason, from: source))
    }

    /// Carries out a transaction layer's actions; what the stream layer sends goes on connections.
    private func perform(overStream: Bool = false, _ actions: [SIPTransactionLayer.Action]) {
        for action in actions {
            switch action {
            case .send(let message, let destination):
                if overStream {
                    // A peer's Via naming UDP over TCP still gets its answer on the connection.
                    let named = Self.transport(of: message)
                    writeStream(message, to: destination, transport: named.isReliable ? named : .tcp)
                } else {
                    writeDatagram(message, to: destination)
                }
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

    private func writeDatagram(_ message: SIPMessage, to destination: SocketAddress) {
        guard let channel else { return }
        let buffer = channel.allocator.buffer(bytes: message.serialized)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    private static func replyAddress(_ response: SIPMessage, source: SocketAddress) -> SocketAddress {
        guard let via = (try? response.topVia) ?? nil else { return source }
        return SIPTransactionLayer.responseAddress(for: via, source: source)
    }

    private func armTimer() {
        let deadline = [datagramLayer.nextDeadline, streamLayer.nextDeadline].compactMap { $0 }.min()
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timer.arm(deadline, on: eventLoop) {
            let endpoint = bound.value
            endpoint.timer.fired()
            let now = endpoint.eventLoop.now
            endpoint.perform(endpoint.datagramLayer.timerFired(now: now))
            endpoint.perform(overStream: true, endpoint.streamLayer.timerFired(now: now))
        }
    }
}

// MARK: - Streams

extension SIPEndpoint {
    private func bindListener(_ listener: StreamListener) -> EventLoopFuture<Channel> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let idleTimeout = configuration.idleTimeout
        let limits = configuration.limits
        if (listener.transport == .tls || listener.transport == .wss) && listener.tls == nil {
            return eventLoop.makeFailedFuture(
                SIPTransportError("a \(listener.transport.rawValue) listener needs a certificate and private key"))
        }
        guard listener.transport != .udp else {
            return eventLoop.makeFailedFuture(SIPTransportError("UDP is not a stream listener"))
        }
        return ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    if let context = listener.tls { try handlers.addHandler(NIOSSLServerHandler(context: context)) }
                    if listener.transport.isWebSocket {
                        return try Self.configureWebSocket(
                            channel, endpoint: bound, transport: listener.transport, limits: limits)
                    }
                    try handlers.addHandler(
                        SIPStreamHandler(
                            endpoint: bound, transport: listener.transport, isInbound: true, idleTimeout: idleTimeout,
                            limits: limits))
                }
            }
            .bind(host: listener.host, port: listener.port)
    }

    /// A connection accepted by a listener is reused for messages to its peer address.
    func streamAccepted(_ channel: Channel, transport: SIPTransport) {
        guard let remote = channel.remoteAddress else { return }
        connections[remote] = StreamConnection(transport: transport, channel: channel)
        openedConnectionCount += 1
    }

    func streamClosed(_ channel: Channel, remote: SocketAddress?) {
        guard let remote, let connection = connections[remote], connection.channel === channel else { return }
        connections[remote] = nil
    }

    /// Writes on the connection to `destination`, opening one when there is none. A response
    /// whose connection is gone goes to the `received` address and the sent-by port (18.2.2).
    private func writeStream(_ message: SIPMessage, to destination: SocketAddress, transport: SIPTransport) {
        if let connection = connections[destination] {
            if let channel = connection.channel {
                write(message, on: channel)
            } else {
                connection.pending.append(message)
            }
            return
        }
        var target = destination
        if !message.isRequest, let via = (try? message.topVia) ?? nil,
            let address = try? SocketAddress(
                ipAddress: via.received ?? via.host.address, port: Int(via.port ?? UInt16(transport.defaultPort)))
        {
            target = address
            if let connection = connections[target], let channel = connection.channel {
                return write(message, on: channel)
            }
        }
        let connection = connect(to: target, transport: transport)
        connection.pending.append(message)
    }

    private func write(_ message: SIPMessage, on channel: Channel) {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        channel.writeAndFlush(channel.allocator.buffer(bytes: message.serialized)).whenFailure { _ in
            bound.value.transportFailed(message)
        }
    }

    private func transportFailed(_ message: SIPMessage) {
        if Self.transport(of: message).isReliable {
            perform(overStream: true, streamLayer.transportFailed(for: message))
        } else {
            perform(datagramLayer.transportFailed(for: message))
        }
    }

    /// Opens a connection; what is queued in `pending` is written once it is up, and fails its
    /// transactions if it cannot be made.
    @discardableResult
    private func connect(
        to address: SocketAddress, transport: SIPTransport,
        completion: ((Result<Channel, Error>) -> Void)? = nil
    ) -> StreamConnection {
        let connection = StreamConnection(transport: transport)
        guard !transport.isWebSocket else {
            // RFC 7118 clients connect to us; we never open WebSocket connections.
            let error = SIPTransportError("outgoing WebSocket connections are not supported")
            eventLoop.assumeIsolated().execute {
                self.connectFailed(connection, error: error)
                completion?(.failure(error))
            }
            return connection
        }
        connections[address] = connection
        openedConnectionCount += 1
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let idleTimeout = configuration.idleTimeout
        let limits = configuration.limits
        let peer = peers[address]
        var tls: (context: NIOSSLContext, serverName: String?)?
        if transport == .tls {
            do {
                let context = try tlsClientContext(verify: peer?.verifyCertificate ?? true)
                // SNI carries names only (RFC 6066 3); an IP address is verified against the certificate.
                let name = peer?.serverName.flatMap { (try? SIPHost(parsing: $0))?.isIPAddress == false ? $0 : nil }
                tls = (context, name)
            } catch {
                connections[address] = nil
                eventLoop.assumeIsolated().execute {
                    bound.value.connectFailed(connection, error: error)
                    completion?(.failure(error))
                }
                return connection
            }
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { [tls] channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    if let tls {
                        try handlers.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName))
                    }
                    try handlers.addHandler(
                        SIPStreamHandler(
                            endpoint: bound, transport: transport, isInbound: false, idleTimeout: idleTimeout,
                            limits: limits))
                }
            }
        bootstrap.connect(to: address).assumeIsolated().whenComplete { result in
            let endpoint = bound.value
            switch result {
            case .success(let channel):
                connection.channel = channel
                let pending = connection.pending
                connection.pending = []
                for message in pending { endpoint.write(message, on: channel) }
            case .failure(let error):
                if endpoint.connections[address] === connection { endpoint.connections[address] = nil }
                endpoint.connectFailed(connection, error: error)
            }
            completion?(result)
        }
        return connection
    }

    private func connectFailed(_ connection: StreamConnection, error: Error) {
        let pending = connection.pending
        connection.pending = []
        for message in pending { transportFailed(message) }
    }

    private func tlsClientContext(verify: Bool) throws -> NIOSSLContext {
        if let context = tlsClientContexts[verify] { return context }
        var tls = configuration.tlsClient
        if !verify { tls.certificateVerification = .none }
        let context = try NIOSSLContext(configuration: tls)
        tlsClientContexts[verify] = context
        return context
    }

    /// RFC 3261 18.1.1: a request too large for UDP goes over TCP (its Via saying so) when a
    /// connection to the same address can be made, over UDP after a refused connection.
    private func sendLarge(_ request: SIPMessage, to destination: SocketAddress) {
        var overTCP = request
        if let index = overTCP.headers.fields.firstIndex(where: { $0.name == .via }),
            var via = (try? overTCP.topVia) ?? nil
        {
            via.transport = SIPTransport.tcp.viaName
            let rest = SIPTransactionLayer.afterFirstValue(overTCP.headers.fields[index].value)
            overTCP.headers.fields[index].value = via.description + rest
        }
        if let connection = connections[destination], connection.transport == .tcp {
            perform(overStream: true, streamLayer.send(overTCP, to: destination, now: eventLoop.now))
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        connect(to: destination, transport: .tcp) { result in
            let endpoint = bound.value
            switch result {
            case .success:
                endpoint.perform(
                    overStream: true, endpoint.streamLayer.send(overTCP, to: destination, now: endpoint.eventLoop.now))
            case .failure:
                endpoint.perform(endpoint.datagramLayer.send(request, to: destination, now: endpoint.eventLoop.now))
            }
        }
    }
}

/// Thin handler: datagrams in, to the endpoint.
private final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let endpoint: NIOLoopBound<SIPEndpoint>

    init(endpoint: NIOLoopBound<SIPEndpoint>) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        endpoint.value.received(envelope.data, from: envelope.remoteAddress)
    }
}
