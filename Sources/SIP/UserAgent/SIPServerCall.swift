import NIOCore

/// An incoming call of a `SIPUserAgent`: its `SIPInviteServerSession`, driven on the agent's
/// loop. Set `onEvent` in `onIncomingCall`, then ring, answer or reject.
public final class SIPServerCall {
    /// The session state machine (read it; change it through the commands).
    public private(set) var session: SIPInviteServerSession
    /// Where events go.
    public var onEvent: ((SIPSessionEvent) -> Void)?
    private weak var userAgent: SIPUserAgent?
    private let eventLoop: EventLoop
    private var timer = SIPDeadlineTimer()
    let key: SIPUserAgent.CallKey

    init(userAgent: SIPUserAgent, session: SIPInviteServerSession) {
        self.userAgent = userAgent
        self.eventLoop = userAgent.eventLoop
        self.session = session
        self.key = SIPUserAgent.CallKey(callID: session.callID, localTag: session.localTag)
    }

    /// The INVITE.
    public var invite: SIPMessage { session.invite }
    /// The Call-ID.
    public var callID: String { session.callID }
    /// Where the call is.
    public var state: SIPInviteServerSession.State { session.state }

    /// 180 Ringing.
    public func ring() { perform(session.ring(now: eventLoop.now)) }
    /// 183 Session Progress with SDP.
    public func sessionProgress(sdp: [UInt8]) { perform(session.sessionProgress(sdp: sdp, now: eventLoop.now)) }
    /// 200 OK with SDP, retransmitted until the ACK.
    public func answer(sdp: [UInt8]) { perform(session.answer(sdp: sdp, now: eventLoop.now)) }
    /// Refuses with a 3xx-6xx status, with extra headers (a 401's WWW-Authenticate) if any.
    public func reject(status: Int, reason: String? = nil, headers: [(SIPHeaderName, String)] = []) {
        perform(session.reject(status: status, reason: reason, headers: headers, now: eventLoop.now))
    }
    /// Rejects before the answer (480/487), BYE after.
    public func hangUp() { perform(session.hangUp(now: eventLoop.now)) }
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

extension SIPServerCall: SIPUserAgentCall {
    func receive(request: SIPMessage) { perform(session.receive(request: request, now: eventLoop.now)) }
    func receive(response: SIPMessage) { perform(session.receive(response: response, now: eventLoop.now)) }
    func requestTimedOut(_ request: SIPMessage) { perform(session.requestTimedOut(request, now: eventLoop.now)) }

    func matchesTransaction(of request: SIPMessage) -> Bool {
        SIPInviteDialogUsage.sameTransaction(session.invite, request)
    }

    func isMerged(with invite: SIPMessage) -> Bool {
        let mine = session.invite
        guard ((try? invite.callID) ?? nil) == session.callID,
            ((try? invite.from) ?? nil)?.tag == ((try? mine.from) ?? nil)?.tag,
            ((try? invite.cseq) ?? nil) == ((try? mine.cseq) ?? nil)
        else { return false }
        return ((try? invite.topVia) ?? nil)?.branch != ((try? mine.topVia) ?? nil)?.branch
    }

    func stopTimer() {
        timer.cancel()
        onEvent = nil
    }
}
