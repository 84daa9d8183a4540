import NIOCore

/// An outgoing call as the UAC of RFC 3261 13.2, sans-IO: it sends the INVITE it was given,
/// consumes the responses the transaction layer delivers, ACKs every 2xx, cancels (section 9.1),
/// answers digest challenges once, hangs up forks (13.2.2.4), and then runs the dialog (BYE,
/// re-INVITE with glare back-off, INFO). Inputs carry `now`; outputs are `SIPSessionAction`s and
/// `nextDeadline`.
///
/// ACKs for non-2xx responses are the client transaction's (17.1.1.3); this session never sees
/// those responses twice.
public struct SIPInviteClientSession {
    /// Where the call is.
    public enum State: Hashable, Sendable {
        /// INVITE sent, no provisional response yet.
        case calling
        /// A provisional response arrived.
        case proceeding
        /// `cancel()` was called: CANCEL sent, or waiting for a provisional response to send it.
        case cancelling
        /// Answered and acknowledged.
        case confirmed
        /// Our BYE is out.
        case terminating
        /// Over (see `isFinished` for when the driver may forget it).
        case terminated
    }

    private enum CancelState: Hashable {
        case none
        /// 9.1: no provisional response yet; CANCEL goes out with the first one.
        case deferred
        /// CANCEL sent; after 64*T1 without a final response the INVITE counts as cancelled.
        case sent(giveUpAt: NIODeadline)
    }

    private struct Inviting {
        var hadProvisional = false
        var cancel = CancelState.none
        var earlyDialogs: [String: SIPDialog] = [:]
        var authAttempts = 0
        var intervalRetries = 0
        /// The last RSeq PRACKed in each early dialog (by To tag), RFC 3262 4.
        var rseqs: [String: UInt32] = [:]
    }

    private enum Phase {
        case inviting(Inviting)
        case established(SIPInviteDialogUsage)
        case ended(lingerUntil: NIODeadline)
    }

    /// Our addresses, timers and randomness.
    public let configuration: SIPSessionConfiguration
    /// Where the INVITE and CANCEL go (the trunk or outbound proxy).
    public let peer: SocketAddress
    /// What challenges are answered with; nil fails the call on 401/407.
    public let credentials: SIPCredentials?
    /// The current INVITE (a new one after a challenge: new CSeq and branch, same Call-ID and
    /// From tag).
    public private(set) var invite: SIPMessage
    /// The Call-ID of the call.
    public let callID: String
    /// Our From tag: the local tag of every dialog of this call.
    public let localTag: String
    private var phase = Phase.inviting(Inviting())
    /// The ACK sent for the 2xx of each dialog (by To tag), resent for its retransmissions.
    private var inviteAcks: [String: SIPMessage] = [:]
    private var started = false

    /// Starts from a complete INVITE: one Via with a branch, From with a tag, Call-ID, CSeq,
    /// Contact and the SDP offer. Throws (`SIPParseError`) when it lacks one of them.
    public init(
        invite: SIPMessage, peer: SocketAddress, configuration: SIPSessionConfiguration,
        credentials: SIPCredentials? = nil
    ) throws {
        guard invite.method == .invite else {
            throw SIPParseError(code: .methodMismatch, reason: "session: the request is not an INVITE", position: 0)
        }
        guard let via = try invite.topVia, via.branch != nil else {
            throw SIPParseError(
                code: .missingHeader, header: "Via", reason: "session: the INVITE needs a Via with a branch",
                position: 0)
        }
        guard let tag = try SIPDialog.required(try invite.from, "From").tag else {
            throw SIPParseError(
                code: .malformedHeader, header: "From", reason: "session: the INVITE needs a From tag", position: 0)
        }
        self.callID = try SIPDialog.required(try invite.callID, "Call-ID")
        _ = try SIPDialog.required(try invite.cseq, "CSeq")
        _ = try SIPDialog.required(try invite.to, "To")
        _ = try SIPDialog.contact(of: invite)
        self.invite = invite
        self.localTag = tag
        self.peer = peer
        self.configuration = configuration
        self.credentials = credentials
    }

    /// Builds an initial INVITE (RFC 3261 8.1.1, 13.2.1): our Via, Max-Forwards 70, the
    /// routes, From with a new tag, To, Call-ID, CSeq 1, Contact, Allow, Supported, User-Agent,
    /// the extra headers and the SDP offer.
    public static func makeInvite(
        _ parameters: SIPInviteParameters, configuration: SIPSessionConfiguration
    ) -> SIPMessage {
        var headers = SIPHeaders()
        headers.add(.via, configuration.makeVia().description)
        headers.add(.maxForwards, "70")
        for route in parameters.routes { headers.add(.route, route.description) }
        var from = parameters.from
        from.tag = SIPSessionConfiguration.makeTag()
        headers.add(.from, from.description)
        var to = parameters.to
        to.tag = nil
        headers.add(.to, to.description)
        headers.add(.callID, parameters.callID ?? DigestAlgorithm.randomHex(16))
        headers.add(.cseq, SIPCSeq(sequence: 1, method: .invite).description)
        headers.add(.contact, configuration.contactHeader)
        var invite = SIPMessage(method: .invite, uri: parameters.requestURI, headers: headers)
        configuration.addCapabilities(to: &invite)
        if let interval = configuration.sessionInterval {
            // RFC 4028 7.1: the interval we want; the UAS picks the refresher.
            invite.headers.add(.sessionExpires, String(interval))
            invite.headers.add(.minSE, String(configuration.minimumSessionInterval))
        }
        invite.headers.fields += parameters.extraHeaders.fields
        invite.setBody(parameters.sdp, contentType: .sdp)
        SIPSessionConfiguration.moveContentLengthLast(&invite)
        return invite
    }

    // MARK: - State

    /// Where the call is.
    public var state: State {
        switch phase {
        case .inviting(let inviting):
            if inviting.cancel != .none { return .cancelling }
            return inviting.hadProvisional ? .proceeding : .calling
        case .established(let usage):
            switch usage.phase {
            case .active: return .confirmed
            case .closing: return .terminating
            case .ended: return .terminated
            }
        case .ended:
            return .terminated
        }
    }

    /// The confirmed dialog, once answered.
    public var dialog: SIPDialog? {
        if case .established(let usage) = phase { return usage.dialog }
        return nil
    }

    /// The early dialogs (one per To tag of the provisional responses), while ringing.
    public var earlyDialogs: [SIPDialog] {
        if case .inviting(let inviting) = phase { return Array(inviting.earlyDialogs.values) }
        return []
    }

    /// True when `reinvite(sdp:now:)` would send a re-INVITE now.
    public var canSendOffer: Bool {
        if case .established(let usage) = phase { return usage.canSendOffer }
        return false
    }

    /// When `timerFired(now:)` must next be called.
    public var nextDeadline: NIODeadline? {
        switch phase {
        case .inviting(let inviting):
            if case .sent(let giveUpAt) = inviting.cancel { return giveUpAt }
            return nil
        case .established(let usage): return usage.nextDeadline
        case .ended(let until): return until
        }
    }

    /// True once the call is over and its retransmission window has passed: the driver may
    /// forget the session.
    public func isFinished(now: NIODeadline) -> Bool {
        switch phase {
        case .inviting: return false
        case .established(let usage): return usage.isFinished(now: now)
        case .ended(let until): return now >= until
        }
    }

    private var inviteSequence: UInt32 { ((try? invite.cseq) ?? nil)?.sequence ?? 0 }

    // MARK: - Inputs

    /// Sends the INVITE (once).
    public mutating func start(now: NIODeadline) -> [SIPSessionAction] {
        guard !started else { return [] }
        started = true
        return [.sendRequest(invite, to: peer)]
    }

    /// A response to one of our requests (as the transaction layer delivers them: provisional
    /// and final responses, and every 2xx to the INVITE).
    public mutating func receive(response: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let status = response.statusCode, let cseq = (try? response.cseq) ?? nil,
            let id = SIPDialogID(receivedResponse: response), id.callID == callID, id.localTag == localTag
        else { return [] }
        if cseq.method == .invite && cseq.sequence == inviteSequence {
            switch status {
            case 100...199: return provisional(response, status: status, now: now)
            case 200...299: return answered(response, now: now)
            default: return finalFailure(response, status: status, now: now)
            }
        }
        guard case .established(var usage) = phase, usage.dialog.id == id else { return [] }
        let actions = usage.receiveResponse(response, now: now)
        phase = .established(usage)
        return actions
    }

    /// A request the peer sent in one of our dialogs (BYE, re-INVITE, UPDATE, INFO, OPTIONS).
    public mutating func receive(request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard let method = request.method else { return [] }
        switch phase {
        case .established(var usage) where usage.dialog.contains(request: request):
            let actions = usage.receiveRequest(request, now: now)
            phase = .established(usage)
            return actions
        case .inviting(var inviting):
            guard let id = SIPDialogID(receivedRequest: request), id.callID == callID, id.localTag == localTag,
                inviting.earlyDialogs[id.remoteTag] != nil
            else { return method == .ack ? [] : [configuration.respond(to: request, status: 481)] }
            if method == .bye {
                // The callee gave up this early dialog; the INVITE still gets its final response.
                inviting.earlyDialogs[id.remoteTag] = nil
                phase = .inviting(inviting)
                return [configuration.respond(to: request, status: 200)]
            }
            return Self.earlyRequest(request, configuration: configuration)
        default:
            return method == .ack ? [] : [configuration.respond(to: request, status: 481)]
        }
    }

    /// A request we sent got no final response (Timer B or F, or a transport error).
    public mutating func requestTimedOut(_ request: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        guard ((try? request.callID) ?? nil) == callID, let method = request.method else { return [] }
        if method == .invite, ((try? request.cseq) ?? nil)?.sequence == inviteSequence {
            guard case .inviting(let inviting) = phase else { return [] }
            return finish(
                now: now,
                inviting.cancel != .none ? .cancelled : .failed(status: 408, reason: "Request Timeout", response: nil))
        }
        guard case .established(var usage) = phase else { return [] }
        let actions = usage.requestTimedOut(request, now: now)
        phase = .established(usage)
        return actions
    }

    /// A deadline from `nextDeadline` passed.
    public mutating func timerFired(now: NIODeadline) -> [SIPSessionAction] {
        switch phase {
        case .inviting(let inviting):
            // 9.1: no final response 64*T1 after the CANCEL: consider the INVITE cancelled.
            if case .sent(let giveUpAt) = inviting.cancel, now >= giveUpAt { return finish(now: now, .cancelled) }
            return []
        case .established(var usage):
            let actions = usage.timerFired(now: now)
            phase = .established(usage)
            return actions
        case .ended:
            return []
        }
    }

    // MARK: - Commands

    /// Cancels the call before it is answered (RFC 3261 9.1): CANCEL at once if a provisional
    /// response arrived, else as soon as one does. Ignored once answered (use `hangUp`).
    public mutating func cancel(now: NIODeadline) -> [SIPSessionAction] {
        guard case .inviting(var inviting) = phase, inviting.cancel == .none else { return [] }
        guard inviting.hadProvisional else {
            inviting.cancel = .deferred
            phase = .inviting(inviting)
            return []
        }
        inviting.cancel = .sent(giveUpAt: now + configuration.timers.transactionTimeout)
        phase = .inviting(inviting)
        return [.sendRequest(makeCancel(), to: peer)]
    }

    /// Ends the call: CANCEL before the answer, BYE after (RFC 3261 15.1.1).
    public mutating func hangUp(now: NIODeadline) -> [SIPSessionAction] {
        switch phase {
        case .inviting: return cancel(now: now)
        case .established(var usage):
            let actions = usage.hangUp(now: now)
            phase = .established(usage)
            return actions
        case .ended: return []
        }
    }

    /// Our side's SDP as negotiated (the offer narrowed to what the answer chose, with a new version):
    /// what a session refresh by re-INVITE repeats (RFC 4028 7.4). Ignored before the answer.
    public mutating func updateLocalSDP(_ sdp: [UInt8]) {
        _ = withUsage {
            $0.localSDP = sdp
            return []
        }
    }

    /// Sends a re-INVITE with a new offer; a 491 is retried after the RFC 3261 14.1 wait.
    /// Ignored unless `canSendOffer`.
    public mutating func reinvite(sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.reinvite(sdp: sdp, now: now) }
    }

    /// Answers the peer's re-INVITE or UPDATE (from `.reinviteReceived`) with our SDP.
    public mutating func answer(reinvite request: SIPMessage, sdp: [UInt8], now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.answerOffer(request, sdp: sdp, now: now) }
    }

    /// Refuses the peer's re-INVITE or UPDATE with a 3xx-6xx status (488 for SDP we cannot use).
    public mutating func reject(reinvite request: SIPMessage, status: Int, now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.rejectOffer(request, status: status, now: now) }
    }

    /// Sends INFO with this body (DTMF relay and the like); the outcome comes as `.infoAnswered`.
    public mutating func sendInfo(body: [UInt8], contentType: SIPMediaType?, now: NIODeadline) -> [SIPSessionAction] {
        withUsage { $0.sendInfo(body: body, contentType: contentType, now: now) }
    }

    // MARK: - INVITE responses

    private mutating func provisional(_ response: SIPMessage, status: Int, now: NIODeadline) -> [SIPSessionAction] {
        guard case .inviting(var inviting) = phase else { return [] }
        var actions: [SIPSessionAction] = []
        inviting.hadProvisional = true
        if inviting.cancel == .deferred {
            inviting.cancel = .sent(giveUpAt: now + configuration.timers.transactionTimeout)
            actions.append(.sendRequest(makeCancel(), to: peer))
        }
        let tag = ((try? response.to) ?? nil)?.tag
        let rseq = reliableSequence(of: response, status: status)
        if let rseq, let tag, let last = inviting.rseqs[tag], rseq != last &+ 1 {
            // RFC 3262 4: a retransmission (already PRACKed) or out of order: nothing to do.
            phase = .inviting(inviting)
            return actions
        }
        if status > 100, let tag, inviting.earlyDialogs[tag] == nil,
            let dialog = try? SIPDialog(uacRequest: invite, response: response)
        {
            inviting.earlyDialogs[tag] = dialog
            actions.append(.event(.earlyDialog(dialog.id)))
        }
        if let rseq, let tag, var dialog = inviting.earlyDialogs[tag] {
            // RFC 3262 4 / 7.2: PRACK in the early dialog, RAck naming the response.
            var prack = dialog.makeRequest(.prack, via: configuration.makeVia())
            prack.headers.add(.rack, SIPRAck(responseNumber: rseq, cseqNumber: inviteSequence, method: .invite).description)
            SIPSessionConfiguration.moveContentLengthLast(&prack)
            inviting.earlyDialogs[tag] = dialog
            inviting.rseqs[tag] = rseq
            actions.append(.sendRequest(prack, to: configuration.destination(in: dialog, peer: peer)))
        }
        if status > 100 {
            let body = response.body.isEmpty ? nil : response.body
            actions.append(.event(.provisional(status: status, reason: response.reasonPhrase ?? "", body: body)))
        }
        phase = .inviting(inviting)
        return actions
    }

    private mutating func answered(_ response: SIPMessage, now: NIODeadline) -> [SIPSessionAction] {
        let tag = ((try? response.to) ?? nil)?.tag ?? ""
        if let ack = inviteAcks[tag] {
            // 13.2.2.4: each retransmission of the 2xx gets the same ACK.
            return [.sendRequest(ack, to: ackDestination(for: ack))]
        }
        var dialog: SIPDialog
        do {
            dialog = try SIPDialog(uacRequest: invite, response: response)
        } catch {
            // Without Contact or readable headers there is no dialog to ACK in.
            guard case .inviting = phase else { return [] }
            return finish(
                now: now, .failed(status: 502, reason: "Bad Gateway (unusable 2xx: \(error))", response: response))
        }
        if case .inviting(let inviting) = phase, let early = inviting.earlyDialogs[tag]?.localSequence {
            // 12.2.1.1: CSeq keeps rising in the dialog; the early dialog's PRACKs used numbers already.
            dialog.localSequence = max(dialog.localSequence ?? 0, early)
        }
        var ack = dialog.makeACK(sequence: inviteSequence, via: configuration.makeVia())
        // 13.2.2.4 / 22: the ACK carries the INVITE's credentials.
        for name in [SIPHeaderName.authorization, .proxyAuthorization] {
            for value in invite.headers.values(for: name) { ack.headers.add(name, value) }
        }
        SIPSessionConfiguration.moveContentLengthLast(&ack)
        inviteAcks[tag] = ack
        let destination = configuration.destination(in: dialog, peer: peer)
        guard case .inviting(let inviting) = phase else {
            // 13.2.2.4: a 2xx from another fork (or after we gave up): ACK it, then BYE it.
            var fork = dialog
            let bye = fork.makeRequest(.bye, via: configuration.makeVia())
            return [.sendRequest(ack, to: destination), .sendRequest(bye, to: destination)]
        }
        var usage = SIPInviteDialogUsage(
            dialog: dialog, configuration: configuration, peer: peer, ownsCallID: true, credentials: credentials)
        usage.established(invite: invite, response: response, localSDP: invite.body, weAreUAC: true, now: now)
        var actions: [SIPSessionAction] = [.sendRequest(ack, to: destination)]
        if inviting.cancel != .none {
            // The 2xx crossed our CANCEL (9.1): the call exists, so end it with BYE at once.
            actions += usage.hangUp(now: now)
            actions.append(.event(.cancelled))
        } else {
            actions.append(.event(.answered(response)))
        }
        phase = .established(usage)
        return actions
    }

    private mutating func finalFailure(_ response: SIPMessage, status: Int, now: NIODeadline) -> [SIPSessionAction] {
        guard case .inviting(var inviting) = phase else { return [] }
        if status == 401 || status == 407, inviting.cancel == .none, let credentials,
            let auth = credentials.authorization(for: invite, challenge: response),
            inviting.authAttempts == 0 || (auth.stale && inviting.authAttempts < 3)
        {
            // 22.2/22.3: the same INVITE with credentials.
            var retry = invite
            retry.headers.remove(.authorization)
            retry.headers.remove(.proxyAuthorization)
            retry.headers.add(auth.name, auth.value)
            inviting.authAttempts += 1
            return resend(retry, inviting: inviting)
        }
        if status == 422, inviting.cancel == .none, inviting.intervalRetries < 2,
            let minimum = (try? response.minSE) ?? nil,
            let asked = ((try? invite.sessionExpires) ?? nil)?.interval, minimum > asked
        {
            // RFC 4028 7.3: ask again with the peer's minimum.
            var retry = invite
            retry.headers.set(.sessionExpires, String(minimum))
            retry.headers.set(.minSE, String(minimum))
            inviting.intervalRetries += 1
            return resend(retry, inviting: inviting)
        }
        let event: SIPSessionEvent =
            inviting.cancel != .none
            ? .cancelled : .failed(status: status, reason: response.reasonPhrase ?? "", response: response)
        return finish(now: now, event)
    }

    // MARK: - Helpers

    /// The RSeq of a reliable provisional response (RFC 3262 4: `Require: 100rel` and RSeq),
    /// when we do 100rel.
    private func reliableSequence(of response: SIPMessage, status: Int) -> UInt32? {
        guard configuration.reliableProvisionals, status > 100,
            ((try? response.require) ?? []).contains(where: { SIPGrammar.equalsIgnoringCase($0, "100rel") })
        else { return nil }
        return (try? response.rseq) ?? nil
    }

    /// Sends the INVITE again after a 401/407 or 422: a new CSeq and branch, same Call-ID and
    /// From tag (RFC 3261 22.2, RFC 4028 7.3).
    private mutating func resend(_ request: SIPMessage, inviting: Inviting) -> [SIPSessionAction] {
        var retry = request
        var inviting = inviting
        retry.headers.set(.via, configuration.makeVia().description)
        retry.headers.set(.cseq, SIPCSeq(sequence: inviteSequence &+ 1, method: .invite).description)
        SIPSessionConfiguration.moveContentLengthLast(&retry)
        invite = retry
        inviting.hadProvisional = false
        inviting.earlyDialogs = [:]
        inviting.rseqs = [:]
        phase = .inviting(inviting)
        return [.sendRequest(retry, to: peer)]
    }

    private mutating func finish(now: NIODeadline, _ event: SIPSessionEvent) -> [SIPSessionAction] {
        phase = .ended(lingerUntil: now + configuration.timers.transactionTimeout)
        return [.event(event), .event(.terminated)]
    }

    private mutating func withUsage(
        _ body: (inout SIPInviteDialogUsage) -> [SIPSessionAction]
    ) -> [SIPSessionAction] {
        guard case .established(var usage) = phase else { return [] }
        let actions = body(&usage)
        phase = .established(usage)
        return actions
    }

    private func ackDestination(for ack: SIPMessage) -> SocketAddress {
        if let dialog { return configuration.destination(in: dialog, peer: peer) }
        return peer
    }

    /// RFC 3261 9.1: Request-URI, Call-ID, From, To and CSeq number of the INVITE, its top Via
    /// (same branch) and Route, method CANCEL.
    func makeCancel() -> SIPMessage {
        var headers = SIPHeaders()
        if let via = (try? invite.topVia) ?? nil { headers.add(.via, via.description) }
        headers.add(.maxForwards, "70")
        for route in invite.headers.values(for: .route) { headers.add(.route, route) }
        for name in [SIPHeaderName.from, .to, .callID] {
            if let value = invite.headers[name] { headers.add(name, value) }
        }
        headers.add(.cseq, SIPCSeq(sequence: inviteSequence, method: .cancel).description)
        return SIPMessage(method: .cancel, uri: invite.requestURI ?? .other("sip:invalid"), headers: headers)
    }

    /// Requests in an early dialog: INFO and OPTIONS are answered; an UPDATE cannot carry an
    /// offer before the answer without reliable provisional responses (RFC 3311 5.1, RFC 3262
    /// not implemented), so it gets 500 with Retry-After; anything else 481 or 405.
    static func earlyRequest(_ request: SIPMessage, configuration: SIPSessionConfiguration) -> [SIPSessionAction] {
        switch request.method {
        case .info?:
            let contentType = (try? request.contentType) ?? nil
            return [
                configuration.respond(to: request, status: 200),
                .event(.infoReceived(body: request.body, contentType: contentType)),
            ]
        case .options?:
            return [configuration.optionsResponse(to: request)]
        case .update?:
            return [configuration.respond(to: request, status: 500, retryAfter: true)]
        case .ack?, nil:
            return []
        case .prack?, .bye?, .invite?:
            return [configuration.respond(to: request, status: 481)]
        default:
            return [configuration.respond(to: request, status: 405)]
        }
    }
}
