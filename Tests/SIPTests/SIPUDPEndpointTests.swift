import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SIP

/// The UDP endpoint and transaction layer against a real SIP peer: sipp (Debian's sip-tester).
@Suite(.serialized) struct SIPUDPEndpointTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("SIPp")

    /// Runs one sipp scenario against an endpoint on loopback; returns sipp's exit status and output.
    func runSipp(scenario: String, tu: @escaping @Sendable (SIPUDPEndpoint, SIPMessage) -> Void) throws -> (Int32, String) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let endpoint = try loop.submit {
            let holder = EndpointHolder()
            let endpoint = SIPUDPEndpoint(
                configuration: .init(host: "127.0.0.1", port: 0, timers: SIPTimers(t1: .milliseconds(100))),
                eventLoop: loop
            ) { event in
                if case .request(let request, _) = event, let endpoint = holder.endpoint { tu(endpoint, request) }
            }
            holder.endpoint = endpoint
            return NIOLoopBound(endpoint, eventLoop: loop)
        }.wait()
        try loop.flatSubmit { endpoint.value.start() }.wait()
        let port = try loop.submit { endpoint.value.localAddress!.port! }.wait()
        defer { try? loop.flatSubmit { endpoint.value.stop() }.wait() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = [
            "127.0.0.1:\(port)", "-sf", Self.scenarios.appendingPathComponent(scenario).path, "-m", "1",
            "-i", "127.0.0.1", "-p", String(try SIPServerLocatorTests.DNSServer.freeUDPPort()), "-timeout", "10s", "-timeout_error", "-nostdin", "-trace_err",
            "-error_file", "/dev/stderr",
        ]
        let output = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }

    @Test func optionsAnsweredWithCapabilitiesAndRport() throws {
        let (status, output) = try runSipp(scenario: "options-uac.xml") { _, _ in }
        #expect(status == 0, "sipp: \(output)")
    }

    @Test func inviteRejectedByTheTUIsAcknowledged() throws {
        let (status, output) = try runSipp(scenario: "invite-busy-uac.xml") { endpoint, request in
            // Answer after the 200 ms automatic 100 Trying.
            endpoint.eventLoop.scheduleTask(in: .milliseconds(300)) {
                endpoint.respond(SIPMessage.makeResponse(to: request, status: 486), to: request)
            }
        }
        #expect(status == 0, "sipp: \(output)")
    }

    @Test func malformedRequestGets400NamingTheProblem() throws {
        let (status, output) = try runSipp(scenario: "bad-max-forwards-uac.xml") { _, _ in }
        #expect(status == 0, "sipp: \(output)")
    }
}

/// Lets the endpoint's event closure reach the endpoint created after it (same loop only).
final class EndpointHolder: @unchecked Sendable {
    // Written once before the endpoint starts and read only on the endpoint's loop afterwards.
    var endpoint: SIPUDPEndpoint?
}
