import NIOCore
import Testing

@testable import SIP

@Suite struct SIPTransactionLayerTests {
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let source = try! SocketAddress(ipAddress: "198.51.100.7", port: 40000)

    func options(via: String) -> SIPMessage {
        SIPTransactionTests.message(
            """
            OPTIONS sip:bridge@example.org SIP/2.0
            Via: \(via)
            Max-Forwards: 70
            From: <sip:a@example.com>;tag=1
            To: <sip:bridge@example.org>
            Call-ID: x1
            CSeq: 1 OPTIONS
            Content-Length: 0


            """)
    }

    @Test func rportRequestIsAnsweredToItsSourceAndStamped() throws {
        var layer = SIPTransactionLayer()
        let request = options(via: "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP proxy.example.com")
        let actions = layer.receive(request, from: source, now: t0)
        guard case .request(let stamped, _) = actions.first else { Issue.record("no request"); return }
        #expect(stamped.headers[.via] == "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport=40000;received=198.51.100.7, SIP/2.0/UDP proxy.example.com")
        let response = SIPMessage.makeResponse(to: stamped, status: 200)
        #expect(layer.respond(response, to: stamped, now: t0) == [.send(response, to: source)])
        // A retransmission is absorbed: the same response again, nothing for the TU.
        #expect(layer.receive(request, from: source, now: t0 + .seconds(1)) == [.send(response, to: source)])
    }

    @Test func withoutRportTheResponseGoesToReceivedAndSentByPort() throws {
        var layer = SIPTransactionLayer()
        let request = options(via: "SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKb")
        guard case .request(let stamped, _) = layer.receive(request, from: source, now: t0).first else {
            Issue.record("no request"); return
        }
        let response = SIPMessage.makeResponse(to: stamped, status: 200)
        #expect(layer.respond(response, to: stamped, now: t0) == [.send(response, to: try SocketAddress(ipAddress: "198.51.100.7", port: 5070))])
    }

    @Test func clientResponsesAreMatchedByBranchAndMethod() throws {
        var layer = SIPTransactionLayer()
        let request = options(via: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKc")
        #expect(layer.send(request, to: source, now: t0) == [.send(request, to: source)])
        let ok = SIPMessage.makeResponse(to: request, status: 200)
        #expect(layer.receive(ok, from: source, now: t0 + .milliseconds(10)) == [.response(ok)])
        var stray = ok
        stray.headers.set(.via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKother")
        #expect(layer.receive(stray, from: source, now: t0) == [])
        // Timer K then removes the transaction.
        _ = layer.timerFired(now: t0 + .seconds(6))
        #expect(layer.transactionCount == 0)
    }

    @Test func unansweredClientRequestTimesOut() {
        var layer = SIPTransactionLayer(timers: SIPTimers(t1: .milliseconds(100)))
        let request = options(via: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKd")
        _ = layer.send(request, to: source, now: t0)
        var timedOut = false
        while let next = layer.nextDeadline {
            if layer.timerFired(now: next).contains(.requestTimedOut(request)) { timedOut = true }
        }
        #expect(timedOut)
        #expect(layer.transactionCount == 0)
    }

    // MARK: - Reliable transports (TCP, TLS)

    @Test func reliableResponsesGoBackToTheConnectionEvenWithoutRport() throws {
        var layer = SIPTransactionLayer(isReliable: true)
        let request = options(via: "SIP/2.0/TCP 10.0.0.5:5070;branch=z9hG4bKr")
        guard case .request(let stamped, _) = layer.receive(request, from: source, now: t0).first else {
            Issue.record("no request"); return
        }
        #expect(layer.hasServerTransaction(for: stamped))
        let response = SIPMessage.makeResponse(to: stamped, status: 200)
        // 18.2.2: the connection's address, not received/sent-by port.
        #expect(layer.respond(response, to: stamped, now: t0) == [.send(response, to: source)])
        // Timer J is zero over reliable transports: nothing lingers.
        _ = layer.timerFired(now: t0)
        #expect(layer.transactionCount == 0)
    }

    @Test func reliableClientRequestIsNeverRetransmitted() {
        var layer = SIPTransactionLayer(timers: SIPTimers(t1: .milliseconds(100)), isReliable: true)
        let request = options(via: "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKe")
        #expect(layer.send(request, to: source, now: t0) == [.send(request, to: source)])
        var sends = 0
        var timedOut = false
        while let next = layer.nextDeadline {
            for action in layer.timerFired(now: next) {
                if case .send = action { sends += 1 }
                if action == .requestTimedOut(request) { timedOut = true }
            }
        }
        #expect(sends == 0)  // Timer E is off (17.1.2.2); only Timer F runs.
        #expect(timedOut)
    }

    @Test func transportFailureEndsTheClientTransactionAtOnce() {
        var layer = SIPTransactionLayer(isReliable: true)
        let request = options(via: "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKf")
        _ = layer.send(request, to: source, now: t0)
        #expect(layer.transportFailed(for: request) == [.requestTimedOut(request)])
        #expect(layer.transactionCount == 0)
        #expect(layer.transportFailed(for: request) == [])
    }
}
