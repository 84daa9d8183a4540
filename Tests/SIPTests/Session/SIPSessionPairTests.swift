import NIOCore
import Testing

@testable import SIP

/// A caller (`SIPInviteClientSession`) and a callee (`SIPInviteServerSession`) talking through two
/// `SIPTransactionLayer`s in virtual time over a network that can drop datagrams: the sessions'
/// rules working with the real transactions (retransmissions, Accepted state, 2xx outside them).
@Suite struct SIPSessionPairTests {
    typealias T = SessionTest

    /// The two user agents and the network between them.
    final class Pair {
        let callerAddress = try! SocketAddress(ipAddress: "192.0.2.1", port: 5060)
        let calleeAddress = try! SocketAddress(ipAddress: "192.0.2.2", port: 5060)
        var now = SessionTest.t0
        var callerLayer: SIPTransactionLayer
        var calleeLayer: SIPTransactionLayer
        var caller: SIPInviteClientSession
        var callee: SIPInviteServerSession?
        let calleeConfiguration: SIPSessionConfiguration
        var callerEvents: [SIPSessionEvent] = []
        var calleeEvents: [SIPSessionEvent] = []
        /// Every datagram put on the wire, with whether it reached its destination.
        var wire: [(message: SIPMessage, toCallee: Bool, delivered: Bool)] = []
        /// Decides which datagrams the network loses.
        var drop: (SIPMessage, _ toCallee: Bool) -> Bool = { _, _ in false }
        /// What the callee's application does with each event (the session is the pair's).
        var calleeApp: (Pair, SIPSessionEvent) -> Void = { _, _ in }
        var callerApp: (Pair, SIPSessionEvent) -> Void = { _, _ in }
        /// What the callee's application does with a new call.
        var onNewCall: (Pair) -> Void = { _ in }
        private var queue: [(SIPMessage, toCallee: Bool)] = []

        init(
            callerRandom: Int, calleeRandom: Int, caller adjustCaller: (inout SIPSessionConfiguration) -> Void = { _ in },
            callee adjustCallee: (inout SIPSessionConfiguration) -> Void = { _ in }
        ) throws {
            let timers = SIPTimers()
            callerLayer = SIPTransactionLayer(timers: timers)
            calleeLayer = SIPTransactionLayer(timers: timers)
            var callerConfiguration = SIPSessionConfiguration(
                contact: try SIPURI(parsing: "sip:caller@192.0.2.1"), random: T.FixedRandom(callerRandom).function)
            adjustCaller(&callerConfiguration)
            var calleeConfiguration = SIPSessionConfiguration(
                contact: try SIPURI(parsing: "sip:callee@192.0.2.2"), random: T.FixedRandom(calleeRandom).function)
            adjustCallee(&calleeConfiguration)
            self.calleeConfiguration = calleeConfiguration
            let invite = SIPInviteClientSession.makeInvite(
                SIPInviteParameters(
                    requestURI: try SIPAnyURI(parsing: "sip:callee@192.0.2.2"),
                    from: SIPNameAddress(uri: try SIPURI(parsing: "sip:caller@example.test")), sdp: T.offer),
                configuration: callerConfiguration)
            caller = try SIPInviteClientSession(invite: invite, peer: calleeAddress, configuration: callerConfiguration)
        }

        func start() {
            callerPerform(caller.start(now: now))
            run(for: .milliseconds(1))
        }

        func callerPerform(_ actions: [SIPSessionAction]) {
            for action in actions {
                switch action {
                case .sendRequest(let request, let to):
                    network(callerLayer.send(request, to: to, now: now), fromCaller: true)
                case .sendResponse(let response, let request):
                    network(callerLayer.respond(response, to: request, now: now), fromCaller: true)
                case .event(let event):
                    callerEvents.append(event)
                    callerApp(self, event)
                }
            }
        }

        func calleePerform(_ actions: [SIPSessionAction]) {
            for action in actions {
                switch action {
                case .sendRequest(let request, let to):
                    network(calleeLayer.send(request, to: to, now: now), fromCaller: false)
                case .sendResponse(let response, let request):
                    network(calleeLayer.respond(response, to: request, now: now), fromCaller: false)
                case .event(let event):
                    calleeEvents.append(event)
                    calleeApp(self, event)
                }
            }
        }

        private func network(_ actions: [SIPTransactionLayer.Action], fromCaller: Bool) {
            for action in actions {
                switch action {
                case .send(let message, _):
                    let lost = drop(message, fromCaller)
                    wire.append((message, fromCaller, !lost))
                    if !lost { queue.append((message, fromCaller)) }
                case .request(let request, _):
                    fromCaller ? callerRequest(request) : calleeRequest(request)
                case .response(let response):
                    if fromCaller {
                        callerPerform(caller.receive(response: response, now: now))
                    } else {
                        calleePerform(callee?.receive(response: response, now: now) ?? [])
                    }
                case .requestTimedOut(let request):
                    if fromCaller {
                        callerPerform(caller.requestTimedOut(request, now: now))
                    } else {
                        calleePerform(callee?.requestTimedOut(request, now: now) ?? [])
                    }
                }
            }
        }

        private func callerRequest(_ request: SIPMessage) {
            callerPerform(caller.receive(request: request, now: now))
        }

        private func calleeRequest(_ request: SIPMessage) {
            if callee == nil, request.method == .invite {
                callee = try? SIPInviteServerSession(
                    invite: request, source: callerAddress, configuration: calleeConfiguration)
                onNewCall(self)
                return
            }
            calleePerform(callee?.receive(request: request, now: now) ?? [])
        }

        /// Delivers datagrams and fires timers in order until `duration` has passed.
        func run(for duration: TimeAmount) {
            let end = now + duration
            var spins = 0
            while true {
                spins += 1
                if spins > 100_000 {
                    Issue.record(
                        "run(for:) is not advancing at \(now): caller layer \(String(describing: callerLayer.nextDeadline)), callee layer \(String(describing: calleeLayer.nextDeadline)), caller \(String(describing: caller.nextDeadline)) \(caller.state), callee \(String(describing: callee?.nextDeadline)) \(String(describing: callee?.state))")
                    return
                }
                while !queue.isEmpty {
                    let (message, toCallee) = queue.removeFirst()
                    let source = toCallee ? callerAddress : calleeAddress
                    if toCallee {
                        network(calleeLayer.receive(message, from: source, now: now), fromCaller: false)
                    } else {
                        network(callerLayer.receive(message, from: source, now: now), fromCaller: true)
                    }
                }
                // A finished session keeps its last deadline; a driver forgets it instead.
                let callerDeadline = caller.isFinished(now: now) ? nil : caller.nextDeadline
                let calleeDeadline = callee.flatMap { $0.isFinished(now: now) ? nil : $0.nextDeadline }
                let deadlines = [callerLayer.nextDeadline, calleeLayer.nextDeadline, callerDeadline, calleeDeadline]
                    .compactMap { $0 }
                guard let next = deadlines.min(), next <= end else { break }
                now = max(now, next)
                if let d = callerLayer.nextDeadline, d <= now {
                    network(callerLayer.timerFired(now: now), fromCaller: true)
                }
                if let d = calleeLayer.nextDeadline, d <= now {
                    network(calleeLayer.timerFired(now: now), fromCaller: false)
                }
                if let d = callerDeadline, d <= now { callerPerform(caller.timerFired(now: now)) }
                if let d = calleeDeadline, d <= now { calleePerform(callee!.timerFired(now: now)) }
            }
            now = end
        }

        func sent(_ method: SIPMethod, byCaller: Bool) -> Int {
            wire.filter { $0.toCallee == byCaller && $0.message.method == method }.count
        }

        func responses(_ status: Int, cseq: SIPMethod) -> Int {
            wire.filter { !$0.toCallee && $0.message.statusCode == status && (try? $0.message.cseq)??.method == cseq }
                .count
        }
    }

    /// The callee rings and answers at once.
    static func answering(_ pair: Pair) {
        pair.calleePerform(pair.callee!.ring(now: pair.now))
        pair.calleePerform(pair.callee!.answer(sdp: T.answer, now: pair.now))
    }

    func isAcknowledged(_ event: SIPSessionEvent) -> Bool {
        if case .acknowledged = event { true } else { false }
    }

    @Test func aLostAckIsRecoveredByThe2xxRetransmission() throws {
        let pair = try Pair(callerRandom: 250, calleeRandom: 50)
        pair.onNewCall = Self.answering
        var acks = 0
        pair.drop = { message, toCallee in
            guard toCallee, message.method == .ack else { return false }
            acks += 1
            return acks == 1
        }
        pair.start()
        pair.run(for: .seconds(2))
        // The callee's session retransmitted the 200 at T1; the caller's INVITE transaction, in
        // its RFC 6026 Accepted state, passed it up and the session ACKed it again.
        #expect(pair.responses(200, cseq: .invite) == 2)
        #expect(pair.sent(.ack, byCaller: true) == 2)
        #expect(pair.calleeEvents.filter(isAcknowledged).count == 1)
        #expect(pair.callee?.state == .confirmed)
        #expect(pair.caller.state == .confirmed)

        pair.callerPerform(pair.caller.hangUp(now: pair.now))
        pair.run(for: .seconds(1))
        #expect(pair.caller.state == .terminated)
        #expect(pair.callee?.state == .terminated)
        #expect(pair.callerEvents.last == .terminated)
        #expect(pair.calleeEvents.last == .terminated)
    }

    @Test func aLostInviteIsRetransmittedByTimerA() throws {
        let pair = try Pair(callerRandom: 250, calleeRandom: 50)
        pair.onNewCall = Self.answering
        var invites = 0
        pair.drop = { message, toCallee in
            if toCallee && message.method == .invite {
                invites += 1
                return invites == 1  // Timer A resends it after T1
            }
            return false
        }
        pair.start()
        pair.run(for: .seconds(2))
        #expect(pair.sent(.invite, byCaller: true) == 2)
        #expect(pair.callerEvents.contains { if case .answered = $0 { true } else { false } })
        #expect(pair.calleeEvents.filter(isAcknowledged).count == 1)
    }

    @Test func simultaneousReinvitesResolveTheGlare() throws {
        // Callee retries after 0.5 s, caller after 2.5 s: both 491s are resolved in turn (14.1).
        let pair = try Pair(callerRandom: 250, calleeRandom: 50)
        pair.onNewCall = Self.answering
        pair.calleeApp = { pair, event in
            if case .reinviteReceived(let request) = event {
                pair.calleePerform(pair.callee!.answer(reinvite: request, sdp: T.answer, now: pair.now))
            }
        }
        pair.callerApp = { pair, event in
            if case .reinviteReceived(let request) = event {
                pair.callerPerform(pair.caller.answer(reinvite: request, sdp: T.offer, now: pair.now))
            }
        }
        pair.start()
        pair.run(for: .seconds(1))
        #expect(pair.caller.canSendOffer)
        #expect(pair.callee?.canSendOffer == true)
        // Both send a re-INVITE at the same instant: each answers the other's with 491.
        pair.callerPerform(pair.caller.reinvite(sdp: T.offer, now: pair.now))
        pair.calleePerform(pair.callee!.reinvite(sdp: T.answer, now: pair.now))
        pair.run(for: .milliseconds(100))
        #expect(pair.wire.filter { $0.message.statusCode == 491 }.count == 2)
        pair.run(for: .seconds(5))
        let callerAnswered = pair.callerEvents.filter { if case .reinviteAnswered = $0 { true } else { false } }
        let calleeAnswered = pair.calleeEvents.filter { if case .reinviteAnswered = $0 { true } else { false } }
        #expect(callerAnswered.count == 1)
        #expect(calleeAnswered.count == 1)
        #expect(pair.sent(.invite, byCaller: true) == 3)  // INVITE, re-INVITE, retry
        #expect(pair.sent(.invite, byCaller: false) == 2)  // re-INVITE, retry
        #expect(pair.caller.canSendOffer)
        #expect(pair.callee?.canSendOffer == true)
        #expect(!pair.callerEvents.contains(.terminated))
    }
}
