import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing

@testable import SIP

/// `SIPEndpoint` over real TCP and TLS sockets on loopback: two endpoints talking, and raw
/// clients for what a well-behaved endpoint never sends.
@Suite(.serialized) struct SIPEndpointStreamTests {
    /// One endpoint on its own loop, recording what it reports.
    final class Node: Sendable {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop: EventLoop
        let endpoint: NIOLoopBound<SIPEndpoint>
        private let events = Lines()

        init(_ configure: (inout SIPEndpoint.Configuration) -> Void = { _ in }) throws {
            var configuration = SIPEndpoint.Configuration(
                host: "127.0.0.1", port: 0, timers: SIPTimers(t1: .milliseconds(100)))
            configure(&configuration)
            let loop = group.next()
            self.loop = loop
            let events = self.events
            let configured = configuration
            endpoint = try loop.submit {
                let endpoint = SIPEndpoint(configuration: configured, eventLoop: loop) { event in
                    let line: String
                    switch event {
                    case .request(let request, _): line = "request \(request.method?.rawValue ?? "?")"
                    case .response(let response):
                        line = "response \(response.statusCode ?? 0) \(SIPEndpoint.transport(of: response).rawValue)"
                    case .requestTimedOut(let request): line = "timeout \(request.method?.rawValue ?? "?")"
                    case .malformed(let reason, _): line = "malformed \(reason)"
                    }
                    events.lines.withLock { $0.append(line) }
                }
                return NIOLoopBound(endpoint, eventLoop: loop)
            }.wait()
            try loop.flatSubmit { [endpoint] in endpoint.value.start() }.wait()
        }

        var log: [String] { events.lines.withLock { $0 } }

        func onLoop<T: Sendable>(_ body: @escaping @Sendable (SIPEndpoint) throws -> T) throws -> T {
            try loop.submit { [endpoint] in try body(endpoint.value) }.wait()
        }

        func port(_ transport: SIPTransport) throws -> Int {
            try onLoop { $0.localAddress(for: transport)?.port ?? 0 }
        }

        /// Waits up to `seconds` for `condition` on the log.
        @discardableResult
        func wait(seconds: Double = 5, until condition: ([String]) -> Bool) -> [String] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline && !condition(log) { usleep(10_000) }
            return log
        }

        deinit {
            try? loop.flatSubmit { [endpoint] in endpoint.value.stop() }.wait()
            try? group.syncShutdownGracefully()
        }
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    static func options(transport: SIPTransport, port: Int, body: Int = 0) -> SIPMessage {
        var headers = SIPHeaders()
        let branch = SIPVia.magicCookie + DigestAlgorithm.randomHex(8)
        headers.add(.via, "SIP/2.0/\(transport.viaName) 127.0.0.1:\(port);branch=\(branch);rport")
        headers.add(.maxForwards, "70")
        headers.add(.to, "<sip:peer@127.0.0.1>")
        headers.add(.from, "<sip:test@127.0.0.1>;tag=\(DigestAlgorithm.randomHex(4))")
        headers.add(.callID, DigestAlgorithm.randomHex(10))
        headers.add(.cseq, "1 OPTIONS")
        if body > 0 { headers.add(.contentType, "text/plain") }
        headers.add(.contentLength, String(body))
        return SIPMessage(
            method: .options, uri: .sip(SIPURI(host: .ipv4("127.0.0.1"))), headers: headers,
            body: Array(repeating: UInt8(ascii: "x"), count: body))
    }

    func send(_ request: SIPMessage, from node: Node, to port: Int) throws {
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try node.onLoop { $0.send(request: request, to: destination) }
    }

    // MARK: - TCP

    @Test func twoRequestsShareOneConnection() throws {
        let server = try Node { $0.streamListeners = [.init(transport: .tcp, host: "127.0.0.1", port: 0)] }
        let client = try Node()
        let port = try server.port(.tcp)
        try send(Self.options(transport: .tcp, port: 1), from: client, to: port)
        client.wait { $0.count == 1 }
        try send(Self.options(transport: .tcp, port: 1), from: client, to: port)
        let log = client.wait { $0.count == 2 }
        #expect(log == ["response 200 tcp", "response 200 tcp"])
        #expect(try client.onLoop { $0.connectionCount } == 1)
        #expect(try server.onLoop { $0.connectionCount } == 1)
        #expect(try server.onLoop { $0.openedConnectionCount } == 1)
    }

    @Test func idleConnectionsAreClosed() throws {
        let server = try Node {
            $0.streamListeners = [.init(transport: .tcp, host: "127.0.0.1", port: 0)]
            $0.idleTimeout = .milliseconds(300)
        }
        let client = try Node { $0.idleTimeout = .seconds(60) }
        try send(Self.options(transport: .tcp, port: 1), from: client, to: try server.port(.tcp))
        #expect(client.wait { $0.count == 1 } == ["response 200 tcp"])
        #expect(try server.onLoop { $0.connectionCount } == 1)
        // The server closes after 300 ms of silence; the client sees the connection go.
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, try client.onLoop({ $0.connectionCount }) > 0 { usleep(20_000) }
        #expect(try server.onLoop { $0.connectionCount } == 0)
        #expect(try client.onLoop { $0.connectionCount } == 0)
    }

    @Test func refusedConnectionFailsTheTransaction() throws {
        let client = try Node()
        let closed = try SIPServerLocatorTests.DNSServer.freeUDPPort()  // nothing listens on TCP there
        try send(Self.options(transport: .tcp, port: 1), from: client, to: closed)
        // Long before Timer F (64*T1 = 6.4 s).
        #expect(client.wait(seconds: 3) { !$0.isEmpty } == ["timeout OPTIONS"])
    }

    @Test func largeUDPRequestGoesOverTCPAndFallsBackToUDP() throws {
        let shared = try SIPServerLocatorTests.DNSServer.freeUDPPort()
        let both = try Node {
            $0.port = shared
            $0.streamListeners = [.init(transport: .tcp, host: "127.0.0.1", port: shared)]
        }
        let udpOnly = try Node()
        let client = try Node()
        // 1500 bytes > 1300: over TCP (the Via says so in the answer), to the same port.
        try send(Self.options(transport: .udp, port: 1, body: 1500), from: client, to: shared)
        #expect(client.wait { $0.count == 1 } == ["response 200 tcp"])
        #expect(try both.onLoop { $0.connectionCount } == 1)
        // Nobody listens on TCP: refused, so UDP after all.
        try send(Self.options(transport: .udp, port: 1, body: 1500), from: client, to: try udpOnly.port(.udp))
        #expect(client.wait { $0.count == 2 } == ["response 200 tcp", "response 200 udp"])
        // A small request stays on UDP.
        try send(Self.options(transport: .udp, port: 1), from: client, to: shared)
        #expect(client.wait { $0.count == 3 }.last == "response 200 udp")
    }

    /// Raw bytes to a listener; returns everything read until the server closes (or 3 s pass).
    func rawExchange(_ bytes: [UInt8], port: Int) throws -> (text: String, closed: Bool) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let collector = Collector()
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).wait()
        try channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).wait()
        let deadline = Date().addingTimeInterval(3)
        while channel.isActive && Date() < deadline { usleep(10_000) }
        let closed = !channel.isActive
        if !closed { try? channel.close().wait() }
        return (String(decoding: collector.collected.withLock { $0 }, as: UTF8.self), closed)
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let collected = Mutex<[UInt8]>([])
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            collected.withLock { $0 += buffer.readableBytesView }
        }
    }

    @Test func pingIsAnsweredAndMissingContentLengthGets400ThenClose() throws {
        let server = try Node { $0.streamListeners = [.init(transport: .tcp, host: "127.0.0.1", port: 0)] }
        var request = Self.options(transport: .tcp, port: 1)
        request.headers.remove(.contentLength)
        let (text, closed) = try rawExchange(Array("\r\n\r\n".utf8) + request.serialized, port: try server.port(.tcp))
        #expect(text.hasPrefix("\r\nSIP/2.0 400 "), "\(text)")
        #expect(text.contains("Content-Length"))
        #expect(closed)
        #expect(server.log.first?.hasPrefix("malformed") == true)
    }

    // MARK: - TLS

    /// A self-signed certificate for 127.0.0.1 and `sip.example.test`, made by openssl.
    static func makeCertificate() throws -> (certificate: String, key: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sip-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=sip.example.test",
            "-addext", "subjectAltName=DNS:sip.example.test,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req -x509 failed")
        return (certificate, key, directory)
    }

    @Test func tlsRequestsNeedAVerifiedCertificateUnlessVerificationIsOff() throws {
        let (certificate, key, directory) = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let listener = try SIPEndpoint.StreamListener.tls(
            host: "127.0.0.1", port: 0, certificate: certificate, privateKey: key)
        let server = try Node { $0.streamListeners = [listener] }
        let port = try server.port(.tls)
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: port)

        // Self-signed: refused by a verifying client, before any timer runs out.
        let strict = try Node()
        try send(Self.options(transport: .tls, port: 1), from: strict, to: port)
        #expect(strict.wait(seconds: 3) { $0.contains("timeout OPTIONS") }.contains("timeout OPTIONS"))

        // Trusted explicitly (by name and by address): accepted.
        let trusting = try Node {
            $0.tlsClient.trustRoots = .certificates(try! NIOSSLCertificate.fromPEMFile(certificate))
        }
        try trusting.onLoop { $0.setPeer(.init(transport: .tls, serverName: "sip.example.test"), at: destination) }
        try send(Self.options(transport: .tls, port: 1), from: trusting, to: port)
        #expect(trusting.wait { !$0.isEmpty } == ["response 200 tls"])

        // verify-tls off: accepted without trusting anything.
        let lax = try Node()
        try lax.onLoop { $0.setPeer(.init(transport: .tls, verifyCertificate: false), at: destination) }
        try send(Self.options(transport: .tls, port: 1), from: lax, to: port)
        #expect(lax.wait { !$0.isEmpty } == ["response 200 tls"])
    }
}
