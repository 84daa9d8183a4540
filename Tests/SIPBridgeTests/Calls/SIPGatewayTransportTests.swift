import Foundation
import Logging
import NIOCore
import NIOPosix
import SIP
import Testing

@testable import SIPBridge

/// How `<listen>` and `<trunk transport>` reach the SIP endpoint.
@Suite struct SIPGatewayTransportTests {
    let logger = Logger(label: "test")

    @Test func streamListenersFollowTheListenElements() throws {
        let listeners = try SIPGateway.streamListeners(
            [
                SIPListener(transport: .udp, address: "127.0.0.1", port: 5070),
                SIPListener(transport: .tcp, address: "127.0.0.1", port: 5070),
                SIPListener(transport: .ws, address: "127.0.0.1", port: 5066),
            ])
        #expect(listeners.map(\.transport) == [.tcp, .ws])
        #expect(listeners.map(\.port) == [5070, 5066])
    }

    @Test func tlsListenerWhoseFilesCannotBeLoadedRefusesToStart() {
        let missing = "/nonexistent-\(UUID().uuidString)/cert.pem"
        let listener = SIPListener(
            transport: .tls, address: "127.0.0.1", port: 5061, certificate: missing, privateKey: "/nonexistent/key.pem")
        do {
            _ = try SIPGateway.streamListeners([listener])
            Issue.record("loaded a certificate that does not exist")
        } catch {
            #expect("\(error)".contains(missing), "\(error)")
            #expect("\(error)".contains("private-key"))
        }
    }

    @Test func trunkDestinationsCarryTheTrunkTransportAndTLSPolicy() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        var settings = SIPSettings()
        settings.listeners = [SIPListener(transport: .udp, address: "127.0.0.1", port: 0)]
        var tls = TrunkConfiguration(name: "carrier", uri: try #require(TrunkURI(parsing: "sips:192.0.2.20")))
        tls.transport = .tls
        tls.verifyTLS = false
        var tcp = TrunkConfiguration(name: "pbx", uri: try #require(TrunkURI(parsing: "sip:192.0.2.30:5080")))
        tcp.transport = .tcp
        settings.trunks = [tls, tcp]
        let logger = self.logger
        let peers = try loop.flatSubmit { () -> EventLoopFuture<[(SocketAddress, SIPEndpoint.Peer?)]> in
            guard let gateway = try? SIPGateway(settings: settings, eventLoop: loop, logger: logger) else {
                return loop.makeFailedFuture(SIPTransportError("no gateway"))
            }
            let endpoint = gateway.userAgent.endpoint
            return gateway.destination(for: tls).and(gateway.destination(for: tcp)).assumeIsolated().map {
                first, second in
                [(first, endpoint.peer(at: first)), (second, endpoint.peer(at: second))]
            }.nonisolated()
        }.wait()
        // No port: 5061 for TLS (RFC 3261 19.1.2); verify-tls="false" reaches the endpoint.
        #expect(peers[0].0 == (try SocketAddress(ipAddress: "192.0.2.20", port: 5061)))
        #expect(peers[0].1 == SIPEndpoint.Peer(transport: .tls, serverName: "192.0.2.20", verifyCertificate: false))
        #expect(peers[1].0 == (try SocketAddress(ipAddress: "192.0.2.30", port: 5080)))
        #expect(peers[1].1 == SIPEndpoint.Peer(transport: .tcp, serverName: "192.0.2.30", verifyCertificate: true))
    }
}
