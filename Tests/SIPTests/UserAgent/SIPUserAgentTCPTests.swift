import Foundation
import NIOCore
import Testing

@testable import SIP

/// `SIPUserAgent` over TCP against sipp (`-t t1`: one connection), as callee and caller.
@Suite(.serialized) struct SIPUserAgentTCPTests {
    typealias Harness = SIPUserAgentTests

    @Test func sippCallsUsOverTCPAndHangsUpOnTheSameConnection() throws {
        let agent = try Harness.Agent(listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)])
        defer { agent.shutdown() }
        let log = Harness.EventLog()
        try agent.answerCalls(log: log)
        let tcpPort = try agent.onLoop { $0.endpoint.localAddress(for: .tcp)!.port! }
        let sipp = try Harness.Sipp(scenario: "call-uac.xml", remote: "127.0.0.1:\(tcpPort)", transport: "t1")
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = Harness().wait(log, "uas") { $0.last == .terminated }
        #expect(events.contains(where: Harness().isRemoteHangUp), "\(events)")
        // Our answer names TCP in Contact, on the TCP listener's port.
        #expect(sipp.messages.contains("Contact: <sip:bridge@127.0.0.1:\(tcpPort);transport=tcp>"), "\(sipp.messages)")
        #expect(sipp.messages.contains("SIP/2.0/TCP"))
        // INVITE, ACK and BYE and every answer used the one connection sipp opened.
        #expect(try agent.onLoop { $0.endpoint.openedConnectionCount } == 1)
    }

    @Test func weCallSippOverTCPAndHangUpOnTheSameConnection() throws {
        let agent = try Harness.Agent(listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)])
        defer { agent.shutdown() }
        let log = Harness.EventLog()
        let sipp = try Harness.Sipp(scenario: "call-uas.xml", transport: "t1")
        try agent.call("sip:service@127.0.0.1:\(sipp.port)", port: sipp.port, log: log, transport: .tcp)
        let (status, output) = sipp.wait()
        #expect(status == 0, "sipp: \(output)")
        let events = Harness().wait(log, "uac") { $0.last == .terminated }
        #expect(events.contains(where: Harness().isAnswered), "\(events)")
        #expect(events.last == .terminated)
        // Via and Contact name TCP; INVITE, ACK and BYE went over the one connection we opened.
        let tcpPort = try agent.onLoop { $0.endpoint.localAddress(for: .tcp)!.port! }
        #expect(sipp.messages.contains("Via: SIP/2.0/TCP 127.0.0.1:\(tcpPort);"), "\(sipp.messages)")
        #expect(sipp.messages.contains(";transport=tcp>"))
        #expect(sipp.messages.contains("BYE sip:"))
        #expect(try agent.onLoop { $0.endpoint.openedConnectionCount } == 1)
    }
}
