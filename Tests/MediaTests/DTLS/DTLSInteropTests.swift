import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Media

/// `DTLSSession` against OpenSSL's own `s_server` and `s_client` over real UDP on loopback: the negotiated
/// profile and the keying material `-keymatexport EXTRACTOR-dtls_srtp` prints must match ours.
@Suite(.serialized, .enabled(if: OpenSSLTool.available, "needs the openssl command"))
struct DTLSInteropTests {
    /// The peer's files: a certificate and key made by our own generator, written as PEM.
    struct PeerFiles {
        let directory: URL
        let certificate: DTLSCertificate
        var certificatePath: String { directory.appendingPathComponent("peer.pem").path }
        var keyPath: String { directory.appendingPathComponent("peer.key").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtls-interop-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            certificate = DTLSFixtures.certificateC
            try certificate.certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
            try certificate.privateKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// We are the client; `s_server` (requesting our certificate, optionally with the cookie exchange of
    /// `-listen`) is the server.
    @Test(arguments: SRTPProfile.allCases, [false, true])
    func againstSServer(profile: SRTPProfile, cookieExchange: Bool) throws {
        let files = try PeerFiles()
        defer { files.remove() }
        let port = try UDPTestSocket.freePort()
        var arguments = [
            "s_server", "-dtls1_2", "-use_srtp", profile.openSSLName, "-cert", files.certificatePath, "-key",
            files.keyPath, "-port", "\(port)", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen",
            "\(DTLSSRTPKeyingMaterial.exportedLength(for: profile))", "-verify", "1", "-naccept", "1",
        ]
        if cookieExchange { arguments.append("-listen") }
        let server = try OpenSSLTool(arguments)
        defer { server.kill() }
        try #require(server.waitForOutput(containing: "ACCEPT"), "s_server did not start: \(server.output)")

        let session = DTLSSession(certificate: DTLSFixtures.certificateA)
        _ = session.setRemoteFingerprints([files.certificate.fingerprint])
        let socket = try UDPTestSocket()
        var driver = UDPDriver(session: session, socket: socket, peerPort: port)
        driver.perform(session.setRole(.client, now: .now()))
        driver.run { $0.connected != nil || $0.failure != nil }

        let keys = try #require(driver.connected, "no connection: \(driver.events) / \(server.output)")
        #expect(keys.profile == profile)
        #expect(session.role == .client)
        try #require(server.waitForOutput(containing: "Keying material: "))
        #expect(server.output.contains("SRTP Extension negotiated, profile=\(profile.openSSLName)"))
        #expect(server.keyingMaterial == keys.exportedBytes, "s_server: \(server.output)")

        // Our close_notify ends s_server's only connection (-naccept 1), so it exits and flushes its output.
        driver.perform(session.close())
        #expect(server.waitForExit(), "s_server still running")
        #expect(server.output.contains("DONE\nshutting down SSL"), "s_server: \(server.output)")
    }

    /// We are the offerer with `actpass`: `s_client` sends its ClientHello before "signalling" set our role,
    /// so we become the server. Its close_notify (stdin closed) reaches us as `closed`.
    @Test(arguments: SRTPProfile.allCases)
    func againstSClient(profile: SRTPProfile) throws {
        let files = try PeerFiles()
        defer { files.remove() }
        let socket = try UDPTestSocket()
        let session = DTLSSession(certificate: DTLSFixtures.certificateA)
        _ = session.setRemoteFingerprints([files.certificate.fingerprint])
        let client = try OpenSSLTool([
            "s_client", "-dtls1_2", "-use_srtp", profile.openSSLName, "-connect", "127.0.0.1:\(socket.port)",
            "-cert", files.certificatePath, "-key", files.keyPath, "-keymatexport", "EXTRACTOR-dtls_srtp",
            "-keymatexportlen", "\(DTLSSRTPKeyingMaterial.exportedLength(for: profile))",
        ])
        defer { client.kill() }
        var driver = UDPDriver(session: session, socket: socket, peerPort: nil)
        driver.run { $0.connected != nil || $0.failure != nil }

        #expect(driver.events.first == .roleResolved(.server))
        let keys = try #require(driver.connected, "no connection: \(driver.events) / \(client.output)")
        #expect(keys.profile == profile)
        #expect(session.role == .server)
        try #require(client.waitForOutput(containing: "Keying material: "))
        #expect(client.output.contains("SRTP Extension negotiated, profile=\(profile.openSSLName)"))
        #expect(client.keyingMaterial == keys.exportedBytes, "s_client: \(client.output)")

        client.closeInput()
        driver.run { $0.events.contains(.closed) }
        #expect(driver.events.contains(.closed))
        #expect(session.status == .closed)
    }

    /// Our final flight is lost once: `s_client` retransmits its flight on its own timer, and our session,
    /// complete already, answers it with the final flight again.
    @Test func lostFinalFlightWithSClient() throws {
        let files = try PeerFiles()
        defer { files.remove() }
        let socket = try UDPTestSocket()
        let session = DTLSSession(certificate: DTLSFixtures.certificateA)
        _ = session.setRemoteFingerprints([files.certificate.fingerprint])
        let client = try OpenSSLTool([
            "s_client", "-dtls1_2", "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-connect", "127.0.0.1:\(socket.port)",
            "-cert", files.certificatePath, "-key", files.keyPath, "-keymatexport", "EXTRACTOR-dtls_srtp",
            "-keymatexportlen", "60",
        ])
        defer { client.kill() }
        var driver = UDPDriver(session: session, socket: socket, peerPort: nil)
        var dropped = 0
        driver.drop = { datagram in
            // Our final flight starts with ChangeCipherSpec; lose its first transmission.
            guard datagram.first == 20, dropped == 0 else { return false }
            dropped += 1
            return true
        }
        driver.run { $0.connected != nil || $0.failure != nil }
        let keys = try #require(driver.connected)
        #expect(dropped == 1)
        // Keep serving the socket: s_client's retransmission must be answered.
        driver.run { _ in client.output.contains("Keying material: ") }
        try #require(client.waitForOutput(containing: "Keying material: "), "s_client: \(client.output)")
        #expect(client.keyingMaterial == keys.exportedBytes)
        #expect(driver.sentAfterConnected > 0, "the final flight was sent again after completion")
    }

    /// Our ClientHello is lost once: the copy sent at the first deadline (one OpenSSL prepared in advance)
    /// is accepted by `s_server`.
    @Test func lostClientHelloWithSServer() throws {
        let files = try PeerFiles()
        defer { files.remove() }
        let port = try UDPTestSocket.freePort()
        let server = try OpenSSLTool([
            "s_server", "-dtls1_2", "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-cert", files.certificatePath, "-key",
            files.keyPath, "-port", "\(port)", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60",
        ])
        defer { server.kill() }
        try #require(server.waitForOutput(containing: "ACCEPT"))
        let session = DTLSSession(certificate: DTLSFixtures.certificateA)
        _ = session.setRemoteFingerprints([files.certificate.fingerprint])
        let socket = try UDPTestSocket()
        var driver = UDPDriver(session: session, socket: socket, peerPort: port)
        var dropped = false
        driver.drop = { _ in
            defer { dropped = true }
            return !dropped
        }
        let start = NIODeadline.now()
        driver.perform(session.setRole(.client, now: start))
        driver.run { $0.connected != nil || $0.failure != nil }
        let keys = try #require(driver.connected)
        #expect(NIODeadline.now() - start >= .seconds(1))
        try #require(server.waitForOutput(containing: "Keying material: "))
        #expect(server.keyingMaterial == keys.exportedBytes)
    }

    /// Our certificate's fingerprint as OpenSSL's command line computes it from our PEM.
    @Test func fingerprintMatchesOpenSSLCommand() throws {
        let files = try PeerFiles()
        defer { files.remove() }
        let tool = try OpenSSLTool(["x509", "-in", files.certificatePath, "-noout", "-fingerprint", "-sha256"])
        defer { tool.kill() }
        try #require(tool.waitForOutput(containing: "Fingerprint="))
        #expect(tool.output.contains("Fingerprint=\(files.certificate.fingerprint.hexValue)"))
        let reloaded = try DTLSCertificate(certificateFile: files.certificatePath, privateKeyFile: files.keyPath)
        #expect(reloaded.fingerprint == files.certificate.fingerprint)
    }
}

/// Runs a `DTLSSession` over a real UDP socket with the wall clock, as the NIO handler will.
struct UDPDriver {
    let session: DTLSSession
    let socket: UDPTestSocket
    var peerPort: UInt16?
    var events: [DTLSEvent] = []
    var drop: ([UInt8]) -> Bool = { _ in false }
    /// Datagrams sent after `.connected` was reported.
    var sentAfterConnected = 0

    init(session: DTLSSession, socket: UDPTestSocket, peerPort: UInt16?) {
        self.session = session
        self.socket = socket
        self.peerPort = peerPort
    }

    var connected: DTLSSRTPKeyingMaterial? {
        for case .connected(let keys) in events { return keys }
        return nil
    }

    var failure: MediaError? {
        for case .failed(let error) in events { return error }
        return nil
    }

    mutating func perform(_ actions: [DTLSSession.Action]) {
        for action in actions {
            switch action {
            case .send(let datagram):
                if connected != nil { sentAfterConnected += 1 }
                guard let peerPort, !drop(datagram) else { continue }
                socket.send(datagram, to: peerPort)
            case .event(let event):
                events.append(event)
            }
        }
    }

    /// Serves the socket and the session's deadline until `done` or `timeout` of wall-clock time.
    mutating func run(timeout: TimeAmount = .seconds(10), until done: (UDPDriver) -> Bool) {
        let end = NIODeadline.now() + timeout
        while !done(self), NIODeadline.now() < end {
            // Short slices, so `done` is rechecked even when nothing arrives.
            var wait = min(end - NIODeadline.now(), .milliseconds(50))
            if let deadline = session.nextDeadline { wait = min(wait, deadline - NIODeadline.now()) }
            if let (datagram, from) = socket.receive(timeout: max(wait, .zero)) {
                peerPort = from
                do {
                    perform(try session.receive(datagram, now: .now()))
                } catch {
                    Issue.record("receive threw \(error)")
                }
            } else if let deadline = session.nextDeadline, NIODeadline.now() >= deadline {
                perform(session.timerFired(now: .now()))
            }
        }
    }
}

/// A blocking IPv4 UDP socket on 127.0.0.1 for interop tests.
final class UDPTestSocket {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw MediaError(.invalidConfiguration, "socket failed") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw MediaError(.invalidConfiguration, "bind failed")
        }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = UInt16(bigEndian: local.sin_port)
    }

    deinit { close(descriptor) }

    /// A port that was free a moment ago (bound, read, released) for a tool that binds it itself.
    static func freePort() throws -> UInt16 { try UDPTestSocket().port }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    func send(_ datagram: [UInt8], to port: UInt16) {
        var address = Self.loopback(port: port)
        _ = datagram.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram and its source port, or nil after `timeout`.
    func receive(timeout: TimeAmount) -> ([UInt8], UInt16)? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: (timeout.nanoseconds + 999_999) / 1_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { bytes in
            withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, bytes.baseAddress, bytes.count, 0, $0, &length)
                }
            }
        }
        guard count > 0 else { return nil }
        return (Array(buffer.prefix(count)), UInt16(bigEndian: source.sin_port))
    }
}

/// An `openssl` command-line process whose output goes to a file; stopped with SIGKILL by PID.
final class OpenSSLTool {
    static let path = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static var available: Bool { path != nil }

    let process = Process()
    let input = Pipe()
    let outputURL: URL

    init(_ arguments: [String]) throws {
        outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process.executableURL = URL(fileURLWithPath: Self.path!)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        // A pipe kept open: s_client and s_server stop when their standard input ends.
        process.standardInput = input
        try process.run()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: outputURL)
    }

    var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// Polls the output for `text` for up to `timeout` seconds.
    func waitForOutput(containing text: String, timeout: Double = 5) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if output.contains(text) { return true }
            usleep(20_000)
        }
        return output.contains(text)
    }

    /// Waits up to `timeout` seconds for the process to exit by itself.
    func waitForExit(timeout: Double = 5) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { usleep(20_000) }
        return !process.isRunning
    }

    /// The bytes after "Keying material: " (hex, as `-keymatexport` prints them).
    var keyingMaterial: [UInt8]? {
        guard let range = output.range(of: "Keying material: ") else { return nil }
        let digits = output[range.upperBound...].prefix { $0.isHexDigit }
        return hex(String(digits))
    }

    /// Ends the tool's standard input (s_client then closes the connection with close_notify).
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// SIGKILL by PID (Foundation's `terminate` is unreliable from test threads); idempotent.
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
