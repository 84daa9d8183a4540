import NIOCore

/// The registration client of RFC 3261 section 10, sans-IO: it builds REGISTER requests, answers
/// digest challenges, refreshes before expiry, retries with backoff after failures and
/// unregisters on stop. Inputs are the caller's commands, responses, transaction timeouts and
/// timer expiries, each with the current time; outputs are `Action`s and `nextDeadline`.
///
/// One REGISTER is in flight at a time; its client transaction (retransmissions, Timer F) is the
/// transaction layer's business, which reports a timeout through `timedOut(now:)`.
///
/// Timing rules:
/// - Refresh: a binding granted for `g` seconds is refreshed `max(g/2, min(g - 32, 0.85 g))`
///   seconds after the REGISTER that obtained it was sent: 85 % of long intervals, 32 s (one
///   Timer F of a non-INVITE transaction, RFC 3261 17.1.2.2) before expiry for mid-length ones,
///   and never before half of the interval for very short ones.
/// - Failure: retry after `initialRetryDelay`, doubling per consecutive failure up to
///   `maximumRetryDelay`; a Retry-After in the failure response lengthens the delay (RFC 3261
///   20.33). A success resets the delay.
/// - Keepalive: while registered, a CRLF keepalive every `keepaliveInterval`.
public struct SIPRegistration {
    /// What the driver must do.
    public enum Action: Equatable, Sendable {
        /// Send this REGISTER in a new client transaction to the registrar.
        case send(SIPMessage)
        /// Send a CRLF keepalive datagram to the registrar (outside any transaction).
        case sendKeepalive
        /// The status changed (for logs and the status command).
        case statusChanged(SIPRegistrationStatus)
    }

    /// The configuration.
    public let configuration: SIPRegistrationConfiguration
    /// The Call-ID of every REGISTER of this client (RFC 3261 10.2: the same across refreshes).
    public let callID: String
    /// The From tag, constant as well.
    public let fromTag: String
    /// The current status.
    public private(set) var status: SIPRegistrationStatus = .idle

    /// The CSeq of the last REGISTER sent (RFC 3261 10.2: incremented for each).
    public private(set) var sequence: UInt32
    /// The REGISTER in flight and when it was sent.
    private var pending: (request: SIPMessage, sentAt: NIODeadline, purpose: Purpose)?
    /// The last challenge answered and how often its nonce was used (RFC 2617 3.2.2 nc).
    private var challenge: (value: DigestChallenge, isProxy: Bool, nonceCount: UInt32)?
    /// True when the pending request answers a challenge received for the previous one; a second
    /// non-stale challenge then means the credentials are wrong.
    private var answeringChallenge = false
    /// Expires to ask for; raised by 423 (RFC 3261 10.2.8).
    private var requestedExpires: UInt32
    private var retryDelay: TimeAmount
    private var retryAt: NIODeadline?
    private var refreshAt: NIODeadline?
    private var keepaliveAt: NIODeadline?
    /// Until when the registrar holds our binding (nil when it does not, as far as we know).
    private var registeredUntil: NIODeadline?
    private var stopped = false

    private enum Purpose: Equatable {
        case register
        case unregister
    }

    /// Creates a registration; `callID` and `fromTag` default to random values.
    public init(
        configuration: SIPRegistrationConfiguration, callID: String? = nil, fromTag: String? = nil,
        initialSequence: UInt32 = 1
    ) {
        self.configuration = configuration
        self.callID = callID ?? DigestAlgorithm.randomHex(16)
        self.fromTag = fromTag ?? DigestAlgorithm.randomHex(8)
        self.sequence = initialSequence &- 1
        self.requestedExpires = configuration.expires
        self.retryDelay = configuration.initialRetryDelay
    }

    /// When `timerFired(now:)` must next be called; nil when nothing is scheduled.
    public var nextDeadline: NIODeadline? {
        [retryAt, refreshAt, keepaliveAt].compactMap { $0 }.min()
    }

    // MARK: - Inputs

    /// Starts registering: sends the first REGISTER.
    public mutating func start(now: NIODeadline) -> [Action] {
        guard case .idle = status else { return [] }
        return [sendRegister(purpose: .register, now: now)] + change(to: .registering)
    }

    /// Stops: unregisters (REGISTER with Expires: 0, RFC 3261 10.2.2) when the registrar may hold
    /// our binding, else ends at once.
    public mutating func stop(now: NIODeadline) -> [Action] {
        guard !stopped else { return [] }
        stopped = true
        retryAt = nil
        refreshAt = nil
        keepaliveAt = nil
        if case .idle = status { return change(to: .unregistered(reason: nil)) }
        if registeredUntil.map({ $0 > now }) ?? false || pending != nil {
            return [sendRegister(purpose: .unregister, now: now)] + change(to: .unregistering)
        }
        pending = nil
        return change(to: .unregistered(reason: nil))
    }

    /// A response to a REGISTER. Responses to other requests, or to an earlier REGISTER, are
    /// ignored (RFC 3261 8.1.3.3 matching is the transaction layer's; this checks Call-ID and CSeq).
    public mutating func response(_ response: SIPMessage, now: NIODeadline) -> [Action] {
        guard let pending, let status = response.statusCode,
            let cseq = (try? response.cseq) ?? nil, cseq.method == .register, cseq.sequence == sequence,
            ((try? response.callID) ?? nil) == callID
        else { return [] }
        switch status {
        case 100...199:
            return []
        case 200...299:
            return success(response, pending: pending, now: now)
        case 401, 407:
            return challenged(response, status: status, pending: pending, now: now)
        case 423:
            // RFC 3261 10.2.8 / 10.3 step 7: retry with at least Min-Expires.
            guard pending.purpose == .register, let minimum = (try? response.minExpires) ?? nil,
                minimum > requestedExpires
            else {
                return failure(
                    "registrar answered 423 Interval Too Brief without a usable Min-Expires", now: now,
                    response: response)
            }
            requestedExpires = minimum
            return [sendRegister(purpose: .register, now: now)]
        default:
            let reason = "registrar answered \(status) \(response.reasonPhrase ?? "")".trimmingTrailingSpace
            return failure(reason, now: now, response: response)
        }
    }

    /// The REGISTER transaction ended without a final response (Timer F, or a transport error).
    public mutating func timedOut(now: NIODeadline) -> [Action] {
        guard pending != nil else { return [] }
        return failure("no response from the registrar (timeout)", now: now, response: nil)
    }

    /// A deadline from `nextDeadline` passed.
    public mutating func timerFired(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        if let at = retryAt, at <= now {
            retryAt = nil
            if pending == nil {
                actions.append(sendRegister(purpose: .register, now: now))
                actions += change(to: .registering)
            }
        }
        if let at = refreshAt, at <= now {
            refreshAt = nil
            if pending == nil { actions.append(sendRegister(purpose: .register, now: now)) }
        }
        if let at = keepaliveAt, at <= now, let interval = configuration.keepaliveInterval {
            keepaliveAt = now + interval
            actions.append(.sendKeepalive)
        }
        return actions
    }

    // MARK: - Responses

    private mutating func success(
        _ response: SIPMessage, pending: (request: SIPMessage, sentAt: NIODeadline, purpose: Purpose), now: NIODeadline
    ) -> [Action] {
        self.pending = nil
        answeringChallenge = false
        retryDelay = configuration.initialRetryDelay
        if pending.purpose == .unregister {
            registeredUntil = nil
            return change(to: .unregistered(reason: nil))
        }
        let granted = grantedExpires(in: response)
        guard granted > 0 else {
            return failure(
                "registrar accepted the REGISTER but kept no binding for our Contact", now: now, response: nil)
        }
        let until = pending.sentAt + .seconds(Int64(granted))
        registeredUntil = until
        refreshAt = pending.sentAt + Self.refreshDelay(granted: granted)
        if keepaliveAt == nil, let interval = configuration.keepaliveInterval { keepaliveAt = now + interval }
        return change(to: .registered(until: until, expires: granted))
    }

    /// RFC 3261 10.2.4: the expiry of our binding is the `expires` parameter of our Contact in
    /// the 200, else the Expires header, else what we asked for.
    func grantedExpires(in response: SIPMessage) -> UInt32 {
        let ours = configuration.contactURI
        if let contacts = (try? response.contacts) ?? nil {
            for contact in contacts.addresses {
                if let uri = contact.uri.sipURI, uri.isEquivalent(to: ours), let expires = contact.expires {
                    return expires
                }
            }
        }
        if let expires = (try? response.expires) ?? nil { return expires }
        return requestedExpires
    }

    /// The delay from sending a REGISTER to refreshing the binding it obtained (see the type's
    /// documentation).
    public static func refreshDelay(granted: UInt32) -> TimeAmount {
        let g = Int64(granted) * 1000
        let early = min(g - 32_000, g * 85 / 100)
        return .milliseconds(max(g / 2, early))
    }

    private mutating func challenged(
        _ response: SIPMessage, status: Int, pending: (request: SIPMessage, sentAt: NIODeadline, purpose: Purpose),
        now: NIODeadline
    ) -> [Action] {
        let isProxy = status == 407
        let challenges: [DigestChallenge]
        do {
            challenges = try response.digestChallenges()
        } catch {
            return failure("registrar sent an unreadable challenge: \(error)", now: now, response: nil)
        }
        // RFC 8760 2.4: use the first challenge with an algorithm we support.
        guard let chosen = challenges.first(where: { $0.resolvedAlgorithm != nil }) else {
            var offered = challenges.map { $0.algorithm ?? "MD5" }.joined(separator: ", ")
            if offered.isEmpty { offered = "no Digest challenge" }
            return failure("registrar offered no supported digest algorithm (\(offered))", now: now, response: nil)
        }
        if let realm = configuration.realm, chosen.realm != realm {
            return failure(
                "registrar challenged for realm '\(chosen.realm)' but the credentials are for realm '\(realm)'",
                now: now, response: nil)
        }
        // A second challenge after answering one means the credentials were refused, unless the
        // nonce was only stale (RFC 2617 3.2.1: retry with the new nonce, no new credentials).
        if answeringChallenge && !chosen.stale {
            let what = pending.purpose == .unregister ? "unregistering" : "registering"
            return failure(
                "authentication failed while \(what): the registrar answered \(status) again to our credentials "
                    + "for user '\(configuration.username)' in realm '\(chosen.realm)' (wrong username or password?)",
                now: now, response: nil)
        }
        challenge = (chosen, isProxy, 0)
        answeringChallenge = true
        return [sendRegister(purpose: pending.purpose, now: now, keepAnswering: true)]
    }

    private mutating func failure(_ reason: String, now: NIODeadline, response: SIPMessage?) -> [Action] {
        let purpose = pending?.purpose
        pending = nil
        answeringChallenge = false
        refreshAt = nil
        if purpose == .unregister || stopped {
            registeredUntil = nil
            return change(to: .unregistered(reason: reason))
        }
        keepaliveAt = nil
        var delay = retryDelay
        if let retryAfter = response.flatMap(Self.retryAfter) { delay = max(delay, .seconds(Int64(retryAfter))) }
        retryDelay = min(retryDelay * 2, configuration.maximumRetryDelay)
        let at = now + delay
        retryAt = at
        return change(to: .failed(reason: reason, retryAt: at))
    }

    /// The seconds of a Retry-After header (RFC 3261 20.33), without comment or parameters.
    static func retryAfter(_ response: SIPMessage) -> UInt32? {
        guard let value = response.headers["Retry-After"] else { return nil }
        let digits = value.drop { $0 == " " }.prefix { $0.isASCII && $0.isNumber }
        return SIPNameAddress.parseDeltaSeconds(String(digits))
    }

    // MARK: - Requests

    /// Builds and records the next REGISTER (RFC 3261 10.2): Request-URI the registrar domain,
    /// To and From the address of record, constant Call-ID, next CSeq, a new branch.
    private mutating func sendRegister(purpose: Purpose, now: NIODeadline, keepAnswering: Bool = false) -> Action {
        if !keepAnswering { answeringChallenge = false }
        sequence &+= 1
        let config = configuration
        let advertised = config.advertisedAddress
        var headers = SIPHeaders()
        let via = SIPVia(
            transport: config.transport, host: advertised.host, port: advertised.port,
            branch: SIPVia.magicCookie + DigestAlgorithm.randomHex(12), parameters: ["rport": nil])
        headers.add(.via, via.description)
        headers.add(.maxForwards, "70")
        headers.add(.to, SIPNameAddress(uri: config.addressOfRecord).description)
        headers.add(.from, SIPNameAddress(uri: config.addressOfRecord, parameters: ["tag": fromTag]).description)
        headers.add(.callID, callID)
        headers.add(.cseq, SIPCSeq(sequence: sequence, method: .register).description)
        headers.add(.contact, SIPNameAddress(uri: config.contactURI).description)
        headers.add(.expires, String(purpose == .unregister ? 0 : requestedExpires))
        if let userAgent = config.userAgent { headers.add(.userAgent, userAgent) }
        if let authorization = authorization() { headers.add(authorization.name, authorization.value) }
        let request = SIPMessage(method: .register, uri: .sip(config.registrarURI), headers: headers)
        pending = (request, now, purpose)
        return .send(request)
    }

    /// Credentials for the last challenge, with the nonce count incremented (RFC 2617 3.2.2):
    /// sent in answer to a challenge and, pre-emptively, on later REGISTERs with the same nonce.
    private mutating func authorization() -> (name: SIPHeaderName, value: String)? {
        guard var challenge else { return nil }
        challenge.nonceCount += 1
        self.challenge = challenge
        guard
            let credentials = try? DigestCredentials.respond(
                to: challenge.value, username: configuration.username, password: configuration.password,
                method: .register, uri: configuration.registrarURI.description, nonceCount: challenge.nonceCount)
        else { return nil }
        return (challenge.isProxy ? .proxyAuthorization : .authorization, credentials.description)
    }

    private mutating func change(to new: SIPRegistrationStatus) -> [Action] {
        guard new != status else { return [] }
        status = new
        return [.statusChanged(new)]
    }
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
