import NIOCore
import Testing

@testable import XMPPComponent
@testable import XMPPCore

@Suite struct ComponentLinkStateMachineTests {
    static let settings = ComponentLinkStateMachine.Settings(
        domain: "sip.localhost", secret: "s3cret", reconnectMin: .seconds(1), reconnectMax: .seconds(8),
        pingInterval: .seconds(30), pingTimeout: .seconds(10))
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func header(id: String?) -> XMLStreamEvent {
        .streamOpen(XMLElement("stream", namespace: Namespace.streams, ["id": id]))
    }

    func online(_ machine: inout ComponentLinkStateMachine, at now: NIODeadline) {
        _ = machine.start()
        _ = machine.connected(now: now)
        _ = machine.received(header(id: "abc"), now: now)
        _ = machine.received(.stanza(XMLElement("handshake", namespace: Namespace.component)), now: now)
    }

    @Test func handshakeUsesSHA1OfStreamIDAndSecret() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        #expect(machine.start() == [.connect])
        let opened = machine.connected(now: t0)
        #expect(opened.count == 1)
        guard case .send(let text) = opened.first else { Issue.record("no header"); return }
        #expect(text.contains("to='sip.localhost'") && text.contains("xmlns='jabber:component:accept'"))
        #expect(machine.received(header(id: "abc"), now: t0) == [.send("<handshake>\(SHA1.hexDigest("abcs3cret"))</handshake>")])
        let actions = machine.received(.stanza(XMLElement("handshake", namespace: Namespace.component)), now: t0)
        #expect(actions.contains(.becameOnline))
        #expect(machine.isOnline)
        #expect(machine.nextDeadline == t0 + .seconds(30))
    }

    @Test func headerWithoutIDClosesTheStream() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        _ = machine.start()
        _ = machine.connected(now: t0)
        let actions = machine.received(header(id: nil), now: t0)
        #expect(actions.count == 1)
        guard case .close(let streamError, _) = actions.first else { Issue.record("no close"); return }
        #expect(streamError == "invalid-xml")
    }

    @Test(arguments: [
        ("not-authorized", "refused the component secret"),
        ("conflict", "already connected"),
        ("host-unknown", "no component configured"),
    ])
    func streamErrorsAreExplained(condition: String, phrase: String) {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        _ = machine.start()
        _ = machine.connected(now: t0)
        _ = machine.received(header(id: "x"), now: t0)
        let error = XMLElement(
            "error", namespace: Namespace.streams, elements: [XMLElement(condition, namespace: Namespace.streamErrors)])
        let actions = machine.received(.stanza(error), now: t0)
        guard case .log(.error, let message) = actions.first else { Issue.record("no log"); return }
        #expect(message.contains(phrase))
        #expect(actions.contains { if case .close = $0 { true } else { false } })
    }

    /// Backoff doubles from the minimum to the cap; jitter of 0 keeps half of it, 0.999 nearly all.
    @Test func backoffDoublesUpToTheCapWithJitter() {
        var jitter = 0.0
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { jitter })
        _ = machine.start()
        var now = t0
        var delays: [TimeAmount] = []
        for _ in 0..<6 {
            _ = machine.connectFailed(now: now, reason: "refused")
            let deadline = machine.nextDeadline!
            delays.append(deadline - now)
            now = deadline
            #expect(machine.timerFired(now: now) == [.connect])
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        jitter = 0.999
        _ = machine.connectFailed(now: now, reason: "refused")
        #expect(machine.nextDeadline! - now == .nanoseconds(7_996_000_000))
    }

    @Test func timerBeforeDeadlineDoesNothing() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        _ = machine.start()
        _ = machine.connectFailed(now: t0, reason: "x")
        #expect(machine.timerFired(now: t0 + .milliseconds(100)) == [])
    }

    @Test func reconnectAfterOnlineResetsBackoffAndCountsReconnects() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        online(&machine, at: t0)
        #expect(machine.reconnects == 0)
        _ = machine.disconnected(now: t0 + .seconds(5), reason: "gone")
        #expect(machine.nextDeadline == t0 + .seconds(5) + .milliseconds(500))
        _ = machine.timerFired(now: machine.nextDeadline!)
        _ = machine.connected(now: t0 + .seconds(6))
        _ = machine.received(header(id: "def"), now: t0 + .seconds(6))
        _ = machine.received(.stanza(XMLElement("handshake", namespace: Namespace.component)), now: t0 + .seconds(6))
        #expect(machine.reconnects == 1)
        #expect(machine.failedAttempts == 0)
    }

    @Test func keepaliveDetectsADeadLink() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        online(&machine, at: t0)
        let pingTime = t0 + .seconds(30)
        let actions = machine.timerFired(now: pingTime)
        guard case .send(let ping) = actions.first else { Issue.record("no ping"); return }
        #expect(ping.contains("urn:xmpp:ping") && ping.contains("to='sip.localhost'"))
        #expect(machine.nextDeadline == pingTime + .seconds(10))
        let timeout = machine.timerFired(now: pingTime + .seconds(10))
        #expect(timeout.contains(.close(streamError: "connection-timeout", reason: "keepalive timeout")))
    }

    @Test func answeredKeepaliveIsConsumed() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        online(&machine, at: t0)
        _ = machine.timerFired(now: t0 + .seconds(30))
        let answer = XMLElement("iq", namespace: Namespace.component, ["type": "result", "id": "keepalive-1"])
        #expect(machine.received(.stanza(answer), now: t0 + .seconds(31)) == [])
        #expect(machine.nextDeadline == t0 + .seconds(60))
        let other = XMLElement("iq", namespace: Namespace.component, ["type": "result", "id": "other"])
        #expect(machine.received(.stanza(other), now: t0 + .seconds(31)) == [.deliver(other)])
    }

    @Test func handshakeTimeout() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        _ = machine.start()
        _ = machine.connected(now: t0)
        #expect(machine.nextDeadline == t0 + .seconds(10))
        let actions = machine.timerFired(now: t0 + .seconds(10))
        guard case .close(let condition, _) = actions.first else { Issue.record("no close"); return }
        #expect(condition == "connection-timeout")
    }

    @Test func stopClosesAndNeverReconnects() {
        var machine = ComponentLinkStateMachine(settings: Self.settings, random: { 0 })
        online(&machine, at: t0)
        #expect(machine.stop().first == .send("</stream:stream>"))
        #expect(machine.disconnected(now: t0, reason: "closed") == [])
        #expect(machine.nextDeadline == nil)
    }
}
