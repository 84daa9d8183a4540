import NIOCore

/// RFC 3263 section 4: from a SIP URI's host, port and transport to the ordered list of
/// addresses to try. NAPTR (4.1) is not consulted yet: the transport comes from the URI or the
/// trunk's configuration, then SRV (4.2) when no port is given, then A/AAAA.
public final class SIPServerLocator {
    public struct Target: Sendable, Equatable {
        public var address: SocketAddress
        public var transport: String
    }

    private let resolver: DNSResolver
    private let random: (Int) -> Int

    public init(resolver: DNSResolver, random: @escaping (Int) -> Int = { Int.random(in: 0...max(0, $0)) }) {
        self.resolver = resolver
        self.random = random
    }

    /// SRV service name for a transport (RFC 3263 4.1 table): `_sips._tcp` for TLS, `_sip._udp`...
    public static func srvName(host: String, transport: String) -> String {
        switch transport.lowercased() {
        case "tls": "_sips._tcp.\(host)"
        case "tcp": "_sip._tcp.\(host)"
        case "ws", "wss": "_sip._\(transport.lowercased()).\(host)"
        default: "_sip._udp.\(host)"
        }
    }

    public static func defaultPort(transport: String) -> Int {
        transport.lowercased() == "tls" ? 5061 : 5060
    }

    public func locate(host: String, port: Int?, transport: String) -> EventLoopFuture<[Target]> {
        let loop = resolver.eventLoop
        // 4.2: a numeric IP address is used as it is.
        if let literal = try? SocketAddress(ipAddress: Self.unbracketed(host), port: port ?? Self.defaultPort(transport: transport)) {
            return loop.makeSucceededFuture([Target(address: literal, transport: transport)])
        }
        if let port {
            return addresses(of: host, port: port, transport: transport, known: [])
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        // A failed SRV lookup is treated like an empty one: fall back to A/AAAA (RFC 3263 4.2).
        let srv = resolver.lookup(Self.srvName(host: host, transport: transport), type: .srv)
            .flatMapErrorThrowing { _ in [] }
        return srv.flatMap { records in
            let locator = bound.value
            let targets = records.compactMap { record -> SRVOrdering.Target? in
                guard case .srv(let priority, let weight, let port, let target) = record.data else { return nil }
                return SRVOrdering.Target(priority: priority, weight: weight, port: port, host: target)
            }
            guard !targets.isEmpty else {
                return locator.addresses(
                    of: host, port: Self.defaultPort(transport: transport), transport: transport, known: [])
            }
            let ordered = SRVOrdering.order(targets, random: locator.random)
            // Resolve each target in order; the additional section often carries the addresses already.
            let futures = ordered.map {
                locator.addresses(of: $0.host, port: Int($0.port), transport: transport, known: records)
            }
            return EventLoopFuture.whenAllComplete(futures, on: loop).map { results in
                results.flatMap { (try? $0.get()) ?? [] }
            }
        }
    }

    private func addresses(of host: String, port: Int, transport: String, known: [DNSMessage.Record])
        -> EventLoopFuture<[Target]>
    {
        let loop = resolver.eventLoop
        let fromAdditional = Self.targets(from: known, host: host, port: port, transport: transport)
        if !fromAdditional.isEmpty { return loop.makeSucceededFuture(fromAdditional) }
        let v4 = resolver.lookup(host, type: .a)
        let v6 = resolver.lookup(host, type: .aaaa)
        return EventLoopFuture.whenAllComplete([v4, v6], on: loop).flatMapThrowing { results in
            let records = results.flatMap { (try? $0.get()) ?? [] }
            let targets = Self.targets(from: records, host: host, port: port, transport: transport)
            if targets.isEmpty {
                if case .failure(let error) = results[0] { throw error }
                throw DNSError("\(host) has no A or AAAA record")
            }
            return targets
        }
    }

    static func targets(from records: [DNSMessage.Record], host: String, port: Int, transport: String) -> [Target] {
        var names: Set<String> = [host.lowercased()]
        // Follow CNAMEs present in the same answer.
        for record in records {
            if case .cname(let target) = record.data, names.contains(record.name.lowercased()) {
                names.insert(target.lowercased())
            }
        }
        return records.compactMap { record in
            guard names.contains(record.name.lowercased()) else { return nil }
            switch record.data {
            case .a(let bytes):
                return (try? SocketAddress(ipAddress: bytes.map(String.init).joined(separator: "."), port: port))
                    .map { Target(address: $0, transport: transport) }
            case .aaaa(let bytes):
                let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                return (try? SocketAddress(ipAddress: groups.joined(separator: ":"), port: port))
                    .map { Target(address: $0, transport: transport) }
            default:
                return nil
            }
        }
    }

    static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
