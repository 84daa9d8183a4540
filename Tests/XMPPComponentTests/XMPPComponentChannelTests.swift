import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import XMPPComponent
@testable import XMPPCore

/// The component driven through its real stream handler on an `EmbeddedChannel`, in virtual time.
@Suite struct XMPPComponentChannelTests {
    final class Harness {
        let loop = EmbeddedEventLoop()
        var channels: [EmbeddedChannel] = []
        var component: XMPPComponent!

        init(pingInterval: TimeAmount = .seconds(30)) throws {
            let settings = ComponentLinkStateMachine.Settings(
                domain: "sip.localhost", secret: "secret", reconnectMin: .seconds(1), reconnectMax: .seconds(4),
                pingInterval: pingInterval, pingTimeout: .seconds(5))
            component = try XMPPComponent(
                configuration: .init(host: "127.0.0.1", port: 5347, link: settings), eventLoop: loop,
                logger: Logger(label: "test"), random: { 0 }
            ) { [unowned self] _, handler in
                let channel = EmbeddedChannel(handler: handler, loop: self.loop)
                self.channels.append(channel)
                return channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 5347))
            }
        }

        var channel: EmbeddedChannel { channels.last! }

        func outbound() throws -> [String] {
            var out: [String] = []
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
            return out
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
        }

        func bringOnline(streamID: String = "s1") throws {
            component.start()
            _ = try outbound()
            try receive(
                "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' "
                    + "from='sip.localhost' id='\(streamID)'>")
            #expect(try outbound() == ["<handshake>\(SHA1.hexDigest(streamID + "secret"))</handshake>"])
            try receive("<handshake/>")
        }
    }

    @Test func handshakeThenRoutesIQs() throws {
        let harness = try Harness()
        var onlineCount = 0
        harness.component.onOnline { onlineCount += 1 }
        harness.component.router.registerIQ(namespace: Namespace.ping) { _, responder in responder.result() }
        try harness.bringOnline()
        #expect(harness.component.status == .online)
        #expect(onlineCount == 1)
        try harness.receive("<iq type='get' id='p1' from='alice@localhost/x' to='sip.localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
        #expect(try harness.outbound() == ["<iq type='result' id='p1' from='sip.localhost' to='alice@localhost/x'/>"])
        try harness.receive("<iq type='get' id='p2' from='alice@localhost/x' to='sip.localhost'><q xmlns='urn:nope'/></iq>")
        let error = try harness.outbound().joined()
        #expect(error.contains("service-unavailable") && error.contains("id='p2'"))
    }

    @Test func malformedXMLClosesWithStreamErrorAndReconnects() throws {
        let harness = try Harness()
        try harness.bringOnline()
        try? harness.receive("<iq><!-- comment --></iq>")
        let out = try harness.outbound().joined()
        #expect(out.contains("<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(harness.component.status == .offline)
        harness.loop.advanceTime(by: .milliseconds(500))
        #expect(harness.channels.count == 2)
        #expect(harness.component.status == .connecting)
        try harness.bringOnlineAgain()
        #expect(harness.component.reconnects == 1)
    }

    @Test func stanzasQueuedWhileOfflineAreSentAfterReconnect() throws {
        let harness = try Harness()
        try harness.bringOnline()
        try harness.channel.close().wait()
        let message = XMLElement(
            "message", namespace: Namespace.component, ["from": "+1555@sip.localhost", "to": "alice@localhost"])
        harness.component.send(message)
        harness.loop.advanceTime(by: .milliseconds(500))
        try harness.bringOnlineAgain()
        #expect(try harness.outbound() == ["<message from='+1555@sip.localhost' to='alice@localhost'/>"])
    }

    @Test func stanzaFromOutsideTheDomainIsNeverSent() throws {
        let harness = try Harness()
        try harness.bringOnline()
        harness.component.send(XMLElement("message", namespace: Namespace.component, ["from": "x@other", "to": "a@b"]))
        #expect(try harness.outbound() == [])
    }

    @Test func keepaliveTimeoutReconnects() throws {
        let harness = try Harness(pingInterval: .seconds(10))
        try harness.bringOnline()
        harness.loop.advanceTime(by: .seconds(10))
        let ping = try harness.outbound().joined()
        #expect(ping.contains("urn:xmpp:ping"))
        harness.loop.advanceTime(by: .seconds(5))
        #expect(try harness.outbound().joined().contains("connection-timeout"))
        #expect(harness.component.status == .offline)
        harness.loop.advanceTime(by: .milliseconds(500))
        #expect(harness.channels.count == 2)
    }

    @Test func requestTimesOutAndIsFailedOnLinkLoss() throws {
        let harness = try Harness()
        try harness.bringOnline()
        let iq = XMLElement.iq(
            type: "get", id: "r1", from: try JID("sip.localhost"), to: try JID("alice@localhost/x"),
            payload: XMLElement("ping", namespace: Namespace.ping))
        let future = harness.component.request(iq, timeout: .seconds(3))
        var failure: Error?
        future.whenFailure { failure = $0 }
        harness.loop.advanceTime(by: .seconds(3))
        #expect(failure as? StanzaError == .remoteServerTimeout)
        let second = harness.component.request(iq)
        var secondFailure: StanzaError?
        second.whenFailure { secondFailure = $0 as? StanzaError }
        try harness.channel.close().wait()
        #expect(secondFailure?.condition == "remote-server-timeout")
    }
}

extension XMPPComponentChannelTests.Harness {
    func bringOnlineAgain() throws {
        _ = try outbound()
        try receive(
            "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s2'>")
        _ = try outbound()
        try receive("<handshake/>")
    }
}
