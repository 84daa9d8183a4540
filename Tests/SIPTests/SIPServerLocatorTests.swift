import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import SIP

/// RFC 3263 location against a real DNS server: dnsmasq on loopback with SRV, A and AAAA records.
@Suite(.serialized) struct SIPServerLocatorTests {
    final class DNSServer {
        let process = Process()
        let port: Int

        init(records: [String]) throws {
            port = try Self.freeUDPPort()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/dnsmasq")
            process.arguments =
                [
                    "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--user=root", "--pid-file=",
                    // Authoritative for the test zone: unknown names get NXDOMAIN, as from a real zone.
                    "--local=/example.test/",
                ] + records
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Ready once it answers on the port.
            for _ in 0..<50 where !Self.answers(port: port) { usleep(100_000) }
        }

        deinit {
            // SIGKILL: a child spawned from a test thread may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        static func freeUDPPort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func answers(port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let query = try! DNSMessage.query(id: 9, name: "probe.test", type: .a).encodedQuery()
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var buffer = [UInt8](repeating: 0, count: 512)
            return recv(fd, &buffer, buffer.count, 0) > 0
        }
    }

    static let records = [
        "--srv-host=_sip._udp.example.test,pbx.example.test,5070,10,60",
        "--srv-host=_sip._udp.example.test,pbx2.example.test,5080,20,0",
        "--srv-host=_sips._tcp.example.test,pbx.example.test,5071,10,0",
        "--host-record=pbx.example.test,127.0.0.2",
        "--host-record=pbx2.example.test,127.0.0.3,::1",
        "--host-record=plain.example.test,127.0.0.4",
    ]

    func withLocator<T: Sendable>(
        _ server: DNSServer, nameserverPort: Int? = nil, timeout: TimeAmount = .seconds(1),
        _ body: @escaping @Sendable (SIPServerLocator) -> EventLoopFuture<T>
    ) throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let nameserver = try SocketAddress(ipAddress: "127.0.0.1", port: nameserverPort ?? server.port)
        return try loop.flatSubmit {
            let resolver = DNSResolver(
                configuration: .init(nameservers: [nameserver], timeout: timeout, attempts: 2), eventLoop: loop)
            let locator = SIPServerLocator(resolver: resolver, random: { $0 })
            let bound = NIOLoopBound(resolver, eventLoop: loop)
            return body(locator).always { _ in bound.value.close() }
        }.wait()
    }

    @Test func srvTargetsInPriorityOrderWithTheirAddresses() throws {
        let server = try DNSServer(records: Self.records)
        let targets = try withLocator(server) { $0.locate(host: "example.test", port: nil, transport: "udp") }
        #expect(
            targets.map { "\($0.address.ipAddress!):\($0.address.port!)" }
                == ["127.0.0.2:5070", "127.0.0.3:5080", "::1:5080"])
    }

    @Test func tlsUsesTheSipsService() throws {
        let server = try DNSServer(records: Self.records)
        let targets = try withLocator(server) { $0.locate(host: "example.test", port: nil, transport: "tls") }
        #expect(targets.map { $0.address.port } == [5071])
    }

    @Test func explicitPortSkipsSRV() throws {
        let server = try DNSServer(records: Self.records)
        let targets = try withLocator(server) { $0.locate(host: "pbx.example.test", port: 5099, transport: "udp") }
        #expect(targets.map { "\($0.address.ipAddress!):\($0.address.port!)" } == ["127.0.0.2:5099"])
    }

    @Test func noSRVFallsBackToAddressRecordsAndDefaultPort() throws {
        let server = try DNSServer(records: Self.records)
        let targets = try withLocator(server) { $0.locate(host: "plain.example.test", port: nil, transport: "udp") }
        #expect(targets.map { "\($0.address.ipAddress!):\($0.address.port!)" } == ["127.0.0.4:5060"])
    }

    @Test func unknownNameFailsClearly() throws {
        let server = try DNSServer(records: Self.records)
        #expect(throws: DNSError("nothing.example.test has no A or AAAA record")) {
            try withLocator(server) { $0.locate(host: "nothing.example.test", port: 5060, transport: "udp") }
        }
    }

    @Test func ipLiteralNeedsNoDNS() throws {
        let server = try DNSServer(records: [])
        let targets = try withLocator(server) { $0.locate(host: "[::1]", port: nil, transport: "tls") }
        #expect(targets.map { $0.address.port } == [5061])
    }

    @Test func silentServerTimesOutAfterRetries() throws {
        let server = try DNSServer(records: [])
        let silentPort = try DNSServer.freeUDPPort()
        let start = Date()
        #expect(throws: DNSError.self) {
            try withLocator(server, nameserverPort: silentPort, timeout: .milliseconds(200)) {
                $0.locate(host: "plain.example.test", port: 5060, transport: "udp")
            }
        }
        #expect(Date().timeIntervalSince(start) < 3)
    }
}
