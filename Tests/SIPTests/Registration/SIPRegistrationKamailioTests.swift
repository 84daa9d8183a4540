import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SIP

/// `SIPRegistrationClient` against a real registrar: Kamailio from Debian (package `kamailio`),
/// in memory, with the configuration `kamailio-registrar.cfg` next to this file.
@Suite(.serialized) struct SIPRegistrationKamailioTests {
    static let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("kamailio-registrar.cfg")
    static let kamailio = "/usr/sbin/kamailio"
    static let kamcmd = "/usr/sbin/kamcmd"

    /// One Kamailio process with its own runtime directory, stopped by `stop()`.
    ///
    /// Started with posix_spawn and an empty signal mask rather than Foundation's `Process`: a
    /// child inherits the blocked signals of the test thread that spawns it, so a Kamailio
    /// started by `Process` ignores SIGTERM and, killed with SIGKILL, leaves its worker processes
    /// on the port; and `Process` did not reap kamcmd from a test thread (it hung).
    final class Registrar {
        let directory: URL
        let port: Int
        private var pid: pid_t = 0

        init(
            algorithm: String = "MD5", qopFlags: String = "1", password: String = "secret", minExpires: Int = 5,
            tcp: Bool = false
        ) throws {
            try #require(
                FileManager.default.isExecutableFile(atPath: SIPRegistrationKamailioTests.kamailio),
                "install Debian's kamailio package")
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("kamailio-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = try SIPServerLocatorTests.DNSServer.freeUDPPort()
            var config = try String(contentsOf: SIPRegistrationKamailioTests.template, encoding: .utf8)
            for (key, value) in [
                "PORT": String(port), "CTL": ctlSocket, "MIN_EXPIRES": String(minExpires), "ALGORITHM": algorithm,
                "USER": "alice", "PASSWORD": password, "QOP_FLAGS": qopFlags,
                "TCP": tcp ? "listen=tcp:127.0.0.1:\(port)" : "disable_tcp=yes",
            ] {
                config = config.replacingOccurrences(of: "@@\(key)@@", with: value)
            }
            let file = directory.appendingPathComponent("kamailio.cfg")
            try config.write(to: file, atomically: true, encoding: .utf8)
            // -DD: stay in the foreground; -E: log to stderr; -n 1: one worker per socket.
            pid = try Self.spawn(
                SIPRegistrationKamailioTests.kamailio,
                [
                    "-f", file.path, "-DD", "-E", "-n", "1", "-Y", directory.path, "-P",
                    directory.appendingPathComponent("kamailio.pid").path, "-w", directory.path,
                ], output: log.path)
            // Ready when the control socket answers.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if isRunning, (try? kamcmd("core.uptime")) != nil { return }
                usleep(100_000)
            }
            stop()
            Issue.record("kamailio did not start: \(logText)")
            throw CancellationError()
        }

        var ctlSocket: String { directory.appendingPathComponent("ctl.sock").path }
        var log: URL { directory.appendingPathComponent("kamailio.log") }
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        var isRunning: Bool {
            guard pid > 0 else { return false }
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == 0
        }

        /// Runs a kamcmd RPC command and returns its output (throws on a non-zero exit).
        func kamcmd(_ arguments: String...) throws -> String {
            let output = directory.appendingPathComponent("kamcmd-\(UUID().uuidString).out")
            let child = try Self.spawn(
                SIPRegistrationKamailioTests.kamcmd, ["-s", "unix:\(ctlSocket)"] + arguments, output: output.path)
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            defer { try? FileManager.default.removeItem(at: output) }
            // Exited normally with status 0.
            guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { throw CancellationError() }
            return try String(contentsOf: output, encoding: .utf8)
        }

        /// The registered bindings (usrloc dump).
        func bindings() throws -> String { try kamcmd("ul.dump") }

        /// Stops Kamailio: SIGTERM lets the main process stop its workers; SIGKILL for any
        /// process still there after 5 s.
        func stop() {
            guard pid > 0 else { return }
            let children = Self.children(of: pid)
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while isRunning && Date() < deadline { usleep(50_000) }
            if isRunning {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            for child in children where kill(child, 0) == 0 { kill(child, SIGKILL) }
            pid = 0
            try? FileManager.default.removeItem(at: directory)
        }

        /// Starts `path` with stdout and stderr appended to `output`, stdin from /dev/null, an
        /// empty signal mask and default signal handlers.
        static func spawn(_ path: String, _ arguments: [String], output: String) throws -> pid_t {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            let argv = ([path] + arguments).map { strdup($0) }
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let result = posix_spawn(&pid, path, &actions, &attributes, argv + [nil], environ)
            guard result == 0 else {
                Issue.record("posix_spawn \(path) failed: \(result)")
                throw CancellationError()
            }
            return pid
        }

        /// The processes whose parent is `pid` (from /proc).
        static func children(of pid: Int32) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry -> Int32? in
                guard let child = Int32(entry),
                    let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return nil }
                // After "pid (comm) ": state, then ppid.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
            }
        }
    }

    /// A client on its own event loop, recording every status change.
    final class Client: Sendable {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop: EventLoop
        let client: NIOLoopBound<SIPRegistrationClient>
        let endpoint: NIOLoopBound<SIPUDPEndpoint>
        let port: Int
        let log = StatusLog()

        init(
            registrarPort: Int, password: String = "secret", expires: UInt32 = 10, transport: SIPTransport = .udp
        ) throws {
            loop = group.next()
            let loop = self.loop
            let holder = ClientHolder()
            endpoint = try loop.submit {
                let endpoint = SIPUDPEndpoint(
                    configuration: .init(host: "127.0.0.1", port: 0, timers: SIPTimers(t1: .milliseconds(100))),
                    eventLoop: loop
                ) { event in holder.client?.handle(event) }
                return NIOLoopBound(endpoint, eventLoop: loop)
            }.wait()
            try loop.flatSubmit { [endpoint] in endpoint.value.start() }.wait()
            port = try loop.submit { [endpoint] in endpoint.value.localAddress!.port! }.wait()
            let configuration = SIPRegistrationConfiguration(
                addressOfRecord: try SIPURI(parsing: "sip:alice@example.test"),
                localAddress: .init(host: .ipv4("127.0.0.1"), port: UInt16(port)), username: "alice",
                password: password, realm: "example.test", expires: expires,
                initialRetryDelay: .seconds(30), keepaliveInterval: .seconds(2), transport: transport.viaName)
            let registrar = try SocketAddress(ipAddress: "127.0.0.1", port: registrarPort)
            let log = self.log
            client = try loop.submit { [endpoint] in
                endpoint.value.setPeer(.init(transport: transport), at: registrar)
                let client = SIPRegistrationClient(
                    configuration: configuration, endpoint: endpoint.value, registrar: registrar
                ) { status in log.statuses.withLock { $0.append(status) } }
                holder.client = client
                return NIOLoopBound(client, eventLoop: loop)
            }.wait()
        }

        func start() throws { try loop.submit { [client] in client.value.start() }.wait() }
        func stop() throws { try loop.submit { [client] in client.value.stop() }.wait() }

        func shutdown() {
            try? loop.flatSubmit { [endpoint] in endpoint.value.stop() }.wait()
            try? group.syncShutdownGracefully()
        }

        /// Waits until `condition` holds for the recorded statuses, up to `seconds`.
        @discardableResult
        func wait(seconds: Double, until condition: ([SIPRegistrationStatus]) -> Bool) -> [SIPRegistrationStatus] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let current = log.statuses.withLock { $0 }
                if condition(current) { return current }
                usleep(50_000)
            }
            return log.statuses.withLock { $0 }
        }
    }

    func registeredCount(_ statuses: [SIPRegistrationStatus]) -> Int { statuses.filter(\.isRegistered).count }

    @Test func registersRefreshesAndUnregistersWithMD5() throws {
        let registrar = try Registrar()
        defer { registrar.stop() }
        let client = try Client(registrarPort: registrar.port, expires: 10)
        defer { client.shutdown() }
        try client.start()

        let first = client.wait(seconds: 5) { self.registeredCount($0) >= 1 }
        #expect(registeredCount(first) == 1, "statuses \(first)\n\(registrar.logText)")
        guard case .registered(_, let granted) = first.last else { return }
        #expect(granted == 10)
        let contact = "sip:alice@127.0.0.1:\(client.port)"
        #expect(try registrar.bindings().contains(contact))

        // Granted 10 s: refreshed after 5 s, before the binding expires.
        let refreshed = client.wait(seconds: 9) { self.registeredCount($0) >= 2 }
        #expect(registeredCount(refreshed) >= 2, "statuses \(refreshed)\n\(registrar.logText)")
        #expect(!refreshed.contains { if case .failed = $0 { true } else { false } })

        try client.stop()
        let stopped = client.wait(seconds: 5) { $0.last == .unregistered(reason: nil) }
        #expect(stopped.last == .unregistered(reason: nil), "statuses \(stopped)\n\(registrar.logText)")
        #expect(try !registrar.bindings().contains(contact))
    }

    @Test func registersWithSHA256WithoutQop() throws {
        let registrar = try Registrar(algorithm: "SHA-256", qopFlags: "0")
        defer { registrar.stop() }
        let client = try Client(registrarPort: registrar.port, expires: 60)
        defer { client.shutdown() }
        try client.start()
        let statuses = client.wait(seconds: 5) { self.registeredCount($0) >= 1 }
        #expect(registeredCount(statuses) == 1, "statuses \(statuses)\n\(registrar.logText)")
        #expect(try registrar.bindings().contains("sip:alice@127.0.0.1:\(client.port)"))
        try client.stop()
        #expect(client.wait(seconds: 5) { $0.last == .unregistered(reason: nil) }.last == .unregistered(reason: nil))
    }

    @Test func wrongPasswordFailsWithAClearReason() throws {
        let registrar = try Registrar()
        defer { registrar.stop() }
        let client = try Client(registrarPort: registrar.port, password: "not-the-password")
        defer { client.shutdown() }
        try client.start()
        let statuses = client.wait(seconds: 5) { $0.contains { if case .failed = $0 { true } else { false } } }
        guard case .failed(let reason, _)? = statuses.last else {
            Issue.record("statuses \(statuses)\n\(registrar.logText)")
            return
        }
        #expect(reason.contains("wrong username or password"), "\(reason)")
        #expect(try !registrar.bindings().contains("sip:alice@"))
        try client.stop()
    }

    @Test func registersOverTCPOnOneConnectionKeptAliveByPings() throws {
        let registrar = try Registrar(tcp: true)
        defer { registrar.stop() }
        let client = try Client(registrarPort: registrar.port, expires: 10, transport: .tcp)
        defer { client.shutdown() }
        try client.start()
        let first = client.wait(seconds: 5) { self.registeredCount($0) >= 1 }
        #expect(registeredCount(first) == 1, "statuses \(first)\n\(registrar.logText)")
        // The Contact asks for TCP, and Kamailio saw the REGISTER arrive over TCP.
        let bindings = try registrar.bindings()
        #expect(bindings.contains("sip:alice@127.0.0.1:\(client.port);transport=tcp"), "\(bindings)")
        #expect(bindings.contains("tcp:127.0.0.1:"), "\(bindings)")
        // Refreshed after 5 s with CRLF pings every 2 s in between, all on the first connection.
        let refreshed = client.wait(seconds: 9) { self.registeredCount($0) >= 2 }
        #expect(registeredCount(refreshed) >= 2, "statuses \(refreshed)\n\(registrar.logText)")
        let opened = try client.loop.submit { [endpoint = client.endpoint] in endpoint.value.openedConnectionCount }
        #expect(try opened.wait() == 1)
        try client.stop()
        #expect(client.wait(seconds: 5) { $0.last == .unregistered(reason: nil) }.last == .unregistered(reason: nil))
    }
}

/// Status changes recorded on the loop, read by the test thread.
final class StatusLog: Sendable {
    let statuses = Mutex<[SIPRegistrationStatus]>([])
}

/// Lets the endpoint's event closure reach the client created after it (same loop only).
final class ClientHolder: @unchecked Sendable {
    // Written once on the loop before the client starts and read only on that loop afterwards.
    var client: SIPRegistrationClient?
}
