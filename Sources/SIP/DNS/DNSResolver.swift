import NIOCore
import NIOPosix

/// Asynchronous DNS lookups over UDP (RFC 1035 4.2.1), on one event loop, never blocking it.
///
/// Each lookup is sent to the first nameserver, retried after `timeout` on the next one, up to
/// `attempts` sends in all; a name error (NXDOMAIN) or an empty answer yields no records.
/// Confined to its event loop: call it only there (the SIP stack's loop).
public final class DNSResolver {
    public struct Configuration: Sendable {
        public var nameservers: [SocketAddress]
        public var timeout: TimeAmount
        public var attempts: Int

        public init(nameservers: [SocketAddress], timeout: TimeAmount = .seconds(2), attempts: Int = 3) {
            self.nameservers = nameservers
            self.timeout = timeout
            self.attempts = attempts
        }

        /// Nameservers from resolv.conf text (`nameserver` lines, port 53).
        public static func parseResolvConf(_ text: String) -> [SocketAddress] {
            text.split(whereSeparator: \.isNewline).compactMap { line in
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
                return try? SocketAddress(ipAddress: String(fields[1]), port: 53)
            }
        }
    }

    private struct Pending {
        var question: DNSMessage.Question
        var promise: EventLoopPromise<[DNSMessage.Record]>
        var attempt: Int
        var timer: Scheduled<Void>?
    }

    public let eventLoop: EventLoop
    public let configuration: Configuration
    private var channel: EventLoopFuture<Channel>?
    private var pending: [UInt16: Pending] = [:]

    public init(configuration: Configuration, eventLoop: EventLoop) {
        self.configuration = configuration
        self.eventLoop = eventLoop
    }

    public func lookup(_ name: String, type: DNSMessage.RecordType) -> EventLoopFuture<[DNSMessage.Record]> {
        eventLoop.preconditionInEventLoop()
        let promise = eventLoop.makePromise(of: [DNSMessage.Record].self)
        guard !configuration.nameservers.isEmpty else {
            promise.fail(DNSError("no nameserver configured"))
            return promise.futureResult
        }
        var id = UInt16.random(in: 0...UInt16.max)
        while pending[id] != nil { id = UInt16.random(in: 0...UInt16.max) }
        pending[id] = Pending(question: .init(name: name, type: type), promise: promise, attempt: 0, timer: nil)
        send(id: id)
        return promise.futureResult
    }

    /// Closes the socket; lookups in flight fail.
    public func close() {
        for (_, entry) in pending {
            entry.timer?.cancel()
            entry.promise.fail(DNSError("resolver closed"))
        }
        pending.removeAll()
        channel?.whenSuccess { $0.close(promise: nil) }
        channel = nil
    }

    private func send(id: UInt16) {
        guard var entry = pending[id] else { return }
        let server = configuration.nameservers[entry.attempt % configuration.nameservers.count]
        entry.attempt += 1
        let query: [UInt8]
        do {
            query = try DNSMessage.query(id: id, name: entry.question.name, type: entry.question.type).encodedQuery()
        } catch {
            pending[id] = nil
            entry.promise.fail(error)
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        entry.timer = eventLoop.scheduleTask(in: configuration.timeout) {
            bound.value.timedOut(id: id)
        }
        pending[id] = entry
        socket().whenComplete { result in
            switch result {
            case .success(let channel):
                let envelope = AddressedEnvelope(remoteAddress: server, data: channel.allocator.buffer(bytes: query))
                channel.writeAndFlush(envelope, promise: nil)
            case .failure(let error):
                bound.value.fail(id: id, DNSError("cannot open a UDP socket: \(error)"))
            }
        }
    }

    private func timedOut(id: UInt16) {
        guard let entry = pending[id] else { return }
        if entry.attempt >= configuration.attempts {
            fail(id: id, DNSError("no answer for \(entry.question.name) after \(entry.attempt) attempts"))
        } else {
            send(id: id)
        }
    }

    private func fail(id: UInt16, _ error: DNSError) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        entry.timer?.cancel()
        entry.promise.fail(error)
    }

    fileprivate func received(_ bytes: [UInt8]) {
        guard let message = try? DNSMessage(parsing: bytes), message.isResponse,
            let entry = pending[message.id],
            // RFC 5452: accept only an answer to the question we asked (spoofing resistance).
            message.questions.first.map({ $0.name.lowercased() == entry.question.name.lowercased() }) ?? false
        else { return }
        pending[message.id] = nil
        entry.timer?.cancel()
        switch message.responseCode {
        case 0, 3:
            entry.promise.succeed(message.answers + message.additional)
        default:
            entry.promise.fail(DNSError("server answered rcode \(message.responseCode) for \(entry.question.name)"))
        }
    }

    private func socket() -> EventLoopFuture<Channel> {
        if let channel { return channel }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let wildcard = configuration.nameservers.first?.protocol == .inet6 ? "::" : "0.0.0.0"
        let future = DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSResponseHandler(resolver: bound))
                }
            }
            .bind(host: wildcard, port: 0)
        channel = future
        return future
    }
}

/// Hands datagrams to the resolver.
private final class DNSResponseHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let resolver: NIOLoopBound<DNSResolver>

    init(resolver: NIOLoopBound<DNSResolver>) {
        self.resolver = resolver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        resolver.value.received(Array(buffer: envelope.data))
    }
}
