import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SIP

/// `SIPUserAgent` on real UDP sockets on loopback: against sipp (Debian's sip-tester) as caller
/// and callee, and against another `SIPUserAgent`.
@Suite(.serialized) struct SIPUserAgentTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SIPp")
    static let sdp = Array(
        "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n".utf8)

    // MARK: - Harness

    /// What a test's calls reported, in order, read from the test thread.
    final class EventLog: Sendable {
        private let events = Mutex<[String: [SIPSessionEvent]]>([:])
        func append(_ event: SIPSessionEvent, side: String) { events.withLock { $0[side, default: []].append(event) } }
        func of(_ side: String) -> [SIPSessionEvent] { events.withLock { $0[side] ?? [] } }
    }

    /// One user agent on its own event loop.
    final class Agent: Sendable {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop: EventLoop
        let agent: NIOLoopBound<SIPUserAgent>
        let port: Int

        init(
            host: String = "127.0.0.1", advertised: SIPRegistrationConfiguration.Address? = nil,
            sessionInterval: UInt32? = nil, minimumSessionInterval: UInt32 = 90, reliableProvisionals: Bool = false,
            listeners: [SIPEndpoint.StreamListener] = []
        ) throws {
            let loop = group.next()
            self.loop = loop
            agent = try loop.submit {
                var configuration = SIPUserAgentConfiguration(
                    host: host, port: 0, advertisedAddress: advertised, contactUser: "bridge",
                    timers: SIPTimers(t1: .milliseconds(100)))
                configuration.sessionInterval = sessionInterval
                configuration.minimumSessionInterval = minimumSessionInterval
                configuration.reliableProvisionals = reliableProvisionals
                configuration.streamListeners = listeners
                return NIOLoopBound(SIPUserAgent(configuration: configuration, eventLoop: loop), eventLoop: loop)
            }.wait()
            try loop.flatSubmit { [agent] in agent.value.start() }.wait()
            port = try loop.submit { [agent] in agent.value.endpoint.localAddress!.port! }.wait()
        }

        /// Runs `body` with the agent on its loop.
        func onLoop<T: Sendable>(_ body: @escaping @Sendable (SIPUserAgent) throws -> T) throws -> T {
            try loop.submit { [agent] in try body(agent.value) }.wait()
        }

        func shutdown() {
            try? loop.flatSubmit { [agent] in agent.value.stop() }.wait()
            try? group.syncShutdownGracefully()
        }

        /// Answers every incoming call: 180 at once, 200 after `answerAfter`; events go to `log`.
        func answerCalls(log: EventLog, side: String = "uas", answerAfter: TimeAmount? = .milliseconds(100)) throws {
            try onLoop { agent in
                let loop = agent.eventLoop
                agent.onIncomingCall = { call in
                    call.onEvent = { log.append($0, side: side) }
                    call.ring()
                    guard let answerAfter else { return }
                    let bound = NIOLoopBound(call, eventLoop: loop)
                    loop.scheduleTask(in: answerAfter) { bound.value.answer(sdp: SIPUserAgentTests.sdp) }
                }
            }
        }

        /// Calls `uri` at 127.0.0.1:`port`; hangs up `hangUpAfter` the answer.
        func call(
            _ uri: String, port: Int, log: EventLog, side: String = "uac", credentials: SIPCredentials? = nil,
            transport: SIPTransport? = nil, hangUpAfter: TimeAmount = .milliseconds(200)
        ) throws {
            let destination = try SocketAddress(ipAddress: "127.0.0.1", port: port)
            try onLoop { agent in
                let loop = agent.eventLoop
                let box = CallBox()
                let parameters = SIPInviteParameters(
                    requestURI: try SIPAnyURI(parsing: uri),
                    from: SIPNameAddress(uri: try SIPURI(parsing: "sip:alice@bridge.example.test")),
                    sdp: SIPUserAgentTests.sdp)
                box.call = try agent.placeCall(
                    parameters, to: destination, transport: transport, credentials: credentials
                ) { event in
                    log.append(event, side: side)
                    if case .answered = event {
                        let bound = NIOLoopBound(box, eventLoop: loop)
                        loop.scheduleTask(in: hangUpAfter) { bound.value.call?.hangUp() }
                    }
                }
            }
        }
    }

    /// Lets an event closure reach the call it belongs to (loop only).
    final class CallBox {
        var call: SIPClientCall?
    }

    /// One sipp process started with posix_spawn (see `SIPRegistrationKamailioTests.Registrar`).
    final class Sipp {
        let directory: URL
        let port: Int
        private var pid: pid_t

        /// Starts sipp on a free port of 127.0.0.1 with one call of `scenario`, calling
        /// `remote` when given (sipp as UAC), over `transport` (sipp's `-t`: u1 UDP, t1 one TCP
        /// connection).
        init(scenario: String, remote: String? = nil, transport: String = "u1") throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp"), "install sip-tester")
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = try SIPServerLocatorTests.DNSServer.freeUDPPort()
            var arguments = remote.map { [$0] } ?? []
            arguments += [
                "-sf", SIPUserAgentTests.scenarios.appendingPathComponent(scenario).path, "-i", "127.0.0.1",
                "-p", String(port), "-t", transport, "-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin", "-trace_err",
                "-error_file", directory.appendingPathComponent("errors.log").path, "-trace_msg",
                "-message_file", directory.appendingPathComponent("messages.log").path,
            ]
            pid = try SIPRegistrationKamailioTests.Registrar.spawn(
                "/usr/bin/sipp", arguments, output: directory.appendingPathComponent("screen.log").path)
            // sipp binds at once; give it a moment before anyone sends to it.
            usleep(200_000)
        }

        /// Waits for sipp to end (killing it after `seconds`); returns its exit status and logs.
        func wait(seconds: Double = 20) -> (status: Int32, log: String) {
            let deadline = Date().addingTimeInterval(seconds)
            var status: Int32 = 0
            var exited = false
            while Date() < deadline {
                if waitpid(pid, &status, WNOHANG) == pid {
                    exited = true
                    break
                }
                usleep(50_000)
            }
            if !exited {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
            }
            pid = 0
            let exitCode: Int32 = exited && status & 0x7f == 0 ? (status >> 8) & 0xff : -1
            return (exitCode, log)
        }

        var messages: String {
            (try? String(contentsOf: directory.appendingPathComponent("messages.log"), encoding: .utf8)) ?? ""
        }

        var log: String {
            ["errors.log", "messages.log"].map {
                (try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) ?? ""
            }.joined(separator: "\n")
        }

        deinit {
            if pid > 0 {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Waits until `condition` holds for the events of `side`, up to `seconds`.
    @discardableResult
    func wait(_ log: EventLog, _ side: String, seconds: Double = 10, until condition: ([SIPSessionEvent]) -> Bool)
        -> [SIPSessionEvent]
    {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(log.of(side)) { return log.of(side) }
            usleep(20_000)
        }
        return log.of(side)
    }

    func isAcknowledged(_ event: SIPSessionEvent) -> Bool {
        if case .acknowledged = event { true } else { false }
    }

    func isRemoteHangUp(_ event: SIPSessionEvent) -> Bool {
        if case .remoteHangUp = event { true } else { false }
    }

    func isAnswered(_ event: SIPSessionEvent) -> Bool {
        if case .answered = event { true } else { false }
    }

    // MARK: - sipp calls us

    @Test func sippCallsUsAndHangsUp() throws {
        // Bound to every interface, advertising loopback: Contact and Via never show 0.0.0.0.
        let agent = try Agent(host: "0.0.0.0", advertised: .init(host: .ipv4("127.0.0.1")))
        defer { agent.shutdown() }
        let log = EventLog()
        try agent.answerCalls(log: log)
        let sipp = try Sipp(scenario: "call-uac.xml", remote: "127.0.0.1:\(agent.port)")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uas") { $0.last == .terminated }
        #expect(events.count == 3, "\(events)")
        #expect(events.first.map(isAcknowledged) == true)
        #expect(events.dropFirst().first.map(isRemoteHangUp) == true)
        #expect(events.last == .terminated)
        #expect(sipp.messages.contains("Contact: <sip:bridge@127.0.0.1:\(agent.port)>"))
        #expect(!sipp.messages.contains("0.0.0.0"))
    }

    @Test func sippCancelsAfterTheRinging() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        try agent.answerCalls(log: log, answerAfter: nil)
        let sipp = try Sipp(scenario: "cancel-uac.xml", remote: "127.0.0.1:\(agent.port)")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        #expect(wait(log, "uas") { $0.count >= 2 } == [.cancelled, .terminated])
    }

    @Test func lost2xxIsRecoveredByRetransmission() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        try agent.answerCalls(log: log)
        let sipp = try Sipp(scenario: "call-uac-lost-200.xml", remote: "127.0.0.1:\(agent.port)")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        // sipp dropped at least one 200 (ours) before taking a retransmission.
        #expect(sipp.messages.contains("UDP message lost (recv)"), "\(sipp.messages)")
        let events = wait(log, "uas") { $0.last == .terminated }
        #expect(events.first.map(isAcknowledged) == true, "\(events)")
        #expect(events.last == .terminated)
    }

    // MARK: - We call sipp

    @Test func weCallSippAndHangUp() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        let sipp = try Sipp(scenario: "call-uas.xml")
        try agent.call("sip:service@127.0.0.1:\(sipp.port)", port: sipp.port, log: log)
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uac") { $0.last == .terminated }
        #expect(events.count == 4, "\(events)")
        if case .earlyDialog(let id)? = events.first {
            #expect(id.remoteTag.contains("SIPpTag01"))
        } else {
            Issue.record("\(events)")
        }
        #expect(events.dropFirst().first == .provisional(status: 180, reason: "Ringing", body: nil))
        if case .answered(let ok)? = events.dropFirst(2).first {
            #expect(String(decoding: ok.body, as: UTF8.self).contains("m=audio 6002"))
        } else {
            Issue.record("\(events)")
        }
        #expect(events.last == .terminated)
        #expect(try agent.onLoop { $0.callCount } <= 1)
    }

    @Test func weCallACarrierDemanding100relAndSessionTimers() throws {
        // sipp's 4 s session is far below RFC 4028's 90 s floor, which the agent lowers here to see refreshes.
        let agent = try Agent(sessionInterval: 1800, minimumSessionInterval: 4, reliableProvisionals: true)
        defer { agent.shutdown() }
        let log = EventLog()
        let sipp = try Sipp(scenario: "prack-timer-uas.xml")
        // Answered at once; hung up after 3 s, by which time the 4 s session has been refreshed.
        try agent.call(
            "sip:service@127.0.0.1:\(sipp.port)", port: sipp.port, log: log, hangUpAfter: .milliseconds(3000))
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uac") { $0.last == .terminated }
        // The 183's retransmissions (sipp resends until the PRACK) were not reported again.
        #expect(events.filter { if case .provisional = $0 { true } else { false } }.count == 1, "\(events)")
        if case .provisional(183, _, let body?) = events.dropFirst().first {
            #expect(String(decoding: body, as: UTF8.self).contains("m=audio 6002"))
        } else {
            Issue.record("\(events)")
        }
        #expect(events.contains(where: isAnswered), "\(events)")
        #expect(!events.contains { if case .failed = $0 { true } else { false } }, "\(events)")
        #expect(sipp.messages.contains("RAck: 1 1 INVITE"))
    }

    @Test func sippRequiring100relGetsAReliable180() throws {
        let agent = try Agent(reliableProvisionals: true)
        defer { agent.shutdown() }
        let log = EventLog()
        try agent.answerCalls(log: log, answerAfter: .milliseconds(500))
        let sipp = try Sipp(scenario: "prack-uac.xml", remote: "127.0.0.1:\(agent.port)")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uas") { $0.last == .terminated }
        #expect(events.first.map(isAcknowledged) == true, "\(events)")
        #expect(events.contains(where: isRemoteHangUp), "\(events)")
    }

    @Test func withoutReliableProvisionalsA100relInviteGets420() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        try agent.answerCalls(log: log)
        let sipp = try Sipp(scenario: "prack-uac.xml", remote: "127.0.0.1:\(agent.port)")
        _ = sipp.wait(seconds: 3)
        #expect(sipp.messages.contains("SIP/2.0 420 Bad Extension"), "\(sipp.messages)")
        #expect(sipp.messages.contains("Unsupported: 100rel"))
        #expect(log.of("uas").isEmpty)
    }

    @Test func qualifyingSippShowsItReachable() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let sipp = try Sipp(scenario: "options-uas.xml")
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: sipp.port)
        let target = try SIPURI(parsing: "sip:127.0.0.1:\(sipp.port)")
        let statuses = Mutex<[SIPQualifyStatus]>([])
        let client = try agent.onLoop { agent in
            let client = agent.addQualify(
                target: target, peer: peer, interval: .seconds(60)
            ) { status in statuses.withLock { $0.append(status) } }
            client.start()
            return NIOLoopBound(client, eventLoop: agent.eventLoop)
        }
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let deadline = Date().addingTimeInterval(5)
        while statuses.withLock({ $0.isEmpty }) && Date() < deadline { usleep(20_000) }
        guard case .reachable(_, 200)? = statuses.withLock({ $0.first }) else {
            Issue.record("\(statuses.withLock { $0 })")
            return
        }
        try agent.onLoop { _ in client.value.stop() }
    }

    @Test func busySippFailsTheCall() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        let sipp = try Sipp(scenario: "busy-uas.xml")
        try agent.call("sip:busy@127.0.0.1:\(sipp.port)", port: sipp.port, log: log)
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uac") { $0.last == .terminated }
        guard case .failed(let code, let reason, let response)? = events.first else {
            Issue.record("\(events)")
            return
        }
        #expect(code == 486)
        #expect(reason == "Busy Here")
        #expect(response?.statusCode == 486)
        #expect(events.last == .terminated)
    }

    @Test func challengedInviteIsRetriedWithDigest() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        let sipp = try Sipp(scenario: "auth-uas.xml")
        try agent.call(
            "sip:service@127.0.0.1:\(sipp.port)", port: sipp.port, log: log,
            credentials: SIPCredentials(username: "alice", password: "secret"))
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = wait(log, "uac") { $0.last == .terminated }
        #expect(events.contains(where: isAnswered), "\(events)")
        #expect(events.last == .terminated)
    }

    @Test func lostInviteIsRecoveredByRetransmission() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        let log = EventLog()
        let sipp = try Sipp(scenario: "call-uas-lost-invite.xml")
        try agent.call("sip:service@127.0.0.1:\(sipp.port)", port: sipp.port, log: log)
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        #expect(sipp.messages.contains("UDP message lost (recv)"), "\(sipp.messages)")
        let events = wait(log, "uac") { $0.last == .terminated }
        #expect(events.contains(where: isAnswered), "\(events)")
        #expect(events.last == .terminated)
    }

    // MARK: - Two user agents

    @Test func twoAgentsCallReinviteInfoAndHangUp() throws {
        let caller = try Agent()
        defer { caller.shutdown() }
        let callee = try Agent()
        defer { callee.shutdown() }
        let log = EventLog()
        let updated = Array(
            "v=0\r\no=- 7 8 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7002 RTP/AVP 8\r\n".utf8)
        try callee.onLoop { agent in
            agent.onIncomingCall = { call in
                call.onEvent = { event in
                    log.append(event, side: "callee")
                    if case .reinviteReceived(let request) = event {
                        call.answer(reinvite: request, sdp: SIPUserAgentTests.sdp)
                    }
                }
                call.ring()
                call.answer(sdp: SIPUserAgentTests.sdp)
            }
        }
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: callee.port)
        let calleePort = callee.port
        try caller.onLoop { agent in
            let box = CallBox()
            let parameters = SIPInviteParameters(
                requestURI: try SIPAnyURI(parsing: "sip:bob@127.0.0.1:\(calleePort)"),
                from: SIPNameAddress(uri: try SIPURI(parsing: "sip:alice@127.0.0.1")), sdp: SIPUserAgentTests.sdp)
            box.call = try agent.placeCall(parameters, to: destination) { event in
                log.append(event, side: "caller")
                switch event {
                case .answered: box.call?.reinvite(sdp: updated)
                case .reinviteAnswered: box.call?.sendInfo(body: Array("Signal=5".utf8), contentType: nil)
                case .infoAnswered: box.call?.hangUp()
                default: break
                }
            }
        }
        let callerEvents = wait(log, "caller") { $0.last == .terminated }
        let calleeEvents = wait(log, "callee") { $0.last == .terminated }
        #expect(callerEvents.count == 6, "\(callerEvents)")
        #expect(callerEvents.filter(isAnswered).count == 1)
        #expect(callerEvents.contains(.infoAnswered(status: 200)))
        #expect(callerEvents.last == .terminated)
        #expect(calleeEvents.contains(.infoReceived(body: Array("Signal=5".utf8), contentType: nil)), "\(calleeEvents)")
        #expect(calleeEvents.filter(isAcknowledged).count == 2, "\(calleeEvents)")
        #expect(calleeEvents.contains(where: isRemoteHangUp))
        #expect(calleeEvents.last == .terminated)
    }

    // MARK: - Sharing the socket

    @Test func optionsAndRegistrationStillWorkThroughTheAgent() throws {
        let agent = try Agent()
        defer { agent.shutdown() }
        // The endpoint under the agent still answers OPTIONS itself.
        let sipp = try Sipp(scenario: "options-agent-uac.xml", remote: "127.0.0.1:\(agent.port)")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")

        // A registration client on the agent's socket gets its responses routed to it.
        let registrar = try SIPRegistrationKamailioTests.Registrar()
        defer { registrar.stop() }
        let statuses = StatusLog()
        let configuration = SIPRegistrationConfiguration(
            addressOfRecord: try SIPURI(parsing: "sip:alice@example.test"),
            localAddress: .init(host: .ipv4("127.0.0.1"), port: UInt16(agent.port)), username: "alice",
            password: "secret", realm: "example.test", expires: 60)
        let registrarAddress = try SocketAddress(ipAddress: "127.0.0.1", port: registrar.port)
        try agent.onLoop { agent in
            agent.addRegistration(configuration, registrar: registrarAddress) { status in
                statuses.statuses.withLock { $0.append(status) }
            }.start()
        }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !statuses.statuses.withLock({ $0.contains(where: \.isRegistered) }) {
            usleep(50_000)
        }
        #expect(statuses.statuses.withLock { $0.contains(where: \.isRegistered) }, "\(registrar.logText)")
        #expect(try registrar.bindings().contains("sip:alice@127.0.0.1:\(agent.port)"))
    }

    // MARK: - Configuration

    @Test func advertisedAddressReplacesTheBindAddress() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let configuration = SIPUserAgentConfiguration(
            host: "10.0.0.5", port: 5070, advertisedAddress: .init(host: .ipv4("203.0.113.9"), port: 5999),
            contactUser: "bridge")
        let agent = SIPUserAgent(configuration: configuration, eventLoop: group.next())
        let session = agent.sessionConfiguration
        #expect(session.contact.description == "sip:bridge@203.0.113.9:5999")
        #expect(session.makeVia().sentBy == "203.0.113.9:5999")
        let invite = SIPInviteClientSession.makeInvite(
            SIPInviteParameters(
                requestURI: try SIPAnyURI(parsing: "sip:bob@example.test"),
                from: SIPNameAddress(uri: try SIPURI(parsing: "sip:alice@example.test")), sdp: Self.sdp),
            configuration: session)
        #expect(!invite.description.contains("10.0.0.5"))
        // Without a port of its own the advertised address keeps the bound (here: configured) port.
        let portless = SIPUserAgent(
            configuration: SIPUserAgentConfiguration(
                host: "10.0.0.5", port: 5070, advertisedAddress: .init(host: .ipv4("203.0.113.9"))),
            eventLoop: group.next())
        #expect(portless.sessionConfiguration.contact.description == "sip:203.0.113.9:5070")
        // Without an advertised address, the bind address.
        let plain = SIPUserAgent(
            configuration: SIPUserAgentConfiguration(host: "10.0.0.5", port: 5070), eventLoop: group.next())
        #expect(plain.sessionConfiguration.contact.description == "sip:10.0.0.5:5070")
    }
}
