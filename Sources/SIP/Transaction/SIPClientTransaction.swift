import NIOCore

/// RFC 3261 section 17.1 client transactions, INVITE (17.1.1, with the RFC 6026 Accepted state) and
/// non-INVITE (17.1.2), sans-IO: inputs are responses, timer expiries and transport errors with the
/// current time; outputs are messages to send and responses for the transaction user.
public struct SIPClientTransaction {
    public enum State: Equatable, Sendable {
        case calling  // INVITE, request sent
        case trying  // non-INVITE, request sent
        case proceeding
        case accepted  // INVITE got a 2xx (RFC 6026 section 7.2)
        case completed
        case terminated
    }

    public enum Action: Equatable, Sendable {
        /// (Re)transmit to the transport.
        case send(SIPMessage)
        /// A response for the transaction user.
        case deliver(SIPMessage)
        /// Timer B or F: no final response; the TU acts as on a 408 (RFC 3261 8.1.3.1).
        case timedOut
        /// The transport failed; the TU acts as on a 503 (RFC 3261 8.1.3.1).
        case transportFailed
        case terminated
    }

    public let request: SIPMessage
    public let isInvite: Bool
    public let isReliable: Bool
    public let timers: SIPTimers
    public private(set) var state: State
    /// RFC 3261 17.1.3: the branch and CSeq method that match responses to this transaction.
    public let branch: String

    private var retransmitAt: NIODeadline?
    private var retransmitInterval: TimeAmount
    private var timeoutAt: NIODeadline?
    private var lingerUntil: NIODeadline?
    private var ack: SIPMessage?

    /// Starts the transaction; the first action sends the request.
    public init(request: SIPMessage, isReliable: Bool, timers: SIPTimers = SIPTimers(), now: NIODeadline) {
        self.request = request
        self.isInvite = request.method == .invite
        self.isReliable = isReliable
        self.timers = timers
        self.branch = (try? request.topVia)??.branch ?? ""
        self.state = isInvite ? .calling : .trying
        self.retransmitInterval = timers.t1
        // Timers A and E run only over unreliable transports (17.1.1.2, 17.1.2.2).
        self.retransmitAt = isReliable ? nil : now + timers.t1
        self.timeoutAt = now + timers.transactionTimeout
    }

    /// The first action: send the request.
    public var start: [Action] { [.send(request)] }

    /// When `timerFired` must next be called.
    public var nextDeadline: NIODeadline? {
        [retransmitAt, timeoutAt, lingerUntil].compactMap { $0 }.min()
    }

    public mutating func receive(_ response: SIPMessage, now: NIODeadline) -> [Action] {
        guard let status = response.statusCode else { return [] }
        return isInvite ? inviteResponse(response, status: status, now: now) : nonInviteResponse(response, status: status, now: now)
    }

    private mutating func inviteResponse(_ response: SIPMessage, status: Int, now: NIODeadline) -> [Action] {
        switch (state, status) {
        case (.calling, 100...199), (.proceeding, 100...199):
            state = .proceeding
            retransmitAt = nil
            return [.deliver(response)]
        case (.calling, 200...299), (.proceeding, 200...299), (.accepted, 200...299):
            // RFC 6026 7.2: every 2xx (including those of other forks) goes to the TU, which ACKs them.
            if state != .accepted {
                state = .accepted
                retransmitAt = nil
                timeoutAt = nil
                lingerUntil = now + timers.transactionTimeout  // Timer M
            }
            return [.deliver(response)]
        case (.calling, 300...699), (.proceeding, 300...699):
            state = .completed
            retransmitAt = nil
            timeoutAt = nil
            // Timer D: wait for retransmitted finals, at least 32 s over unreliable transports.
            lingerUntil = now + (isReliable ? .zero : max(.seconds(32), .nanoseconds(timers.transactionTimeout.nanoseconds / 2)))
            let ack = Self.makeACK(for: request, response: response)
            self.ack = ack
            return [.send(ack), .deliver(response)] + (isReliable ? terminate() : [])
        case (.completed, 300...699):
            // A retransmitted final response: ACK again, not passed up (17.1.1.2).
            return ack.map { [.send($0)] } ?? []
        default:
            return []
        }
    }

    private mutating func nonInviteResponse(_ response: SIPMessage, status: Int, now: NIODeadline) -> [Action] {
        switch (state, status) {
        case (.trying, 100...199), (.proceeding, 100...199):
            state = .proceeding
            return [.deliver(response)]
        case (.trying, 200...699), (.proceeding, 200...699):
            state = .completed
            retransmitAt = nil
            timeoutAt = nil
            lingerUntil = now + (isReliable ? .zero : timers.t4)  // Timer K
            return [.deliver(response)] + (isReliable ? terminate() : [])
        default:
            return []
        }
    }

    public mutating func timerFired(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        if let at = timeoutAt, now >= at {
            return [.timedOut] + terminate()
        }
        if let at = lingerUntil, now >= at {
            return terminate()
        }
        if let at = retransmitAt, now >= at {
            actions.append(.send(request))
            if isInvite {
                retransmitInterval = retransmitInterval * 2  // Timer A doubles without cap
            } else {
                // Timer E doubles up to T2; in Proceeding it stays at T2 (17.1.2.2).
                retransmitInterval = state == .proceeding ? timers.t2 : min(retransmitInterval * 2, timers.t2)
            }
            retransmitAt = now + retransmitInterval
        }
        return actions
    }

    public mutating func transportFailed() -> [Action] {
        guard state != .terminated else { return [] }
        return [.transportFailed] + terminate()
    }

    private mutating func terminate() -> [Action] {
        state = .terminated
        retransmitAt = nil
        timeoutAt = nil
        lingerUntil = nil
        return [.terminated]
    }

    /// RFC 3261 17.1.1.3: the ACK for a non-2xx final response, built by the transaction.
    public static func makeACK(for request: SIPMessage, response: SIPMessage) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = request.headers[.via] { headers.add(.via, via) }
        for route in request.headers.values(for: .route) { headers.add(.route, route) }
        headers.add(.maxForwards, "70")
        if let from = request.headers[.from] { headers.add(.from, from) }
        if let to = response.headers[.to] ?? request.headers[.to] { headers.add(.to, to) }
        if let callID = request.headers[.callID] { headers.add(.callID, callID) }
        let number = (try? request.cseq)??.sequence ?? 1
        headers.add(.cseq, "\(number) ACK")
        headers.add(.contentLength, "0")
        return SIPMessage(startLine: .request(method: .ack, uri: request.requestURI!), headers: headers)
    }
}
