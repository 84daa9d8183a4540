import Testing

@testable import Media

@Suite("ICE agent")
struct ICEAgentTests {
    let hostA = udp("192.0.2.1", 5000)
    let hostB = udp("192.0.2.2", 6000)

    func pair(_ roleA: ICERole, _ roleB: ICERole, liteB: Bool = false) -> ICETestNetwork {
        var a = ICEAgent(configuration: .test(role: roleA, seed: 1))
        var b = ICEAgent(configuration: .test(role: roleB, seed: 2, lite: liteB))
        a.addHostCandidate(hostA)
        b.addHostCandidate(hostB)
        return ICETestNetwork([a, b], hosts: [[hostA], [hostB]])
    }

    func expectConnected(_ network: ICETestNetwork, a: TransportAddress, b: TransportAddress) {
        let selectedA = network.agents[0].selectedPair
        let selectedB = network.agents[1].selectedPair
        #expect(selectedA?.local.base == a)
        #expect(selectedA?.remote.address == b)
        #expect(selectedB?.local.base == b)
        #expect(selectedB?.remote.address == a)
        #expect(network.agents[0].connectionState == .connected)
        #expect(network.agents[1].connectionState == .connected)
        #expect(network.events[0].contains(.connectionStateChanged(.connected)))
        #expect(network.events[1].contains(.connectionStateChanged(.connected)))
    }

    @Test("priority formulas follow RFC 8445 sections 5.1.2.1 and 6.1.2.3")
    func priorities() {
        #expect(ICECandidate.priority(kind: .host, localPreference: 65535) == 2_130_706_431)
        #expect(ICECandidate.priority(kind: .serverReflexive, localPreference: 65535) == 1_694_498_815)
        #expect(ICECandidate.priority(kind: .peerReflexive, localPreference: 0, componentID: 1) == 110 << 24 | 255)
        let local = ICECandidate(kind: .host, address: hostA, priority: 100, foundation: "1")
        let remote = ICECandidate(kind: .host, address: hostB, priority: 200, foundation: "2")
        let pair = ICECandidatePair(id: 0, local: local, remote: remote, state: .frozen)
        #expect(pair.priority(role: .controlling) == (100 << 32) + 400)
        #expect(pair.priority(role: .controlled) == (100 << 32) + 400 + 1)
        #expect(
            ICECandidate.foundation(kind: .host, base: hostA)
                == ICECandidate.foundation(kind: .host, base: udp("192.0.2.1", 1)))
        #expect(ICECandidate.foundation(kind: .host, base: hostA) != ICECandidate.foundation(kind: .host, base: hostB))
    }

    @Test(
        "two agents select the same pair",
        arguments: [(ICERole.controlling, ICERole.controlled), (.controlled, .controlling)])
    func connects(roles: (ICERole, ICERole)) {
        var network = pair(roles.0, roles.1)
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        expectConnected(network, a: hostA, b: hostB)
        #expect(network.selectedEvents(0).count == 1)
        #expect(network.selectedEvents(1).count == 1)
        #expect(network.agents[0].role == roles.0)
        #expect(network.agents[1].role == roles.1)
        // Consent keeps the pair alive well past 30 s.
        network.run(for: .seconds(120))
        #expect(network.agents[0].connectionState == .connected)
        #expect(network.agents[1].connectionState == .connected)
        #expect(!network.events[0].contains(.consentLost))
    }

    @Test("connects through loss and delay")
    func lossAndDelay() {
        var network = pair(.controlling, .controlled)
        network.loss = 0.3
        network.delay = .milliseconds(80)
        network.exchangeSignaling()
        network.run(for: .seconds(20))
        expectConnected(network, a: hostA, b: hostB)
    }

    @Test("a NAT in front of one agent yields peer-reflexive candidates on both sides")
    func peerReflexive() {
        let privateB = udp("10.0.0.2", 6000)
        let publicB = udp("203.0.113.5", 40000)
        var a = ICEAgent(configuration: .test(role: .controlling, seed: 1))
        var b = ICEAgent(configuration: .test(role: .controlled, seed: 2))
        a.addHostCandidate(hostA)
        b.addHostCandidate(privateB)
        var network = ICETestNetwork([a, b], hosts: [[hostA], [privateB]])
        network.nat = [privateB: publicB]
        network.blackholes = [privateB]  // the private address is unreachable from outside
        network.exchangeSignaling()
        network.run(for: .seconds(5))
        #expect(network.agents[0].selectedPair?.remote.address == publicB)
        #expect(network.agents[0].selectedPair?.remote.kind == .peerReflexive)
        #expect(network.agents[1].selectedPair?.local.address == publicB)
        #expect(network.agents[1].selectedPair?.local.kind == .peerReflexive)
        #expect(network.agents[1].selectedPair?.local.base == privateB)
        #expect(network.agents[1].selectedPair?.remote.address == hostA)
        #expect(network.agents[0].connectionState == .connected)
        #expect(network.agents[1].connectionState == .connected)
    }

    @Test("both controlling: the role conflict resolves", arguments: [ICERole.controlling, .controlled])
    func roleConflict(role: ICERole) {
        var network = pair(role, role)
        network.exchangeSignaling()
        network.run(for: .seconds(5))
        #expect(network.agents[0].role != network.agents[1].role)
        // RFC 8445 section 7.3.1.1: either way, the larger tie-breaker ends up controlling.
        let winner = network.agents[0].tieBreaker > network.agents[1].tieBreaker ? 0 : 1
        #expect(network.agents[winner].role == .controlling)
        let switched = network.events.map { $0.contains { if case .roleChanged = $0 { true } else { false } } }
        #expect(switched.filter { $0 }.count == 1)
        expectConnected(network, a: hostA, b: hostB)
    }

    @Test("trickled candidates arriving late still connect; no failure before end-of-candidates")
    func trickle() {
        var network = pair(.controlling, .controlled)
        // Only credentials at first, no candidates, no end-of-candidates.
        network.agents[0].setRemoteCredentials(network.agents[1].localCredentials)
        network.agents[1].setRemoteCredentials(network.agents[0].localCredentials)
        network.run(for: .seconds(60))
        #expect(network.agents[0].connectionState == .new)
        #expect(!network.events[0].contains(.connectionStateChanged(.failed)))
        // B's candidate trickles to A; B learns A as peer-reflexive from A's checks, then A's candidate arrives.
        network.agents[0].addRemoteCandidate(network.agents[1].localCandidates[0])
        network.run(for: .milliseconds(1))
        network.run(for: .seconds(2))
        network.agents[1].addRemoteCandidate(network.agents[0].localCandidates[0])
        #expect(network.agents[1].remoteCandidates.first?.kind == .host)
        network.agents[0].endOfRemoteCandidates()
        network.agents[1].endOfRemoteCandidates()
        network.run(for: .seconds(3))
        expectConnected(network, a: hostA, b: hostB)
    }

    @Test("a check list whose pairs all fail waits for end-of-candidates before failing")
    func failsOnlyAfterEndOfCandidates() {
        var network = pair(.controlling, .controlled)
        network.blackholes = [hostB, hostA]
        network.exchangeSignaling(endOfCandidates: false)
        network.run(for: .seconds(60))
        #expect(network.agents[0].pairs.allSatisfy { $0.state == .failed })
        #expect(network.agents[0].connectionState == .checking)
        network.agents[0].endOfRemoteCandidates()
        network.agents[0].handleTimeout(now: network.now)
        network.drain()
        #expect(network.agents[0].connectionState == .failed)
        #expect(network.events[0].last == .connectionStateChanged(.failed))
    }

    @Test("a pair that never answers fails while another succeeds")
    func oneDeadPair() {
        let deadB = udp("198.51.100.9", 6001)
        var a = ICEAgent(configuration: .test(role: .controlling, seed: 1))
        var b = ICEAgent(configuration: .test(role: .controlled, seed: 2))
        a.addHostCandidate(hostA)
        b.addHostCandidate(hostB, localPreference: 100)
        b.addHostCandidate(deadB, localPreference: 65535)  // preferred, but unreachable
        var network = ICETestNetwork([a, b], hosts: [[hostA], [hostB, deadB]])
        network.blackholes = [deadB]
        network.exchangeSignaling()
        network.run(for: .seconds(60))
        expectConnected(network, a: hostA, b: hostB)
        let dead = network.agents[0].pairs.first { $0.remote.address == deadB }
        #expect(dead?.state == .failed)
        #expect(network.agents[0].connectionState == .connected)
    }

    @Test("ICE restart keeps the old pair until a new one is selected")
    func restart() {
        var network = pair(.controlling, .controlled)
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        expectConnected(network, a: hostA, b: hostB)
        let oldCredentials = network.agents[0].localCredentials
        network.agents[0].restart()
        network.agents[1].restart()
        #expect(network.agents[0].localCredentials != oldCredentials)
        #expect(network.agents[0].isRestarting)
        #expect(network.agents[0].selectedPair != nil)
        #expect(network.agents[0].pairs.isEmpty)
        network.run(for: .seconds(10))
        // Still media on the old pair, no consent loss while the new offer/answer is pending.
        #expect(network.agents[0].selectedPair?.remote.address == hostB)
        #expect(network.agents[0].connectionState == .connected)
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        #expect(!network.agents[0].isRestarting)
        #expect(network.selectedEvents(0).count == 2)
        #expect(network.selectedEvents(1).count == 2)
        expectConnected(network, a: hostA, b: hostB)
        network.run(for: .seconds(60))
        #expect(!network.events[0].contains(.consentLost))
    }

    @Test("consent is lost 30 s after the peer stops answering", arguments: [ICERole.controlling, .controlled])
    func consentLoss(role: ICERole) {
        var network = pair(role, role.opposite)
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        expectConnected(network, a: hostA, b: hostB)
        network.deaf = [1]
        let stopped = network.now
        network.run(for: .seconds(24))
        #expect(!network.events[0].contains(.consentLost))
        network.run(for: .seconds(12))
        #expect(network.events[0].contains(.consentLost))
        #expect(network.agents[0].connectionState == .disconnected)
        #expect(network.now - stopped <= .seconds(37))
    }

    @Test("a full agent connects to an ICE-lite peer, which never sends requests")
    func litePeer() {
        var network = pair(.controlling, .controlling, liteB: true)
        #expect(network.agents[1].role == .controlled)
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        expectConnected(network, a: hostA, b: hostB)
        network.run(for: .seconds(40))
        #expect(!network.sent[1].contains(.request))
        #expect(!network.events[0].contains(.consentLost))
        #expect(network.agents[0].connectionState == .connected)
    }

    @Test("server-reflexive candidates are gathered from a STUN server")
    func serverReflexive() throws {
        let server = udp("198.51.100.1", 3478)
        let privateA = udp("10.0.0.1", 5000)
        let publicA = udp("203.0.113.1", 45000)
        var configuration = ICEConfiguration.test(role: .controlling, seed: 1)
        configuration.stunServers = [server, udp("2001:db8::1", 3478)]
        var a = ICEAgent(configuration: configuration)
        a.addHostCandidate(privateA)
        var network = ICETestNetwork([a], hosts: [[privateA]])
        network.nat = [privateA: publicA]
        network.stunServer = server
        network.run(for: .seconds(1))
        #expect(network.stunServerRequests == 1)
        let srflx = network.agents[0].localCandidates.first { $0.kind == .serverReflexive }
        #expect(srflx?.address == publicA)
        #expect(srflx?.base == privateA)
        #expect(srflx?.priority == ICECandidate.priority(kind: .serverReflexive, localPreference: 65535))
        #expect(network.events[0].count == 3)
        #expect(network.events[0].last == .gatheringComplete)
        #expect(network.events[0].dropFirst().first == .localCandidate(try #require(srflx)))
    }

    @Test("gathering completes after retransmissions when the STUN server is silent")
    func silentServer() {
        var configuration = ICEConfiguration.test(role: .controlling, seed: 1)
        configuration.stunServers = [udp("198.51.100.1", 3478)]
        var a = ICEAgent(configuration: configuration)
        a.addHostCandidate(hostA)
        var network = ICETestNetwork([a], hosts: [[hostA]])
        network.run(for: .seconds(39))
        #expect(!network.events[0].contains(.gatheringComplete))
        #expect(network.sent[0].count == 7)
        network.run(for: .seconds(1))
        #expect(network.events[0].contains(.gatheringComplete))
    }

    @Test("malformed STUN and wrong credentials change nothing")
    func garbage() throws {
        var network = pair(.controlled, .controlling)
        network.exchangeSignaling()
        network.drain()
        var agent = network.agents[0]
        while agent.pollTransmit() != nil {}
        let pairsBefore = agent.pairs
        let remoteBefore = agent.remoteCandidates
        let stranger = udp("192.0.2.99", 7000)
        var generator = SeededGenerator(seed: 7)
        let consumedRTP = agent.handleReceive([0x80, 0, 0, 0], from: stranger, to: hostA, now: .zero)
        #expect(!consumedRTP)
        for _ in 0..<500 {
            var bytes = randomBytes(&generator, maxLength: 120)
            if bytes.count >= 20 {
                bytes[0] &= 0x3F
                bytes.replaceSubrange(4..<8, with: [0x21, 0x12, 0xA4, 0x42])
                let length = (bytes.count - 20) & ~3
                bytes = Array(bytes.prefix(20 + length))
                bytes[2] = UInt8(length >> 8)
                bytes[3] = UInt8(length & 0xFF)
            }
            agent.handleReceive(bytes, from: stranger, to: hostA, now: .milliseconds(1))
        }
        let peer = network.agents[1]
        func request(username: String, password: String, fingerprint: Bool = true) throws -> [UInt8] {
            try STUNMessage(
                type: .bindingRequest, transactionID: .random(),
                attributes: [.username(username), .priority(1), .iceControlling(1), .useCandidate]
            ).encoded(integrity: .shortTerm(password: password), fingerprint: fingerprint)
        }
        let local = agent.localCredentials
        let wrongPassword = try request(username: "\(local.ufrag):\(peer.localCredentials.ufrag)", password: "nope")
        let wrongUfrag = try request(username: "zzzz:\(peer.localCredentials.ufrag)", password: local.password)
        let noFingerprint = try request(
            username: "\(local.ufrag):\(peer.localCredentials.ufrag)", password: local.password, fingerprint: false)
        var corrupted = try request(username: "\(local.ufrag):x", password: local.password)
        corrupted[corrupted.count - 1] ^= 1
        var unsolicited = STUNMessage(type: .bindingSuccess, transactionID: .random())
        unsolicited.attributes = [.xorMappedAddress(stranger)]
        for datagram in [
            wrongPassword, wrongUfrag, noFingerprint, corrupted, try unsolicited.encoded(fingerprint: true),
        ] {
            let consumed = agent.handleReceive(datagram, from: stranger, to: hostA, now: .milliseconds(2))
            #expect(consumed)
        }
        #expect(agent.pairs == pairsBefore)
        #expect(agent.remoteCandidates == remoteBefore)
        let event = agent.pollEvent()
        #expect(event == nil)
        #expect(agent.selectedPair == nil)
        var answers: [STUNMessage] = []
        while let transmit = agent.pollTransmit() {
            answers.append(try STUNDecodedMessage(decoding: transmit.datagram).message)
        }
        // Only the two well-formed requests with wrong credentials are answered, with 401 (RFC 8489 section 9.1.3).
        #expect(answers.count == 2)
        #expect(answers.allSatisfy { $0.errorCode?.code == 401 })
    }

    @Test("a valid request from an unknown address creates a peer-reflexive candidate and a triggered check")
    func triggeredCheck() throws {
        var network = pair(.controlled, .controlling)
        network.exchangeSignaling()
        network.drain()
        var agent = network.agents[0]
        while agent.pollTransmit() != nil {}
        let stranger = udp("192.0.2.99", 7000)
        let peer = network.agents[1]
        let datagram = try STUNMessage(
            type: .bindingRequest, transactionID: .random(),
            attributes: [
                .username("\(agent.localCredentials.ufrag):\(peer.localCredentials.ufrag)"), .priority(12345),
                .iceControlling(9),
            ]
        ).encoded(integrity: .shortTerm(password: agent.localCredentials.password), fingerprint: true)
        agent.handleReceive(datagram, from: stranger, to: hostA, now: .milliseconds(10))
        let polledResponse = agent.pollTransmit()
        let response = try #require(polledResponse)
        let decoded = try STUNDecodedMessage(decoding: response.datagram)
        try decoded.verifyIntegrity(password: agent.localCredentials.password)
        #expect(decoded.message.type == .bindingSuccess)
        #expect(decoded.message.xorMappedAddress == stranger)
        #expect(response.destination == stranger)
        let prflx = try #require(agent.remoteCandidates.first { $0.address == stranger })
        #expect(prflx.kind == .peerReflexive)
        #expect(prflx.priority == 12345)
        #expect(agent.triggeredQueue.count == 1)
        agent.handleTimeout(now: .milliseconds(100))
        let polledCheck = agent.pollTransmit()
        let check = try #require(polledCheck)
        #expect(check.destination == stranger)
    }

    @Test("checks are paced Ta apart and consent checks come every 4-6 s")
    func pacingAndConsentInterval() {
        let extraB = [udp("192.0.2.2", 6001), udp("192.0.2.2", 6002)]
        var a = ICEAgent(configuration: .test(role: .controlling, seed: 1))
        var b = ICEAgent(configuration: .test(role: .controlled, seed: 2))
        a.addHostCandidate(hostA)
        b.addHostCandidate(hostB)
        for extra in extraB { b.addHostCandidate(extra) }
        var network = ICETestNetwork([a, b], hosts: [[hostA], [hostB] + extraB])
        network.exchangeSignaling()
        network.run(for: .seconds(3))
        #expect(network.agents[0].selectedPair != nil)
        let checkTimes = network.requests[0].map(\.time)
        #expect(checkTimes.count >= 3)
        for (earlier, later) in zip(checkTimes, checkTimes.dropFirst()) {
            #expect(later - earlier >= .milliseconds(50))
        }
        let connectedRequests = network.requests[0].count
        network.run(for: .seconds(60))
        let consentTimes = network.requests[0].dropFirst(connectedRequests).map(\.time)
        #expect(consentTimes.count >= 10 && consentTimes.count <= 15)
        for (earlier, later) in zip(consentTimes, consentTimes.dropFirst()) {
            #expect(later - earlier >= .seconds(4) && later - earlier <= .seconds(6))
        }
        // Consent requests carry no USE-CANDIDATE and go to the selected pair only.
        let selected = network.agents[0].selectedPair
        #expect(network.requests[0].dropFirst(connectedRequests).allSatisfy { !$0.message.useCandidate })
        #expect(selected?.remote.address == hostB || extraB.contains(selected!.remote.address))
    }

    @Test("the controlled agent accepts an aggressive nomination before its own check succeeded")
    func aggressiveNomination() throws {
        let peerAddress = udp("192.0.2.50", 9000)
        let peerCredentials = ICECredentials(ufrag: "peer", password: "peerpasswordpeerpassword")
        var agent = ICEAgent(configuration: .test(role: .controlled, seed: 3))
        agent.addHostCandidate(hostB)
        agent.setRemoteCredentials(peerCredentials)
        while agent.pollEvent() != nil {}
        let own = agent.localCredentials
        // The peer's first check already nominates (aggressive nomination, RFC 5245 style).
        let nominating = try STUNMessage(
            type: .bindingRequest, transactionID: .random(),
            attributes: [
                .username("\(own.ufrag):peer"), .priority(1_000), .iceControlling(5), .useCandidate,
            ]
        ).encoded(integrity: .shortTerm(password: own.password), fingerprint: true)
        agent.handleReceive(nominating, from: peerAddress, to: hostB, now: .milliseconds(0))
        let polledResponse = agent.pollTransmit()
        let response = try #require(polledResponse)
        #expect(try STUNDecodedMessage(decoding: response.datagram).message.type == .bindingSuccess)
        #expect(agent.selectedPair == nil)
        // The triggered check: USERNAME peer:own, integrity with the peer's password, ICE-CONTROLLED.
        agent.handleTimeout(now: .milliseconds(1))
        let polledCheck = agent.pollTransmit()
        let check = try #require(polledCheck)
        #expect(check.source == hostB && check.destination == peerAddress)
        let request = try STUNDecodedMessage(decoding: check.datagram)
        try request.verifyIntegrity(password: peerCredentials.password)
        #expect(request.hasFingerprint)
        #expect(request.message.username == "peer:\(own.ufrag)")
        #expect(request.message.iceControlled == agent.tieBreaker)
        #expect(request.message.priority == ICECandidate.priority(kind: .peerReflexive, localPreference: 65535))
        #expect(!request.message.useCandidate)
        let success = try request.message.successResponse(attributes: [.xorMappedAddress(hostB)])
            .encoded(integrity: .shortTerm(password: peerCredentials.password), fingerprint: true)
        agent.handleReceive(success, from: peerAddress, to: hostB, now: .milliseconds(20))
        #expect(agent.selectedPair?.remote.address == peerAddress)
        #expect(agent.selectedPair?.remote.kind == .peerReflexive)
        #expect(agent.connectionState == .connected)
        var events: [ICEEvent] = []
        while let event = agent.pollEvent() { events.append(event) }
        #expect(events.contains { if case .selectedPairChanged = $0 { true } else { false } })
    }

    @Test("a 487 answer makes the controlling agent controlled and retry the pair")
    func roleConflictResponse() throws {
        let peerAddress = udp("192.0.2.50", 9000)
        let peerCredentials = ICECredentials(ufrag: "peer", password: "peerpasswordpeerpassword")
        var agent = ICEAgent(configuration: .test(role: .controlling, seed: 3))
        agent.addHostCandidate(hostA)
        agent.setRemoteCredentials(peerCredentials)
        agent.addRemoteCandidate(ICECandidate(kind: .host, address: peerAddress, priority: 1, foundation: "x"))
        agent.handleTimeout(now: .milliseconds(0))
        let polledCheck = agent.pollTransmit()
        let check = try STUNDecodedMessage(decoding: try #require(polledCheck).datagram).message
        #expect(check.iceControlling == agent.tieBreaker)
        let conflict = try check.errorResponse(.roleConflict)
            .encoded(integrity: .shortTerm(password: peerCredentials.password), fingerprint: true)
        // Forged (wrong password) 487s are ignored.
        let forged = try check.errorResponse(.roleConflict)
            .encoded(integrity: .shortTerm(password: "wrong"), fingerprint: true)
        agent.handleReceive(forged, from: peerAddress, to: hostA, now: .milliseconds(5))
        #expect(agent.role == .controlling)
        agent.handleReceive(conflict, from: peerAddress, to: hostA, now: .milliseconds(10))
        #expect(agent.role == .controlled)
        #expect(agent.pollEvent() == .localCandidate(agent.localCandidates[0]))
        #expect(agent.pollEvent() == .connectionStateChanged(.checking))
        #expect(agent.pollEvent() == .roleChanged(.controlled))
        agent.handleTimeout(now: .milliseconds(60))
        let polledRetry = agent.pollTransmit()
        let retry = try STUNDecodedMessage(decoding: try #require(polledRetry).datagram).message
        #expect(retry.iceControlled == agent.tieBreaker)
        #expect(retry.iceControlling == nil)
    }

    @Test("any role assignment connects under loss and delay, for many seeds", arguments: 0..<64)
    func soak(seed: UInt64) {
        let roles: [ICERole] = [.controlling, .controlled]
        var a = ICEAgent(configuration: .test(role: roles[Int(seed % 2)], seed: seed * 2 + 100))
        var b = ICEAgent(configuration: .test(role: roles[Int(seed / 2 % 2)], seed: seed * 2 + 101))
        a.addHostCandidate(hostA)
        b.addHostCandidate(hostB)
        var network = ICETestNetwork([a, b], hosts: [[hostA], [hostB]])
        network.random = SeededGenerator(seed: seed)
        // 10 % loss each way: at 20 %, some seeds lose every response to one side's check for the whole
        // STUN transaction (Rc = 7), after which RFC 8445 legitimately gives the pair up.
        network.loss = 0.1
        network.delay = .milliseconds(Int64(seed % 5) * 40 + 1)
        network.exchangeSignaling()
        network.run(for: .seconds(30))
        expectConnected(network, a: hostA, b: hostB)
        #expect(network.agents[0].role != network.agents[1].role)
    }

    @Test("the check list is limited to maxPairs")
    func pairLimit() {
        var configuration = ICEConfiguration.test(role: .controlling, seed: 9)
        configuration.maxPairs = 5
        var agent = ICEAgent(configuration: configuration)
        agent.addHostCandidate(hostA)
        agent.addHostCandidate(udp("2001:db8::1", 5000))
        for port in 1...10 {
            agent.addRemoteCandidate(
                ICECandidate(
                    kind: .host, address: udp("192.0.2.2", UInt16(port)), priority: UInt32(port), foundation: "f"))
        }
        #expect(agent.pairs.count == 5)
        // Pairs join only candidates of the same address family, highest priority first.
        #expect(agent.pairs.allSatisfy { $0.local.base == hostA })
        #expect(agent.pairs.map(\.remote.priority) == [5, 4, 3, 2, 1])
        // One foundation: only the first pair starts Waiting (RFC 8445 section 6.1.2.6).
        #expect(agent.pairs.filter { $0.state == .waiting }.count == 1)
    }
}
