import NIOCore

/// The part of an INVITE session that lives in a dialog, shared by `SIPInviteClientSession`
/// and `SIPInviteServerSession` (RFC 3261 12.2, 14, 15): requests the peer sends in the dialog,
/// our BYE, re-INVITE and INFO with their responses, the 2xx we retransmit until its ACK, the
/// glare back-off, and the linger after the end. Sans-IO like the sessions.
struct SIPInviteDialogUsage {
    enum Phase: Hashable {
        case active
        /// Our BYE is out.
        case closing
        /// Over; kept until `lingerUntil` to absorb retransmissions (64*T1).
        case ended(lingerUntil: NIODeadline)
    }

    /// A request we sent in the dialog, waiting for its final response.
    struct Outgoing {
        enum Kind: Hashable {
            case reinvite(sdp: [UInt8])
            /// A session refresh of RFC 4028: UPDATE without a body, or re-INVITE with our last SDP.
            case refresh(sdp: [UInt8]?)
            case bye
            case info
        }
        var kind: Kind
        var request: SIPMessage
        var authAttempts: Int
    }

    /// A 2xx to an INVITE we retransmit until the ACK (RFC 3261 13.3.1.4).
    struct Unacknowledged {
        var response: SIPMessage
        var request: SIPMessage
        var interval: TimeAmount
        var retransmitAt: NIODeadline
        var giveUpAt: NIODeadline
    }

    var dialog: SIPDialog
    let configuration: SIPSessionConfiguration
    let peer: SocketAddress
    /// True for the session that made the Call-ID (the caller): its glare wait is longer (14.1).
    let ownsCallID: Bool
    let credentials: SIPCredentials?
    private(set) var phase: Phase = .active
    private var outgoing: [UInt32: Outgoing] = [:]
    private var reinviteRetry: (at: NIODeadline, sdp: [UInt8])?
    /// A re-INVITE or UPDATE of the peer that the application has not answered yet.
    private(set) var incomingOffer: SIPMessage?
    private(set) var unacknowledged: Unacknowledged?
    /// ACKs we sent for 2xx to our re-INVITEs, by CSeq, resent for each retransmitted 2xx.
    private var acks: [UInt32: SIPMessage] = [:]
    /// 15: the callee may not send BYE before the ACK of its 2xx (or the ACK timeout).
    private var hangUpWhenAcknowledged = false
    /// The RFC 4028 session timer, when one was negotiated.
    var sessionTimer: SIPSessionTimer?
    /// Our last SDP (offer or answer): the body of a re-INVITE that only refreshes the session.
    var localSDP: [UInt8]?
    /// True when the peer's Allow lists UPDATE: refreshes then go without SDP (RFC 4028 7.4).
    var peerAllowsUpdate = false
    /// 422 answers to our refreshes in a row (bounded, so a peer cannot make us loop).
    private var refreshRetries = 0
    /// The last RSeq of our reliable provisional responses: a PRACK that crossed our 2xx is
    /// still answered 200 (RFC 3262 3).
    var lastReliableSequence: UInt32?

    init(
        dialog: SIPDialog, configuration: SIPSessionConfiguration, peer: SocketAddress, ownsCallID: Bool,
        credentials: SIPCredentials?
    ) {
        self.dialog = dialog
        self.configuration = configuration
        self.peer = peer
        self.ownsCallID = ownsCallID
        self.credentials = credentials
    }

    /// Starts the session timer and remembers our SDP once the INVITE is answered: `request` is
    /// the INVITE, `response` our or the peer's 2xx.
    mutating func established(
        invite request: SIPMessage, response: SIPMessage, localSDP: [UInt8], weAreUAC: Bool, now: NIODeadline
    ) {
        self.localSDP = localSDP.isEmpty ? nil : localSDP
        let peerMessage = weAreUAC ? response : request
        peerAllowsUpdate = ((try? peerMessage.allow) ?? []).contains(.update)
        sessionTimer =
            weAreUAC
            ? SIPSessionTimer.fromResponse(
                response, current: nil, requested: configuration.sessionInterval,
                minimum: configuration.minimumSessionInterval, now: now)
            : SIPSessionTimer.forRequest(
                request, current: nil, preferred: configuration.sessionInterval,
                minimum: configuration.minimumSessionInterval, now: now)
    }

    var isEnded: Bool {
        if case .ended = phase { return true }
        return false
    }

    func isFinished(now: NIODeadline) -> Bool {
        if case .ended(let until) = phase { return now >= until }
        return false
    }

    var nextDeadline: NIODeadline? {
        if case .ended(let until) = phase { return until }
        let refresh = phase == .active ? sessionTimer?.deadline : nil
        return [unacknowledged?.retransmitAt, unacknowledged?.giveUpAt, reinviteRetry?.at, refresh].compactMap { $0 }
            .min()
    }

    /// True when a new offer of ours may go out now: confirmed, no offer/answer exchange in
    /// progress in either direction (RFC 3261 14.1), no 2xx waiting for its ACK.
    var canSendOffer: Bool {
        phase == .active && !hasOutgoingOffer && reinviteRetry == nil && incomingOffer == nil && unacknowledged == nil
    }

    private var hasOutgoingOffer: Bool {
        outgoing.values.contains {
            switch $0.kind {
            case .reinvite: true
            case .refresh(let sdp): sdp != nil
            case .bye, .info: false
            }
        }
    }

    private var destination: SocketAddress { configuration.destination(in: dialog, peer: peer) }

    // MARK: - Requests from the peer

    /// A request the peer sent in this dialog (the caller checked the dialog ID).
    mutating func receiveRequest(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let method = request.method else { return [] }
        if method == .ack { return receiveACK(request, now: now) }
        if case .ended = phase { return [configuration.respond(to: request, status: 481)] }
        if method == .cancel { return receiveCancel(request) }
        if case .outOfOrder = dialog.checkRequest(request) {
            // 12.2.2: a CSeq lower than the last one is out of order.
            return [
                configuration.respond(to: request, status: 500, reason: "Server Internal Error (CSeq out of order)")
            ]
        }
        switch method {
        case .bye:
            return receiveBye(request, now: now)
        case .invite, .update:
            return receiveOffer(request, now: now)
        case .info:
            let contentType = (try? request.contentType) ?? nil
            return [
                configuration.respond(to: request, status: 200),
                .event(.infoReceived(body: request.body, contentType: contentType)),
            ]
        case .options:
            return [configuration.optionsResponse(to: request)]
        case .prack:
            // RFC 3262 3: only a PRACK for one of our reliable provisional responses matches.
            guard let last = lastReliableSequence, let rack = (try? request.rack) ?? nil, rack.responseNumber <= last
            else { return [configuration.respond(to: request, status: 481)] }
            return [configuration.respond(to: request, status: 200)]
        case .refer, .subscribe, .notify, .message, .publish, .register:
            return [configuration.respond(to: request, status: 405)]
        default:
            return [configuration.respond(to: request, status: 501)]
        }
    }

    private mutating func receiveBye(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        var actions = [configuration.respond(to: request, status: 200)]
        // 15.1.2: pending requests of the dialog get 487.
        if let offer = incomingOffer { actions.append(configuration.respond(to: offer, status: 487)) }
        incomingOffer = nil
        unacknowledged = nil
        actions.append(.event(.remoteHangUp(request)))
        return actions + end(now: now)
    }

    private mutating func receiveOffer(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard phase == .active else { return [configuration.respond(to: request, status: 481)] }
        if hasOutgoingOffer {
            // 14.2 and RFC 3311 5.2: an offer while ours is outstanding is glare.
            return [configuration.respond(to: request, status: 491)]
        }
        if incomingOffer != nil || (unacknowledged != nil && request.method == .invite) {
            // 14.2: a second INVITE before the final response to the first gets 500 + Retry-After.
            return [configuration.respond(to: request, status: 500, retryAfter: true)]
        }
        if let tooSmall = SIPSessionTimer.tooSmall(request, minimum: configuration.minimumSessionInterval) {
            return [.sendResponse(tooSmall, request: request)]
        }
        // 12.2.2 and RFC 3311 5.2: re-INVITE and UPDATE are target refresh requests.
        dialog.refreshRemoteTarget(from: request)
        if request.method == .update && request.body.isEmpty {
            // An UPDATE without an offer only refreshes the session (RFC 4028 7.4): 200 here.
            var response = SIPMessage.makeResponse(to: request, status: 200)
            response.headers.add(.contact, configuration.contactHeader)
            configuration.addCapabilities(to: &response)
            refreshTimer(for: request, response: &response, now: now)
            return [.sendResponse(response, request: request)]
        }
        incomingOffer = request
        return [.event(.reinviteReceived(request))]
    }

    /// CANCEL of a re-INVITE the application has not answered (RFC 3261 9.2).
    private mutating func receiveCancel(_ request: SIPMessage) -> [SIPSessionAction] {
        guard let offer = incomingOffer, offer.method == .invite, Self.sameTransaction(offer, request) else {
            return [configuration.respond(to: request, status: 481)]
        }
        incomingOffer = nil
        return [configuration.respond(to: request, status: 200), configuration.respond(to: offer, status: 487)]
    }

    private mutating func receiveACK(_ ack: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let pending = unacknowledged, let sequence = ((try? ack.cseq) ?? nil)?.sequence,
            sequence == ((try? pending.request.cseq) ?? nil)?.sequence
        else { return [] }  // a retransmitted or stray ACK
        unacknowledged = nil
        var actions: [SIPSessionAction] = [.event(.acknowledged(ack))]
        if hangUpWhenAcknowledged && phase == .active {
            hangUpWhenAcknowledged = false
            actions += sendBye()
        }
        return actions
    }

    // MARK: - Our requests

    /// Sends a 2xx to an INVITE (the initial one or a re-INVITE) and retransmits it until the
    /// ACK, from T1 doubling up to T2, for at most 64*T1 (RFC 3261 13.3.1.4).
    mutating func sendFinal2xx(_ response: SIPMessage, to request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        let t1 = configuration.timers.t1
        unacknowledged = Unacknowledged(
            response: response, request: request, interval: t1, retransmitAt: now + t1,
            giveUpAt: now + configuration.timers.transactionTimeout)
        return [.sendResponse(response, request: request)]
    }

    /// Ends the call with BYE (RFC 3261 15.1.1). A pending offer of the peer gets 487; when our
    /// 2xx is not acknowledged yet the BYE waits for the ACK or its timeout (15).
    mutating func hangUp(now: NIODeadline) -> [SIPSessionAction] {
        guard phase == .active else { return [] }
        var actions: [SIPSessionAction] = []
        if let offer = incomingOffer {
            actions.append(configuration.respond(to: offer, status: 487))
            incomingOffer = nil
        }
        if unacknowledged != nil {
            hangUpWhenAcknowledged = true
            return actions
        }
        return actions + sendBye()
    }

    private mutating func sendBye() -> [SIPSessionAction] {
        phase = .closing
        reinviteRetry = nil
        let request = dialog.makeRequest(.bye, via: configuration.makeVia())
        return [send(request, kind: .bye)]
    }

    /// Sends a re-INVITE with a new offer (RFC 3261 14.1); ignored unless `canSendOffer`.
    mutating func reinvite(sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        guard canSendOffer else { return [] }
        return [sendReinvite(sdp: sdp)]
    }

    private mutating func sendReinvite(sdp: [UInt8]) -> SIPSessionAction {
        localSDP = sdp
        return send(makeOffer(.invite, sdp: sdp), kind: .reinvite(sdp: sdp))
    }

    /// A re-INVITE or UPDATE with our Contact, capabilities, the session timer's headers and
    /// the SDP if any.
    private mutating func makeOffer(_ method: SIPMethod, sdp: [UInt8]?) -> SIPMessage {
        var request = dialog.makeRequest(method, via: configuration.makeVia())
        request.headers.add(.contact, configuration.contactHeader)
        configuration.addCapabilities(to: &request)
        sessionTimer?.addHeaders(toRequest: &request, minimum: configuration.minimumSessionInterval)
        if let sdp { request.setBody(sdp, contentType: .sdp) }
        SIPSessionConfiguration.moveContentLengthLast(&request)
        return request
    }

    /// RFC 4028 10: the refresher sends a re-INVITE or UPDATE at half the interval; when an
    /// offer exchange is in progress it waits, since that exchange refreshes the session too.
    private mutating func sendRefresh(now: NIODeadline) -> [SIPSessionAction] {
        guard var timer = sessionTimer else { return [] }
        guard canSendOffer else {
            timer.postpone(by: .seconds(2), now: now)
            sessionTimer = timer
            return []
        }
        // Until its answer restarts the timer, the next look is a quarter interval away (the
        // transaction's own timeout, 32 s, comes first).
        timer.postpone(by: .seconds(Int64(max(timer.interval / 4, 33))), now: now)
        sessionTimer = timer
        let sdp = peerAllowsUpdate ? nil : localSDP
        return [send(makeOffer(sdp == nil ? .update : .invite, sdp: sdp), kind: .refresh(sdp: sdp))]
    }

    /// The session timer after the peer's request is answered 2xx (RFC 4028 9), its headers
    /// put in the response.
    private mutating func refreshTimer(for request: SIPMessage, response: inout SIPMessage, now: NIODeadline) {
        sessionTimer = SIPSessionTimer.forRequest(
            request, current: sessionTimer, preferred: nil, minimum: configuration.minimumSessionInterval, now: now)
        sessionTimer?.addHeaders(toResponse: &response)
    }

    /// Sends INFO (RFC 6086) with this body.
    mutating func sendInfo(body: [UInt8], contentType: SIPMediaType?, now: NIODeadline) -> [SIPSessionAction] {
        guard phase == .active else { return [] }
        var request = dialog.makeRequest(.info, via: configuration.makeVia())
        if let contentType { request.headers.add(.contentType, contentType.description) }
        request.body = body
        SIPSessionConfiguration.moveContentLengthLast(&request)
        return [send(request, kind: .info)]
    }

    /// Answers the peer's re-INVITE or UPDATE with our SDP (a 2xx to a re-INVITE is
    /// retransmitted until its ACK).
    mutating func answerOffer(_ request: SIPMessage, sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        guard let offer = incomingOffer, Self.sameTransaction(offer, request), phase == .active else { return [] }
        incomingOffer = nil
        var response = SIPMessage.makeResponse(to: offer, status: 200)
        response.headers.add(.contact, configuration.contactHeader)
        configuration.addCapabilities(to: &response)
        response.setBody(sdp, contentType: .sdp)
        refreshTimer(for: offer, response: &response, now: now)
        localSDP = sdp
        if offer.method == .invite { return sendFinal2xx(response, to: offer, now: now) }
        return [.sendResponse(response, request: offer)]
    }

    /// Refuses the peer's re-INVITE or UPDATE (488, 500...); the session goes on unchanged.
    mutating func rejectOffer(_ request: SIPMessage, status: Int, now: NIODeadline) -> [SIPSessionAction] {
        guard let offer = incomingOffer, Self.sameTransaction(offer, request), (300...699).contains(status) else {
            return []
        }
        incomingOffer = nil
        return [configuration.respond(to: offer, status: status)]
    }

    private mutating func send(_ request: SIPMessage, kind: Outgoing.Kind) -> SIPSessionAction {
        if let sequence = ((try? request.cseq) ?? nil)?.sequence {
            outgoing[sequence] = Outgoing(kind: kind, request: request, authAttempts: 0)
        }
        return .sendRequest(request, to: destination)
    }

    // MARK: - Responses to our requests

    /// A response to a request we sent in this dialog.
    mutating func receiveResponse(_ response: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let status = response.statusCode, status >= 200, let cseq = (try? response.cseq) ?? nil else {
            return []
        }
        guard var entry = outgoing[cseq.sequence], entry.request.method == cseq.method else {
            // 13.2.2.4: every retransmission of a 2xx to our re-INVITE gets the ACK again.
            if cseq.method == .invite, (200...299).contains(status), let ack = acks[cseq.sequence] {
                return [.sendRequest(ack, to: destination)]
            }
            return []
        }
        outgoing[cseq.sequence] = nil
        if status == 401 || status == 407, let retry = authorized(&entry, challenge: response) {
            outgoing[((try? retry.cseq) ?? nil)?.sequence ?? 0] = entry
            return [.sendRequest(retry, to: destination)]
        }
        let reason = response.reasonPhrase ?? ""
        switch entry.kind {
        case .bye:
            return end(now: now)
        case .info:
            if status == 408 || status == 481 { return dialogFailed(status, reason, response, now: now) }
            return [.event(.infoAnswered(status: status))]
        case .refresh(let sdp):
            return refreshAnswered(response, status: status, sdp: sdp, request: entry.request, now: now)
        case .reinvite(let sdp):
            switch status {
            case 200...299:
                let ack = acknowledge(entry.request, sequence: cseq.sequence)
                dialog.refreshRemoteTarget(from: response)  // 12.2.1.2
                sessionTimer = SIPSessionTimer.fromResponse(
                    response, current: sessionTimer, requested: nil, minimum: configuration.minimumSessionInterval,
                    now: now)
                return [ack, .event(.reinviteAnswered(response))]
            case 491:
                // 14.1: retry after 2.1-4 s (we made the Call-ID) or 0-2 s, in units of 10 ms.
                let units = ownsCallID ? configuration.random(210...400) : configuration.random(0...200)
                reinviteRetry = (now + .milliseconds(Int64(units) * 10), sdp)
                return []
            case 408, 481:
                return dialogFailed(status, reason, response, now: now)
            default:
                return [.event(.reinviteFailed(status: status, reason: reason))]
            }
        }
    }

    /// The ACK for a 2xx to our re-INVITE: its CSeq number and credentials (RFC 3261 13.2.2.4), kept
    /// for the 2xx's retransmissions (the last few only: older ones have stopped by now).
    private mutating func acknowledge(_ invite: SIPMessage, sequence: UInt32) -> SIPSessionAction {
        var ack = dialog.makeACK(sequence: sequence, via: configuration.makeVia())
        for name in [SIPHeaderName.authorization, .proxyAuthorization] {
            for value in invite.headers.values(for: name) { ack.headers.add(name, value) }
        }
        SIPSessionConfiguration.moveContentLengthLast(&ack)
        if acks.count >= 4, let oldest = acks.keys.min() { acks[oldest] = nil }
        acks[sequence] = ack
        return .sendRequest(ack, to: destination)
    }

    /// The final response to our session refresh (RFC 4028 7.4, 10).
    private mutating func refreshAnswered(
        _ response: SIPMessage, status: Int, sdp: [UInt8]?, request: SIPMessage, now: NIODeadline
    ) -> [SIPSessionAction] {
        guard var timer = sessionTimer else { return [] }
        switch status {
        case 200...299:
            var actions: [SIPSessionAction] = []
            if sdp != nil, let cseq = (try? response.cseq) ?? nil {
                actions.append(acknowledge(request, sequence: cseq.sequence))
            }
            dialog.refreshRemoteTarget(from: response)
            sessionTimer = SIPSessionTimer.fromResponse(
                response, current: timer, requested: nil, minimum: configuration.minimumSessionInterval, now: now)
            refreshRetries = 0
            return actions
        case 408, 481:
            return dialogFailed(status, response.reasonPhrase ?? "", response, now: now)
        case 422:
            // 422 names the peer's minimum (Min-SE): ask again with it, twice at most.
            guard let minimum = (try? response.minSE) ?? nil, minimum > timer.interval, refreshRetries < 2 else {
                return []
            }
            refreshRetries += 1
            timer.interval = minimum
            sessionTimer = timer
            return sendRefresh(now: now)
        case 405, 501:
            // The peer does not take UPDATE after all: refresh with re-INVITE from now on.
            guard sdp == nil, peerAllowsUpdate, localSDP != nil else { return [] }
            peerAllowsUpdate = false
            return sendRefresh(now: now)
        default:
            // 491 and other refusals: the session goes on; try again shortly, and the peer's
            // own timer ends the session if it never works.
            return []
        }
    }

    /// A request we sent got no final response (Timer B/F or a transport error): as a 408.
    mutating func requestTimedOut(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let sequence = ((try? request.cseq) ?? nil)?.sequence, let entry = outgoing[sequence],
            entry.request.method == request.method
        else { return [] }
        outgoing[sequence] = nil
        if entry.kind == .bye { return end(now: now) }
        return dialogFailed(408, "Request Timeout", nil, now: now)
    }

    /// The request again with credentials for the challenge, a new CSeq and branch; nil when we
    /// have no credentials that answer it, or already answered one (a second challenge that is
    /// not `stale` means they were refused).
    private mutating func authorized(_ entry: inout Outgoing, challenge response: SIPMessage) -> SIPMessage? {
        guard let credentials, let auth = credentials.authorization(for: entry.request, challenge: response),
            entry.authAttempts == 0 || (auth.stale && entry.authAttempts < 3)
        else { return nil }
        let sequence = (dialog.localSequence ?? 0) &+ 1
        dialog.localSequence = sequence
        var request = entry.request
        request.headers.set(.via, configuration.makeVia().description)
        request.headers.set(.cseq, SIPCSeq(sequence: sequence, method: request.method ?? .bye).description)
        request.headers.remove(.authorization)
        request.headers.remove(.proxyAuthorization)
        request.headers.add(auth.name, auth.value)
        SIPSessionConfiguration.moveContentLengthLast(&request)
        entry.request = request
        entry.authAttempts += 1
        return request
    }

    /// 12.2.1.2: a 481 or 408 to a request in the dialog ends it (with BYE after a 408, since
    /// the peer may still hold the dialog).
    private mutating func dialogFailed(
        _ status: Int, _ reason: String, _ response: SIPMessage?, now: NIODeadline
    ) -> [SIPSessionAction] {
        guard !isEnded else { return [] }
        var actions: [SIPSessionAction] = [.event(.failed(status: status, reason: reason, response: response))]
        if status == 408 && phase == .active {
            actions.append(.sendRequest(dialog.makeRequest(.bye, via: configuration.makeVia()), to: destination))
        }
        if let offer = incomingOffer { actions.append(configuration.respond(to: offer, status: 487)) }
        incomingOffer = nil
        return actions + end(now: now)
    }

    // MARK: - Time

    mutating func timerFired(now: NIODeadline) -> [SIPSessionAction] {
        var actions: [SIPSessionAction] = []
        if phase == .active, let timer = sessionTimer, now >= timer.deadline {
            if timer.weRefresh {
                actions += sendRefresh(now: now)
            } else {
                // RFC 4028 10: no refresh came before the session expired: BYE.
                return dialogFailed(408, "Session timer expired (no refresh, RFC 4028)", nil, now: now)
            }
        }
        if var pending = unacknowledged {
            if now >= pending.giveUpAt {
                // 13.3.1.4: no ACK within 64*T1: confirm, then end the session with BYE.
                unacknowledged = nil
                hangUpWhenAcknowledged = false
                actions.append(.event(.ackTimedOut))
                if phase == .active { actions += sendBye() }
            } else if now >= pending.retransmitAt {
                actions.append(.sendResponse(pending.response, request: pending.request))
                pending.interval = min(pending.interval * 2, configuration.timers.t2)
                pending.retransmitAt = now + pending.interval
                unacknowledged = pending
            }
        }
        if let retry = reinviteRetry, now >= retry.at {
            reinviteRetry = nil
            if phase == .active {
                if incomingOffer != nil || unacknowledged != nil || hasOutgoingOffer {
                    // The peer's own change is in progress: wait another glare interval.
                    let units = ownsCallID ? configuration.random(210...400) : configuration.random(0...200)
                    reinviteRetry = (now + .milliseconds(Int64(units) * 10), retry.sdp)
                } else {
                    actions.append(sendReinvite(sdp: retry.sdp))
                }
            }
        }
        return actions
    }

    private mutating func end(now: NIODeadline) -> [SIPSessionAction] {
        guard !isEnded else { return [] }
        phase = .ended(lingerUntil: now + configuration.timers.transactionTimeout)
        unacknowledged = nil
        reinviteRetry = nil
        hangUpWhenAcknowledged = false
        return [.event(.terminated)]
    }

    /// RFC 3261 9.2 / 17.2.3: a CANCEL (or a re-sent request) matches a request by top Via
    /// branch and sent-by; compared with the request's CSeq too when the branch lacks the cookie.
    static func sameTransaction(_ a: SIPMessage, _ b: SIPMessage) -> Bool {
        guard let viaA = (try? a.topVia) ?? nil, let viaB = (try? b.topVia) ?? nil else { return false }
        return viaA.branch == viaB.branch && SIPGrammar.equalsIgnoringCase(viaA.sentBy, viaB.sentBy)
            && ((try? a.callID) ?? nil) == ((try? b.callID) ?? nil)
            && ((try? a.cseq) ?? nil)?.sequence == ((try? b.cseq) ?? nil)?.sequence
    }
}
