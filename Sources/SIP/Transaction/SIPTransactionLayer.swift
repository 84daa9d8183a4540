import NIOCore

/// Matches messages to RFC 3261 section 17 transactions and routes responses per 18.2.2 and
/// RFC 3581, sans-IO: messages with their source address and the current time in, messages to
/// send (with their destination) and messages for the transaction user out.
public struct SIPTransactionLayer {
    public enum Action: Equatable {
        case send(SIPMessage, to: SocketAddress)
        /// A new request (or an ACK for a 2xx, which has no transaction) for the TU.
        case request(SIPMessage, from: SocketAddress)
        /// A response for the TU: from a client transaction, or a stray 2xx retransmission.
        case response(SIPMessage)
        /// A client transaction ended without a final response (Timer B/F): the TU acts as on 408.
        case requestTimedOut(SIPMessage)
    }

    /// 17.2.3: branch, sent-by and method (ACK matches its INVITE).
    struct ServerKey: Hashable {
        var branch: String
        var sentBy: String
        var method: SIPMethod
    }

    /// 17.1.3: branch and CSeq method.
    struct ClientKey: Hashable {
        var branch: String
        var method: SIPMethod
    }

    private var servers: [ServerKey: (transaction: SIPServerTransaction, replyTo: SocketAddress)] = [:]
    private var clients: [ClientKey: (transaction: SIPClientTransaction, destination: SocketAddress)] = [:]
    public let timers: SIPTimers
    public let isReliable: Bool

    public init(timers: SIPTimers = SIPTimers(), isReliable: Bool = false) {
        self.timers = timers
        self.isReliable = isReliable
    }

    public var transactionCount: Int { servers.count + clients.count }

    public var nextDeadline: NIODeadline? {
        (servers.values.compactMap { $0.transaction.nextDeadline } + clients.values.compactMap { $0.transaction.nextDeadline }).min()
    }

    /// An inbound message from the transport.
    public mutating func receive(_ message: SIPMessage, from source: SocketAddress, now: NIODeadline) -> [Action] {
        guard let via = (try? message.topVia) ?? nil else { return [] }
        if message.isRequest, let method = message.method {
            var request = message
            Self.stampVia(&request, source: source)
            let key = ServerKey(branch: via.branch ?? "", sentBy: via.sentBy.lowercased(), method: method == .ack ? .invite : method)
            if var entry = servers[key] {
                let actions = entry.transaction.receive(request, now: now)
                servers[key] = entry
                let mapped = map(actions, replyTo: entry.replyTo)
                if entry.transaction.state == .terminated { servers[key] = nil }
                // An ACK for a 2xx is not part of the INVITE transaction (17.2.3 / RFC 6026).
                if method == .ack, entry.transaction.state == .accepted { return [.request(request, from: source)] }
                return mapped
            }
            if method == .ack { return [.request(request, from: source)] }
            let stampedVia = ((try? request.topVia) ?? nil) ?? via
            // 18.2.2: over a reliable transport the response goes back on the request's connection.
            let replyTo = isReliable ? source : Self.responseAddress(for: stampedVia, source: source)
            servers[key] = (SIPServerTransaction(request: request, isReliable: isReliable, timers: timers, now: now), replyTo)
            return [.request(request, from: source)]
        }
        guard let method = ((try? message.cseq) ?? nil)?.method else { return [] }
        let key = ClientKey(branch: via.branch ?? "", method: method)
        guard var entry = clients[key] else {
            // 2xx retransmissions for an INVITE whose transaction is gone belong to the dialog layer.
            if let status = message.statusCode, (200...299).contains(status), method == .invite {
                return [.response(message)]
            }
            return []
        }
        let actions = entry.transaction.receive(message, now: now)
        clients[key] = entry
        return finishClient(key, actions)
    }

    /// The TU answers a request it was given.
    public mutating func respond(_ response: SIPMessage, to request: SIPMessage, now: NIODeadline) -> [Action] {
        guard let via = (try? request.topVia) ?? nil, let method = request.method else { return [] }
        let key = ServerKey(branch: via.branch ?? "", sentBy: via.sentBy.lowercased(), method: method)
        guard var entry = servers[key] else { return [] }
        let actions = entry.transaction.respond(response, now: now)
        servers[key] = entry
        let mapped = map(actions, replyTo: entry.replyTo)
        if entry.transaction.state == .terminated { servers[key] = nil }
        return mapped
    }

    /// The TU sends a request through a new client transaction.
    public mutating func send(_ request: SIPMessage, to destination: SocketAddress, now: NIODeadline) -> [Action] {
        guard let via = (try? request.topVia) ?? nil, let method = request.method else { return [] }
        if method == .ack { return [.send(request, to: destination)] }
        let transaction = SIPClientTransaction(request: request, isReliable: isReliable, timers: timers, now: now)
        let key = ClientKey(branch: via.branch ?? "", method: method)
        clients[key] = (transaction, destination)
        return transaction.start.compactMap { action in
            if case .send(let message) = action { return .send(message, to: destination) }
            return nil
        }
    }

    /// Whether a server transaction of this layer holds `request` (so `respond` belongs here).
    public func hasServerTransaction(for request: SIPMessage) -> Bool {
        guard let key = Self.serverKey(request) else { return false }
        return servers[key] != nil
    }

    /// The transport could not carry `message` (a connection failed): the client transaction of a
    /// request ends as on a timeout (RFC 3261 8.1.3.1, 17.1.4), the server transaction of a
    /// response ends (17.2.4).
    public mutating func transportFailed(for message: SIPMessage) -> [Action] {
        guard let via = (try? message.topVia) ?? nil else { return [] }
        if message.isRequest {
            guard let method = message.method, method != .ack else { return [] }
            let key = ClientKey(branch: via.branch ?? "", method: method)
            guard var entry = clients[key] else { return [] }
            let actions = entry.transaction.transportFailed()
            clients[key] = entry
            return finishClient(key, actions)
        }
        guard let method = ((try? message.cseq) ?? nil)?.method else { return [] }
        let key = ServerKey(branch: via.branch ?? "", sentBy: via.sentBy.lowercased(), method: method)
        guard var entry = servers[key] else { return [] }
        _ = entry.transaction.transportFailed()
        servers[key] = entry.transaction.state == .terminated ? nil : entry
        return []
    }

    private static func serverKey(_ request: SIPMessage) -> ServerKey? {
        guard let via = (try? request.topVia) ?? nil, let method = request.method else { return nil }
        return ServerKey(
            branch: via.branch ?? "", sentBy: via.sentBy.lowercased(), method: method == .ack ? .invite : method)
    }

    public mutating func timerFired(now: NIODeadline) -> [Action] {
        var result: [Action] = []
        for key in Array(servers.keys) {
            guard var entry = servers[key], let deadline = entry.transaction.nextDeadline, deadline <= now else { continue }
            let actions = entry.transaction.timerFired(now: now)
            servers[key] = entry
            result += map(actions, replyTo: entry.replyTo)
            if entry.transaction.state == .terminated { servers[key] = nil }
        }
        for key in Array(clients.keys) {
            guard var entry = clients[key], let deadline = entry.transaction.nextDeadline, deadline <= now else { continue }
            let actions = entry.transaction.timerFired(now: now)
            clients[key] = entry
            result += finishClient(key, actions)
        }
        return result
    }

    private mutating func finishClient(_ key: ClientKey, _ actions: [SIPClientTransaction.Action]) -> [Action] {
        guard let entry = clients[key] else { return [] }
        var result: [Action] = []
        for action in actions {
            switch action {
            case .send(let message): result.append(.send(message, to: entry.destination))
            case .deliver(let response): result.append(.response(response))
            case .timedOut, .transportFailed: result.append(.requestTimedOut(entry.transaction.request))
            case .terminated: clients[key] = nil
            }
        }
        return result
    }

    private func map(_ actions: [SIPServerTransaction.Action], replyTo: SocketAddress) -> [Action] {
        actions.compactMap { action in
            if case .send(let message) = action { return .send(message, to: replyTo) }
            return nil
        }
    }

    /// RFC 3261 18.2.1 and RFC 3581 section 4: record where the request really came from.
    static func stampVia(_ request: inout SIPMessage, source: SocketAddress) {
        guard let index = request.headers.fields.firstIndex(where: { $0.name == .via }),
            var via = (try? request.topVia) ?? nil, let ip = source.ipAddress
        else { return }
        if via.host.address != ip || via.rport != nil {
            via.parameters["received"] = ip
        }
        if via.rport != nil, let port = source.port {
            via.parameters["rport"] = String(port)
        }
        // Only the first value of the first Via field is replaced; later values stay as sent.
        let field = request.headers.fields[index].value
        let rest = SIPTransactionLayer.afterFirstValue(field)
        request.headers.fields[index].value = via.description + rest
    }

    /// RFC 3261 18.2.2 (unreliable transport) with RFC 3581: rport -> source address and port;
    /// otherwise `received` (or the sent-by host) with the sent-by port (default 5060).
    static func responseAddress(for via: SIPVia, source: SocketAddress) -> SocketAddress {
        if via.rport != nil { return source }
        let port = Int(via.port ?? 5060)
        let host = via.received ?? via.host.address
        return (try? SocketAddress(ipAddress: host, port: port)) ?? source
    }

    /// The text after the first comma-separated value of a header field (", ..." or "").
    static func afterFirstValue(_ value: String) -> String {
        var inQuotes = false
        var depth = 0
        for index in value.indices {
            switch value[index] {
            case "\"": inQuotes.toggle()
            case "<" where !inQuotes: depth += 1
            case ">" where !inQuotes: depth -= 1
            case "," where !inQuotes && depth == 0: return String(value[index...])
            default: break
            }
        }
        return ""
    }
}
