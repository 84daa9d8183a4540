import NIOCore

/// An incoming call as the UAS of RFC 3261 13.3, sans-IO: from the received INVITE (with or
/// without an offer) it rings, sends early media, answers (retransmitting the 2xx until the ACK,
/// 13.3.1.4), rejects, handles CANCEL (9.2), and then runs the dialog (BYE, re-INVITE with glare
/// back-off, INFO, OPTIONS). Inputs carry `now`; outputs are `SIPSessionAction`s and
/// `nextDeadline`.
///
/// The server transaction sends 100 Trying, retransmits non-2xx final responses and absorbs
/// their ACK (17.2.1); this session retransmits its 2xx itself (RFC 6026).
public struct SIPInviteServerSession {
    /// Where the call is.
    public enum State: Hashable, Sendable {
        /// Received; nothing sent but perhaps the transaction's 100 Trying.
        case received
        /// A provisional response with our tag was sent (early dialog).
        case early
        /// 2xx sent, waiting for the ACK.
        case answered
        /// The ACK arrived (or its wait ended).
        case confirmed
        /// Our BYE is out.
        case terminating
        /// Over (see `isFinished` for when the driver may forget it).
        case terminated
    }

    private struct Pending {
        var dialog: SIPDialog
        var provisionalSent = false
        /// Set when the INVITE requires 100rel (RFC 3262 3).
        var reliable: SIPReliableProvisionals?
    }

    private enum Phase {
        case pending(Pending)
        case established(SIPInviteDialogUsage)
        case ended(lingerUntil: NIODeadline)
    }

    /// The INVITE as the transaction layer delivered it.
    public let invite: SIPMessage
    /// Where the INVITE came from; in-dialog requests go there unless the route set says
    /// otherwise (see `SIPSessionConfiguration.InDialogRouting`).
    public let peer: SocketAddress
    /// Our addresses, timers and randomness.
    public let configuration: SIPSessionConfiguration
    /// What challenges to our BYE or re-INVITE are answered with.
    public let credentials: SIPCredentials?
    /// Our To tag.
    public let localTag: String
    /// The Call-ID.
    public let callID: String
    private var phase: Phase

    /// Starts from a received INVITE; `localTag` defaults to a random tag. Throws
    /// (`SIPParseError`) when the INVITE cannot make a dialog; `check(_:configuration:)` gives
    /// the response for such an INVITE.
    public init(
        invite: SIPMessage, source: SocketAddress, configuration: SIPSessionConfiguration,
        credentials: SIPCredentials? = nil, localTag: String? = nil
    ) throws {
        let tag = localTag ?? SIPSessionConfiguration.makeTag()
        let dialog = try SIPDialog(uasRequest: invite, localTag: tag)
        self.invite = invite
        self.peer = source
        self.configuration = configuration
        self.credentials = credentials
        self.localTag = tag
        self.callID = dialog.id.callID
        var pending = Pending(dialog: dialog)
        if configuration.reliableProvisionals,
            ((try? invite.require) ?? []).contains(where: { SIPGrammar.equalsIgnoringCase($0, "100rel") })
        {
            pending.reliable = SIPReliableProvisionals(timers: configuration.timers)
        }
        self.phase = .pending(pending)
    }

    /// The response that refuses an INVITE this session cannot take, nil when it can:
    /// 420 with Unsupported for an unknown Require option tag (RFC 3261 8.2.2.3), 415 for a
    /// body that is not SDP (8.2.3), 400 without exactly one Contact (8.1.1.8) or with
    /// unreadable dialog headers.
    public static func check(_ invite: SIPMessage, configuration: SIPSessionConfiguration) -> SIPMessage? {
        func reject(_ status: Int, _ reason: String? = nil) -> SIPMessage {
            var response = SIPMessage.makeResponse(to: invite, status: status, reason: reason)
            SIPSessionConfiguration.moveContentLengthLast(&response)
            return response
        }
        guard let required = try? invite.require else { return reject(400, "Bad Request (malformed Require header)") }
        let unsupported = required.filter { tag in
            !configuration.optionTags.contains { SIPGrammar.equalsIgnoringCase($0, tag) }
        }
        if !unsupported.isEmpty {
            var response = reject(420)
            response.headers.add(.unsupported, unsupported.joined(separator: ", "))
            SIPSessionConfiguration.moveContentLengthLast(&response)
            return response
        }
        if !invite.body.isEmpty {
            let type: SIPMediaType?
            do {
                type = try invite.contentType
            } catch {
                return reject(400, "Bad Request (malformed Content-Type header)")
            }
            guard let type, type.matches(type: "application", subtype: "sdp") else {
                var response = reject(415)
                response.headers.add(.accept, "application/sdp")
                SIPSessionConfiguration.moveContentLengthLast(&response)
                return response
            }
        }
        do {
            _ = try invite.sessionExpires
        } catch {
            return reject(400, "Bad Request (malformed Session-Expires header)")
        }
        if let tooSmall = SIPSessionTimer.tooSmall(invite, minimum: configuration.minimumSessionInterval) {
            return tooSmall
        }
        guard let contacts = try? invite.contacts, contacts.addresses.count == 1 else {
            return reject(400, "Bad Request (an INVITE needs exactly one Contact)")
        }
        if (try? SIPDialog(uasRequest: invite, localTag: "x")) == nil {
            return reject(400, "Bad Request (unreadable dialog headers)")
        }
        return nil
    }

    // MARK: - State

    /// Where the call is.
    public var state: State {
        switch phase {
        case .pending(let pending): return pending.provisionalSent ? .early : .received
        case .established(let usage):
            switch usage.phase {
            case .active: return usage.unacknowledged != nil && !hasBeenAcknowledged ? .answered : .confirmed
            case .closing: return .terminating
            case .ended: return .terminated
            }
        case .ended: return .terminated
        }
    }

    private var hasBeenAcknowledged = false

    /// True when the INVITE carried no offer: our 2xx carries the offer and the answer comes in
    /// the ACK (`.acknowledged`).
    public var isOfferless: Bool { invite.body.isEmpty }

    /// The dialog (early until answered).
    public var dialog: SIPDialog? {
        switch phase {
        case .pending(let pending): return pending.dialog
        case .established(let usage): return usage.dialog
        case .ended: return nil
        }
    }

    /// True when `reinvite(sdp:now:)` would send a re-INVITE now.
    public var canSendOffer: Bool {
        if case .established(let usage) = phase { return usage.canSendOffer }
        return false
    }

    /// When `timerFired(now:)` must next be called.
    public var nextDeadline: NIODeadline? {
        switch phase {
        case .pending(let pending): return pending.reliable?.nextDeadline
        case .established(let usage): return usage.nextDeadline
        case .ended(let until): return until
        }
    }

    /// True once the call is over and its retransmission window has passed.
    public func isFinished(now: NIODeadline) -> Bool {
        switch phase {
        case .pending: return false
        case .established(let usage): return usage.isFinished(now: now)
        case .ended(let until): return now >= until
        }
    }

    // MARK: - Commands

    /// 180 Ringing with our To tag (creates the early dialog).
    public mutating func ring(now: NIODeadline) -> [SIPSessionAction] {
        provisional(180, sdp: nil, now: now)
    }

    /// 183 Session Progress with SDP (early media).
    public mutating func sessionProgress(sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        provisional(183, sdp: sdp, now: now)
    }

    /// 200 OK with our SDP (the answer, or our offer when the INVITE had none), retransmitted
    /// until the ACK; without an ACK in 64*T1 the session sends BYE (13.3.1.4).
    public mutating func answer(sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        guard case .pending(let pending) = phase else { return [] }
        var dialog = pending.dialog
        dialog.state = .confirmed
        var response = configuration.dialogResponse(to: invite, status: 200, toTag: localTag, sdp: sdp)
        var usage = SIPInviteDialogUsage(
            dialog: dialog, configuration: configuration, peer: peer, ownsCallID: false, credentials: credentials)
        usage.established(invite: invite, response: response, localSDP: sdp, weAreUAC: false, now: now)
        usage.lastReliableSequence = pending.reliable?.lastSent
        usage.sessionTimer?.addHeaders(toResponse: &response)
        let actions = usage.sendFinal2xx(response, to: invite, now: now)
        phase = .established(usage)
        return actions
    }

    /// Refuses the call with a 3xx-6xx status (the transaction retransmits it until the ACK); `headers`
    /// go into the response (WWW-Authenticate of a 401, Retry-After...).
    public mutating func reject(
        status: Int, reason: String? = nil, headers: [(SIPHeaderName, String)] = [], now: NIODeadline
    ) -> [SIPSessionAction] {
        guard case .pending = phase, (300...699).contains(status) else { return [] }
        var response = SIPMessage.makeResponse(to: invite, status: status, reason: reason, toTag: localTag)
        for (name, value) in headers { response.headers.add(name, value) }
        SIPSessionConfiguration.moveContentLengthLast(&response)
        return [.sendResponse(response, request: invite)] + finish(now: now)
    }

    /// Ends the call. Before the answer it is a rejection: 480 Temporarily Unavailable when
    /// nothing was sent yet, 487 Request Terminated once ringing; after the answer a BYE, which
    /// waits for the ACK of our 2xx (RFC 3261 15).
    public mutating func hangUp(now: NIODeadline) -> [SIPSessionAction] {
        switch phase {
        case .pending(let pending): return reject(status: pending.provisionalSent ? 487 : 480, now: now)
        case .established: return withUsage { $0.hangUp(now: now) }
        case .ended: return []
        }
    }

    /// Sends a re-INVITE with a new offer; a 491 is retried after 0-2 s (RFC 3261 14.1).
    /// Ignored unless `canSendOffer`.
    public mutating func reinvite(sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.reinvite(sdp: sdp, now: now) }
    }

    /// Answers the peer's re-INVITE or UPDATE (from `.reinviteReceived`) with our SDP.
    public mutating func answer(reinvite request: SIPMessage, sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.answerOffer(request, sdp: sdp, now: now) }
    }

    /// Refuses the peer's re-INVITE or UPDATE with a 3xx-6xx status.
    public mutating func reject(reinvite request: SIPMessage, status: Int, now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.rejectOffer(request, status: status, now: now) }
    }

    /// Sends INFO with this body; the outcome comes as `.infoAnswered`.
    public mutating func sendInfo(body: [UInt8], contentType: SIPMediaType?, now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.sendInfo(body: body, contentType: contentType, now: now) }
    }

    // MARK: - Inputs

    /// A request for this call: CANCEL of the INVITE, the ACK of our 2xx, or a request in the
    /// dialog (BYE, re-INVITE, UPDATE, INFO, OPTIONS).
    public mutating func receive(request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let method = request.method else { return [] }
        if method == .cancel, SIPInviteDialogUsage.sameTransaction(invite, request) {
            return receiveCancel(request, now: now)
        }
        switch phase {
        case .pending(let pending):
            guard pending.dialog.contains(request: request) else {
                return method == .ack ? [] : [configuration.respond(to: request, status: 481)]
            }
            if method == .prack { return receivePRACK(request, pending: pending, now: now) }
            if method == .bye {
                // 15.1.2: a BYE before the answer ends the call; the INVITE gets 487.
                let response = SIPMessage.makeResponse(to: invite, status: 487, toTag: localTag)
                return [configuration.respond(to: request, status: 200), .sendResponse(response, request: invite)]
                    + [.event(.remoteHangUp(request))] + finish(now: now)
            }
            return SIPInviteClientSession.earlyRequest(request, configuration: configuration)
        case .established(let usage):
            guard usage.dialog.contains(request: request) else {
                return method == .ack ? [] : [configuration.respond(to: request, status: 481)]
            }
            let actions = withUsage { $0.receiveRequest(request, now: now) }
            if method == .ack, actions.contains(where: { if case .event(.acknowledged) = $0 { true } else { false } }) {
                hasBeenAcknowledged = true
            }
            return actions
        case .ended:
            return method == .ack ? [] : [configuration.respond(to: request, status: 481)]
        }
    }

    /// A response to a request we sent in the dialog (BYE, re-INVITE, INFO).
    public mutating func receive(response: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard case .established(let usage) = phase, usage.dialog.contains(response: response) else { return [] }
        return withUsage { $0.receiveResponse(response, now: now) }
    }

    /// A request we sent got no final response.
    public mutating func requestTimedOut(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.requestTimedOut(request, now: now) }
    }

    /// A deadline from `nextDeadline` passed.
    public mutating func timerFired(now: NIODeadline) -> [SIPSessionAction] {
        if case .pending(var pending) = phase, var reliable = pending.reliable {
            let tick = reliable.timerFired(now: now)
            pending.reliable = reliable
            phase = .pending(pending)
            switch tick {
            case .nothing: return []
            case .retransmit(let response): return [.sendResponse(response, request: invite)]
            case .gaveUp:
                // RFC 3262 3: no PRACK within 64*T1: reject the INVITE with a 5xx.
                let reason = "No PRACK for a reliable provisional response (RFC 3262)"
                return [.event(.failed(status: 504, reason: reason, response: nil))]
                    + reject(status: 500, reason: "Server Internal Error (no PRACK)", now: now)
            }
        }
        let actions = withUsage { $0.timerFired(now: now) }
        if actions.contains(.event(.ackTimedOut)) { hasBeenAcknowledged = true }
        return actions
    }

    // MARK: - Helpers

    private mutating func provisional(_ status: Int, sdp: [UInt8]?, now: NIODeadline) -> [SIPSessionAction] {
        guard case .pending(var pending) = phase else { return [] }
        pending.provisionalSent = true
        var response: SIPMessage? = configuration.dialogResponse(to: invite, status: status, toTag: localTag, sdp: sdp)
        if var reliable = pending.reliable, let unreliable = response {
            response = reliable.send(unreliable, now: now)
            pending.reliable = reliable
        }
        phase = .pending(pending)
        return response.map { [.sendResponse($0, request: invite)] } ?? []
    }

    /// RFC 3262 3: a PRACK matching a reliable provisional response gets 200 (and lets the next
    /// queued one go); any other 481.
    private mutating func receivePRACK(_ request: SIPMessage, pending: Pending, now: NIODeadline) -> [SIPSessionAction] {
        var pending = pending
        let sequence = ((try? invite.cseq) ?? nil)?.sequence ?? 0
        guard var reliable = pending.reliable, let rack = (try? request.rack) ?? nil else {
            return [configuration.respond(to: request, status: 481)]
        }
        let (matched, next) = reliable.receivePRACK(rack, inviteSequence: sequence, now: now)
        pending.reliable = reliable
        phase = .pending(pending)
        guard matched else { return [configuration.respond(to: request, status: 481)] }
        return [configuration.respond(to: request, status: 200)] + (next.map { [.sendResponse($0, request: invite)] } ?? [])
    }

    /// 9.2: 200 for the CANCEL; before a final response, 487 for the INVITE and the call ends.
    private mutating func receiveCancel(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        var actions = [configuration.respond(to: request, status: 200)]
        guard case .pending = phase else { return actions }
        var terminated = SIPMessage.makeResponse(to: invite, status: 487, toTag: localTag)
        SIPSessionConfiguration.moveContentLengthLast(&terminated)
        actions.append(.sendResponse(terminated, request: invite))
        actions.append(.event(.cancelled))
        return actions + finish(now: now)
    }

    private mutating func finish(now: NIODeadline) -> [SIPSessionAction] {
        phase = .ended(lingerUntil: now + configuration.timers.transactionTimeout)
        return [.event(.terminated)]
    }

    private mutating func withUsage(
        _ body: (inout SIPInviteDialogUsage) -> [SIPSessionAction]
    ) -> [SIPSessionAction] {
        guard case .established(var usage) = phase else { return [] }
        let actions = body(&usage)
        phase = .established(usage)
        return actions
    }
}
