import NIOCore

/// An outgoing call of a `SIPUserAgent`: its `SIPInviteClientSession`, driven on the agent's
/// loop. Commands take effect at once (on the loop); events arrive on `onEvent`.
public final class SIPClientCall {
    /// The session state machine (read it; change it through the commands).
    public private(set) var session: SIPInviteClientSession
    /// Where events go.
    public var onEvent: ((SIPSessionEvent) -> Void)?
    private weak var userAgent: SIPUserAgent?
    private let eventLoop: EventLoop
    private var timer = SIPDeadlineTimer()
    let key: SIPUserAgent.CallKey

    init(userAgent: SIPUserAgent, session: SIPInviteClientSession, onEvent: @escaping (SIPSessionEvent) -> Void) {
        self.userAgent = userAgent
        self.eventLoop = userAgent.eventLoop
        self.session = session
        self.onEvent = onEvent
        self.key = SIPUserAgent.CallKey(callID: session.callID, localTag: session.localTag)
    }

    /// The Call-ID.
    public var callID: String { session.callID }
    /// Where the call is.
    public var state: SIPInviteClientSession.State { session.state }

    /// Cancels before the answer (RFC 3261 9.1).
    public func cancel() { perform(session.cancel(now: eventLoop.now)) }
    /// CANCEL before the answer, BYE after.
    public func hangUp() { perform(session.hangUp(now: eventLoop.now)) }
    /// Our side's negotiated SDP, which a session refresh by re-INVITE repeats.
    public func updateLocalSDP(_ sdp: [UInt8]) { session.updateLocalSDP(sdp) }
    /// Sends a re-INVITE with a new offer (ignored unless `session.canSendOffer`).
    public func reinvite(sdp: [UInt8]) { perform(session.reinvite(sdp: sdp, now: eventLoop.now)) }
    /// Answers the peer's re-INVITE or UPDATE.
    public func answer(reinvite request: SIPMessage, sdp: [UInt8]) {
        perform(session.answer(reinvite: request, sdp: sdp, now: eventLoop.now))
    }
    /// Refuses the peer's re-INVITE or UPDATE.
    public func reject(reinvite request: SIPMessage, status: Int) {
        perform(session.reject(reinvite: request, status: status, now: eventLoop.now))
    }
    /// Sends INFO.
    public func sendInfo(body: [UInt8], contentType: SIPMediaType?) {
        perform(session.sendInfo(body: body, contentType: contentType, now: eventLoop.now))
    }

    func start() { perform(session.start(now: eventLoop.now)) }

    private func perform(_ actions: [SIPSessionAction]) {
        eventLoop.preconditionInEventLoop()
        userAgent?.perform(actions, onEvent: onEvent)
        let now = eventLoop.now
        if session.isFinished(now: now) {
            // Over: release the application's closure (it often holds this handle).
            timer.cancel()
            onEvent = nil
            userAgent?.forget(key)
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timer.arm(session.nextDeadline, on: eventLoop) {
            let call = bound.value
            call.timer.fired()
            call.perform(call.session.timerFired(now: call.eventLoop.now))
        }
    }
}

extension SIPClientCall: SIPUserAgentCall {
    func receive(request: SIPMessage) { perform(session.receive(request: request, now: eventLoop.now)) }
    func receive(response: SIPMessage) { perform(session.receive(response: response, now: eventLoop.now)) }
    func requestTimedOut(_ request: SIPMessage) { perform(session.requestTimedOut(request, now: eventLoop.now)) }
    func matchesTransaction(of request: SIPMessage) -> Bool { false }
    func isMerged(with invite: SIPMessage) -> Bool { false }
    func stopTimer() {
        timer.cancel()
        onEvent = nil
    }
}
