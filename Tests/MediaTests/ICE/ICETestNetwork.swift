@testable import Media

/// Two (or more) ICE agents joined by an in-memory UDP network in virtual time, with loss, delay,
/// NAT-like source rewriting, black holes and an optional fake STUN server built from the module's STUN code.
struct ICETestNetwork {
    struct InFlight {
        var deliverAt: MediaTime
        var agent: Int
        var from: TransportAddress
        var to: TransportAddress
        var datagram: [UInt8]
    }

    var agents: [ICEAgent]
    /// Local (host) addresses owned by each agent.
    var hosts: [[TransportAddress]]
    var events: [[ICEEvent]]
    var now = MediaTime.zero
    var inFlight: [InFlight] = []
    /// Private source -> public address (and back for delivery), like an endpoint-independent NAT.
    var nat: [TransportAddress: TransportAddress] = [:]
    /// Destinations whose datagrams vanish.
    var blackholes: Set<TransportAddress> = []
    /// Agents that receive nothing (a peer that stopped answering).
    var deaf: Set<Int> = []
    var loss = 0.0
    var delay: Duration = .milliseconds(5)
    var stunServer: TransportAddress?
    var stunServerRequests = 0
    /// Every datagram an agent sent, with its STUN class.
    var sent: [[STUNMessageType.Class]]
    /// Every request an agent sent, with the time it left.
    var requests: [[(time: MediaTime, message: STUNMessage)]]
    var random = SeededGenerator(seed: 42)

    init(_ agents: [ICEAgent], hosts: [[TransportAddress]]) {
        self.agents = agents
        self.hosts = hosts
        self.events = Array(repeating: [], count: agents.count)
        self.sent = Array(repeating: [], count: agents.count)
        self.requests = Array(repeating: [], count: agents.count)
    }

    func owner(of address: TransportAddress) -> Int? {
        hosts.firstIndex { $0.contains(address) }
    }

    mutating func drain() {
        for index in agents.indices {
            while let transmit = agents[index].pollTransmit() {
                if let decoded = try? STUNDecodedMessage(decoding: transmit.datagram) {
                    sent[index].append(decoded.message.type.messageClass)
                    if decoded.message.type.messageClass == .request {
                        requests[index].append((now, decoded.message))
                    }
                }
                route(transmit, fromAgent: index)
            }
            while let event = agents[index].pollEvent() { events[index].append(event) }
        }
    }

    mutating func route(_ transmit: ICETransmit, fromAgent index: Int) {
        if blackholes.contains(transmit.destination) { return }
        if loss > 0, Double.random(in: 0..<1, using: &random) < loss { return }
        let publicSource = nat[transmit.source] ?? transmit.source
        if let stunServer, transmit.destination == stunServer {
            stunServerRequests += 1
            guard let request = try? STUNDecodedMessage(decoding: transmit.datagram).message else { return }
            let response = request.successResponse(attributes: [.xorMappedAddress(publicSource)])
            inFlight.append(
                InFlight(
                    deliverAt: now + delay, agent: index, from: stunServer, to: transmit.source,
                    datagram: try! response.encoded(fingerprint: true)))
            return
        }
        let privateDestination = nat.first { $0.value == transmit.destination }?.key ?? transmit.destination
        guard let target = owner(of: privateDestination) else { return }
        inFlight.append(
            InFlight(
                deliverAt: now + delay, agent: target, from: publicSource, to: privateDestination,
                datagram: transmit.datagram))
    }

    /// Runs the network and the agents' timers until `end`.
    mutating func run(until end: MediaTime) {
        var iterations = 0
        while iterations < 1_000_000 {
            iterations += 1
            drain()
            var next = inFlight.map(\.deliverAt).min()
            for agent in agents {
                if let timeout = agent.pollTimeout() { next = min(next ?? timeout, timeout) }
            }
            guard let target = next, target <= end else { break }
            now = max(now, target)
            let due = inFlight.filter { $0.deliverAt <= now }
            inFlight.removeAll { $0.deliverAt <= now }
            for packet in due where !deaf.contains(packet.agent) {
                agents[packet.agent].handleReceive(packet.datagram, from: packet.from, to: packet.to, now: now)
            }
            for index in agents.indices {
                if let timeout = agents[index].pollTimeout(), timeout <= now {
                    agents[index].handleTimeout(now: now)
                }
            }
        }
        precondition(iterations < 1_000_000, "network did not settle")
        drain()
        now = max(now, end)
    }

    mutating func run(for duration: Duration) { run(until: now + duration) }

    /// Signals every local candidate and the credentials of each agent to the other (agents 0 and 1).
    mutating func exchangeSignaling(endOfCandidates: Bool = true) {
        drain()
        for (me, peer) in [(0, 1), (1, 0)] {
            agents[peer].setRemoteCredentials(agents[me].localCredentials)
            for candidate in agents[me].localCandidates { agents[peer].addRemoteCandidate(candidate) }
            if endOfCandidates { agents[peer].endOfRemoteCandidates() }
        }
        for index in agents.indices { agents[index].handleTimeout(now: now) }
    }

    func selectedEvents(_ index: Int) -> [ICECandidatePair] {
        events[index].compactMap {
            if case .selectedPairChanged(let pair) = $0 { return pair }
            return nil
        }
    }
}

extension ICEConfiguration {
    static func test(role: ICERole, seed: UInt64, lite: Bool = false) -> ICEConfiguration {
        var configuration = ICEConfiguration()
        configuration.role = role
        configuration.seed = seed
        configuration.lite = lite
        return configuration
    }
}

func udp(_ text: String, _ port: UInt16) -> TransportAddress { TransportAddress(text, port: port)! }
