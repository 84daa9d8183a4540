import NIOCore

/// The session timer of RFC 4028 for one dialog: the negotiated interval, which side refreshes,
/// and when the next refresh is due (we refresh) or the session expires (the peer refreshes).
/// Every 2xx to a re-INVITE or UPDATE, in either direction, is a refresh and restarts it.
struct SIPSessionTimer: Hashable {
    /// The session interval in seconds.
    var interval: UInt32
    /// True when we send the refreshes.
    var weRefresh: Bool
    /// When to refresh (`weRefresh`) or to give up on the peer (otherwise).
    private(set) var deadline: NIODeadline

    init(interval: UInt32, weRefresh: Bool, now: NIODeadline) {
        self.interval = interval
        self.weRefresh = weRefresh
        self.deadline = now
        restart(now: now)
    }

    /// RFC 4028 10: the refresher refreshes at half the interval; the other side sends BYE
    /// "the minimum of 32 seconds and one third of the session interval" before it expires.
    mutating func restart(now: NIODeadline) {
        let seconds = Int64(interval)
        deadline = now + .seconds(weRefresh ? seconds / 2 : seconds - min(32, seconds / 3))
    }

    /// Looks again `amount` from `now` (a refresh in flight, a glare, a transient error).
    mutating func postpone(by amount: TimeAmount, now: NIODeadline) { deadline = now + amount }

    /// The Session-Expires we put in a request we send in the dialog (we are that request's UAC).
    var requestHeader: SIPSessionExpires {
        SIPSessionExpires(interval: interval, refresher: weRefresh ? .uac : .uas)
    }

    /// The Session-Expires we put in a 2xx to the peer's request (the peer is that request's UAC).
    var responseHeader: SIPSessionExpires {
        SIPSessionExpires(interval: interval, refresher: weRefresh ? .uas : .uac)
    }

    // MARK: - Negotiation

    /// RFC 4028 7.2: what a 2xx to our INVITE, re-INVITE or UPDATE decides. Without
    /// Session-Expires in it the peer does not do timers; a running timer goes on, and when we
    /// asked for one (`requested`) we refresh anyway, since a refresh that fails with 408 or
    /// 481 is how a dead dialog is found.
    /// An interval below `minimum` is raised to it (RFC 4028 5: no session interval below Min-SE), so a
    /// peer's tiny Session-Expires cannot make us refresh in a loop.
    static func fromResponse(
        _ response: SIPMessage, current: SIPSessionTimer?, requested: UInt32?, minimum: UInt32, now: NIODeadline
    ) -> SIPSessionTimer? {
        guard let expires = (try? response.sessionExpires) ?? nil, expires.interval > 0 else {
            if var current {
                current.restart(now: now)
                return current
            }
            guard let requested, requested > 0 else { return nil }
            return SIPSessionTimer(interval: requested, weRefresh: true, now: now)
        }
        // 7.2: the UAS always names the refresher; a missing one leaves it to us, the UAC.
        return SIPSessionTimer(
            interval: max(expires.interval, minimum), weRefresh: expires.refresher != .uas, now: now)
    }

    /// RFC 4028 9: what we decide, as the UAS, for the peer's INVITE, re-INVITE or UPDATE.
    /// A request that asks for a timer gets it with the refresher it named, else the peer
    /// refreshes if it supports timers and we do otherwise; a request without one keeps the
    /// running timer, or gets ours (we refresh) when `preferred` is set.
    /// An interval below `minimum` (from a peer without timer support, which a 422 would not
    /// help) is raised to it (RFC 4028 errata 1687).
    static func forRequest(
        _ request: SIPMessage, current: SIPSessionTimer?, preferred: UInt32?, minimum: UInt32, now: NIODeadline
    ) -> SIPSessionTimer? {
        let peerSupportsTimer = request.supportsOption("timer")
        if let expires = (try? request.sessionExpires) ?? nil, expires.interval > 0 {
            let weRefresh: Bool
            switch expires.refresher {
            case .uac?: weRefresh = false
            case .uas?: weRefresh = true
            case nil: weRefresh = !peerSupportsTimer
            }
            return SIPSessionTimer(
                interval: max(expires.interval, minimum), weRefresh: weRefresh || !peerSupportsTimer, now: now)
        }
        if var current {
            if !peerSupportsTimer { current.weRefresh = true }
            current.restart(now: now)
            return current
        }
        guard let preferred, preferred > 0 else { return nil }
        return SIPSessionTimer(interval: preferred, weRefresh: true, now: now)
    }

    /// RFC 4028 8.1 / 9: the 422 for a request whose session interval is below our minimum, or
    /// nil. Only a peer that supports timers can act on it; for others the interval is raised.
    static func tooSmall(_ request: SIPMessage, minimum: UInt32) -> SIPMessage? {
        guard let expires = (try? request.sessionExpires) ?? nil, expires.interval < minimum,
            request.supportsOption("timer")
        else { return nil }
        var response = SIPMessage.makeResponse(to: request, status: 422)
        response.headers.add(.minSE, String(minimum))
        SIPSessionConfiguration.moveContentLengthLast(&response)
        return response
    }

    /// Adds Session-Expires (and `Require: timer` when the peer is to refresh, RFC 4028 9) to our
    /// 2xx for the peer's request.
    func addHeaders(toResponse response: inout SIPMessage) {
        response.headers.set(.sessionExpires, responseHeader.description)
        if !weRefresh { response.headers.add(.require, "timer") }
        SIPSessionConfiguration.moveContentLengthLast(&response)
    }

    /// Adds Session-Expires and Min-SE to a request we send in the dialog (RFC 4028 7.4).
    func addHeaders(toRequest request: inout SIPMessage, minimum: UInt32) {
        request.headers.set(.sessionExpires, requestHeader.description)
        request.headers.set(.minSE, String(minimum))
        SIPSessionConfiguration.moveContentLengthLast(&request)
    }
}
