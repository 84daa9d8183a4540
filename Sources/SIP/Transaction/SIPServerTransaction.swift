import NIOCore

/// RFC 3261 section 17.2 server transactions, INVITE (17.2.1, with the RFC 6026 Accepted state)
/// and non-INVITE (17.2.2), sans-IO. The transaction absorbs retransmitted requests by resending
/// its last response, retransmits INVITE error responses until the ACK (Timer G), and sends
/// `100 Trying` for an INVITE the TU has not answered within 200 ms.
public struct SIPServerTransaction {
    public enum State: Equatable, Sendable {
        case trying  // non-INVITE, nothing sent yet
        case proceeding
        case accepted  // INVITE answered with 2xx (RFC 6026 section 7.1)
        case completed
        case confirmed  // INVITE error response acknowledged
        case terminated
    }

    public enum Action: Equatable, Sendable {
        case send(SIPMessage)
        /// Timer H: the ACK for an error response never came.
        case ackTimedOut
        case transportFailed
        case terminated
    }

    public let request: SIPMessage
    public let isInvite: Bool
    public let isReliable: Bool
    public let timers: SIPTimers
    public private(set) var state: State
    private var lastResponse: SIPMessage?
    private var autoTryingAt: NIODeadline?
    private var retransmitAt: NIODeadline?
    private var retransmitInterval: TimeAmount
    private var timeoutAt: NIODeadline?
    private var lingerUntil: NIODeadline?

    public init(request: SIPMessage, isReliable: Bool, timers: SIPTimers = SIPTimers(), now: NIODeadline) {
        self.request = request
        self.isInvite = request.method == .invite
        self.isReliable = isReliable
        self.timers = timers
        self.state = isInvite ? .proceeding : .trying
        self.retransmitInterval = timers.t1
        // 17.2.1: 100 Trying unless the TU answers within 200 ms.
        self.autoTryingAt = isInvite ? now + .milliseconds(200) : nil
    }

    public var nextDeadline: NIODeadline? {
        [autoTryingAt, retransmitAt, timeoutAt, lingerUntil].compactMap { $0 }.min()
    }

    /// The TU answers the request.
    public mutating func respond(_ response: SIPMessage, now: NIODeadline) -> [Action] {
        guard let status = response.statusCode else { return [] }
        switch state {
        case .trying, .proceeding:
            autoTryingAt = nil
            lastResponse = response
            switch status {
            case 100...199:
                state = .proceeding
                return [.send(response)]
            case 200...299 where isInvite:
                // RFC 6026 7.1: Accepted; the TU (dialog layer) retransmits the 2xx until the ACK.
                state = .accepted
                lingerUntil = now + timers.transactionTimeout  // Timer L
                return [.send(response)]
            default:
                state = .completed
                if isInvite {
                    retransmitAt = isReliable ? nil : now + timers.t1  // Timer G
                    timeoutAt = now + timers.transactionTimeout  // Timer H
                    return [.send(response)]
                }
                lingerUntil = now + (isReliable ? .zero : timers.transactionTimeout)  // Timer J
                return [.send(response)] + (isReliable ? terminate() : [])
            }
        case .accepted where (200...299).contains(status):
            // The TU's own 2xx retransmissions go out through the transaction while it exists.
            return [.send(response)]
        default:
            return []
        }
    }

    /// A request matched this transaction (17.2.3): a retransmission, or the ACK of an INVITE.
    public mutating func receive(_ request: SIPMessage, now: NIODeadline) -> [Action] {
        if request.method == .ack {
            guard isInvite, state == .completed else { return [] }
            state = .confirmed
            retransmitAt = nil
            timeoutAt = nil
            lingerUntil = now + (isReliable ? .zero : timers.t4)  // Timer I
            return isReliable ? terminate() : []
        }
        switch state {
        case .proceeding, .completed:
            return lastResponse.map { [.send($0)] } ?? []
        default:
            return []
        }
    }

    public mutating func timerFired(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        if let at = autoTryingAt, now >= at {
            autoTryingAt = nil
            let trying = SIPMessage.makeResponse(to: request, status: 100)
            lastResponse = trying
            actions.append(.send(trying))
        }
        if let at = timeoutAt, now >= at {
            return actions + [.ackTimedOut] + terminate()
        }
        if let at = lingerUntil, now >= at {
            return actions + terminate()
        }
        if let at = retransmitAt, now >= at, let response = lastResponse {
            actions.append(.send(response))
            retransmitInterval = min(retransmitInterval * 2, timers.t2)
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
        autoTryingAt = nil
        retransmitAt = nil
        timeoutAt = nil
        lingerUntil = nil
        return [.terminated]
    }
}
