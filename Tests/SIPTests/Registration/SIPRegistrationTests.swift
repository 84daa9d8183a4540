import NIOCore
import Testing

@testable import SIP

/// The registration state machine in virtual time: every path of RFC 3261 section 10 as a client.
@Suite struct SIPRegistrationTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    static let aor = try! SIPURI(parsing: "sip:alice@example.test")

    static func configuration(
        external: SIPRegistrationConfiguration.Address? = nil, realm: String? = "example.test", expires: UInt32 = 600
    ) -> SIPRegistrationConfiguration {
        SIPRegistrationConfiguration(
            addressOfRecord: aor, localAddress: .init(host: .ipv4("10.0.0.5"), port: 5070), externalAddress: external,
            username: "alice", password: "secret", realm: realm, expires: expires)
    }

    static let authenticator = DigestAuthenticator(realm: "example.test", secret: Array("0123456789abcdef".utf8))

    /// The REGISTER among the actions (exactly one).
    func sent(_ actions: [SIPRegistration.Action], sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage? {
        let requests = actions.compactMap { action -> SIPMessage? in
            if case .send(let m) = action { return m }
            return nil
        }
        #expect(requests.count == 1, "actions: \(actions)", sourceLocation: sourceLocation)
        return requests.first
    }

    func statuses(_ actions: [SIPRegistration.Action]) -> [SIPRegistrationStatus] {
        actions.compactMap { action in
            if case .statusChanged(let s) = action { return s }
            return nil
        }
    }

    func response(
        to request: SIPMessage, _ status: Int, headers: [(SIPHeaderName, String)] = []
    ) -> SIPMessage {
        var response = SIPMessage.makeResponse(to: request, status: status)
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    func challenge(
        to request: SIPMessage, stale: Bool = false, algorithm: DigestAlgorithm = .md5, qop: [String] = ["auth"],
        proxy: Bool = false, now: NIODeadline = t0
    ) -> SIPMessage {
        var authenticator = Self.authenticator
        authenticator.algorithm = algorithm
        authenticator.qopOptions = qop
        let value = authenticator.challenge(now: UInt64(now.uptimeNanoseconds / 1_000_000_000), stale: stale)
        return response(
            to: request, proxy ? 407 : 401,
            headers: [(proxy ? .proxyAuthenticate : .wwwAuthenticate, value.description)])
    }

    /// Checks the Authorization of a REGISTER with the registrar-side authenticator.
    func credentials(
        of request: SIPMessage, password: String = "secret", algorithm: DigestAlgorithm = .md5,
        qop: [String] = ["auth"], header: SIPHeaderName = .authorization, now: NIODeadline = t0
    ) throws -> (DigestCredentials, DigestAuthenticator.Outcome) {
        let value = try #require(request.headers[header])
        let credentials = try DigestCredentials(parsing: value)
        var authenticator = Self.authenticator
        authenticator.algorithm = algorithm
        authenticator.qopOptions = qop
        let outcome = authenticator.verify(
            credentials, method: .register, requestURI: "sip:example.test",
            now: UInt64(now.uptimeNanoseconds / 1_000_000_000), password: { $0 == "alice" ? password : nil })
        return (credentials, outcome)
    }

    /// Starts, answers the challenge and accepts with `granted` seconds.
    func registered(granted: UInt32 = 600) throws -> (SIPRegistration, SIPMessage) {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let second = try #require(sent(registration.response(challenge(to: first), now: Self.t0)))
        let ok = response(to: second, 200, headers: [(.contact, "<sip:alice@10.0.0.5:5070>;expires=\(granted)")])
        #expect(statuses(registration.response(ok, now: Self.t0 + .milliseconds(20))).first?.isRegistered == true)
        return (registration, second)
    }

    // MARK: - Requests

    @Test func firstRegisterFollowsSection10() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let actions = registration.start(now: Self.t0)
        #expect(statuses(actions) == [.registering])
        let request = try #require(sent(actions))
        #expect(request.method == .register)
        #expect(request.requestURI?.description == "sip:example.test")
        #expect(try request.to?.uri.description == "sip:alice@example.test")
        #expect(try request.to?.tag == nil)
        #expect(try request.from?.uri.description == "sip:alice@example.test")
        #expect(try request.from?.tag == registration.fromTag)
        #expect(try request.callID == registration.callID)
        #expect(try request.cseq == SIPCSeq(sequence: 1, method: .register))
        #expect(try request.contacts?.addresses.map(\.uri.description) == ["sip:alice@10.0.0.5:5070"])
        #expect(try request.expires == 600)
        let via = try #require(try request.topVia)
        #expect(via.hasMagicCookie)
        #expect(via.rport == .requested)
        #expect(via.sentBy == "10.0.0.5:5070")
        #expect(request.headers[.authorization] == nil)
        #expect(try request.maxForwards == 70)
    }

    @Test func externalAddressReplacesThePrivateOneEverywhere() throws {
        var registration = SIPRegistration(
            configuration: Self.configuration(external: .init(host: .ipv4("203.0.113.7"), port: 5999)))
        let request = try #require(sent(registration.start(now: Self.t0)))
        #expect(try request.contacts?.addresses.map(\.uri.description) == ["sip:alice@203.0.113.7:5999"])
        #expect(try request.topVia?.sentBy == "203.0.113.7:5999")
        #expect(!request.description.contains("10.0.0.5"))

        // Without a port of its own the external address keeps the local port.
        var other = SIPRegistration(configuration: Self.configuration(external: .init(host: .ipv4("203.0.113.7"))))
        let second = try #require(sent(other.start(now: Self.t0)))
        #expect(try second.contacts?.addresses.map(\.uri.description) == ["sip:alice@203.0.113.7:5070"])
    }

    // MARK: - Authentication

    @Test func challengeIsAnsweredWithMD5AndQopAuth() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let actions = registration.response(challenge(to: first), now: Self.t0)
        #expect(statuses(actions).isEmpty)
        let second = try #require(sent(actions))
        #expect(try second.callID == registration.callID)
        #expect(try second.cseq?.sequence == 2)
        #expect(try second.topVia?.branch != first.topVia?.branch)
        let (credentials, outcome) = try credentials(of: second)
        #expect(outcome == .authorized(username: "alice"))
        #expect(credentials.qop == "auth")
        #expect(credentials.nonceCount == 1)
        #expect(credentials.uri == "sip:example.test")
    }

    @Test func sha256ChallengeWithoutQop() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let second = try #require(
            sent(registration.response(challenge(to: first, algorithm: .sha256, qop: []), now: Self.t0)))
        let (credentials, outcome) = try credentials(of: second, algorithm: .sha256, qop: [])
        #expect(outcome == .authorized(username: "alice"))
        #expect(credentials.qop == nil && credentials.nonceCount == nil && credentials.cnonce == nil)
        #expect(credentials.algorithm == "SHA-256")
    }

    @Test func proxyChallengeIsAnsweredWithProxyAuthorization() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let second = try #require(sent(registration.response(challenge(to: first, proxy: true), now: Self.t0)))
        #expect(second.headers[.authorization] == nil)
        #expect(try credentials(of: second, header: .proxyAuthorization).1 == .authorized(username: "alice"))
    }

    @Test func staleNonceIsRetriedWithoutCountingAsFailure() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let second = try #require(sent(registration.response(challenge(to: first), now: Self.t0)))
        let later = Self.t0 + .seconds(400)
        let actions = registration.response(challenge(to: second, stale: true, now: later), now: later)
        #expect(statuses(actions).isEmpty)
        let third = try #require(sent(actions))
        let (old, _) = try credentials(of: second)
        let (new, outcome) = try credentials(of: third, now: later)
        #expect(outcome == .authorized(username: "alice"))
        #expect(new.nonce != old.nonce)
        #expect(new.nonceCount == 1)
        let ok = response(to: third, 200, headers: [(.expires, "600")])
        #expect(statuses(registration.response(ok, now: later)).first?.isRegistered == true)
    }

    @Test func secondChallengeAfterCredentialsIsWrongPassword() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let second = try #require(sent(registration.response(challenge(to: first), now: Self.t0)))
        let actions = registration.response(challenge(to: second), now: Self.t0)
        #expect(actions.allSatisfy { if case .send = $0 { false } else { true } })
        guard case .failed(let reason, let retryAt) = registration.status else {
            Issue.record("status \(registration.status)")
            return
        }
        #expect(reason.contains("wrong username or password"))
        #expect(reason.contains("'alice'") && reason.contains("'example.test'"))
        #expect(retryAt == Self.t0 + .seconds(30))
        #expect(registration.nextDeadline == retryAt)
    }

    @Test func challengeForAnotherRealmFails() throws {
        var registration = SIPRegistration(configuration: Self.configuration(realm: "other.test"))
        let first = try #require(sent(registration.start(now: Self.t0)))
        _ = registration.response(challenge(to: first), now: Self.t0)
        guard case .failed(let reason, _) = registration.status else {
            Issue.record("status \(registration.status)")
            return
        }
        #expect(reason.contains("realm 'example.test'") && reason.contains("'other.test'"))
    }

    // MARK: - Responses

    @Test func intervalTooBriefRetriesWithMinExpires() throws {
        var registration = SIPRegistration(configuration: Self.configuration(expires: 30))
        let first = try #require(sent(registration.start(now: Self.t0)))
        let actions = registration.response(response(to: first, 423, headers: [(.minExpires, "120")]), now: Self.t0)
        #expect(statuses(actions).isEmpty)
        let second = try #require(sent(actions))
        #expect(try second.expires == 120)
        #expect(try second.cseq?.sequence == 2)
        // A 423 that does not raise the interval is a failure, not a loop.
        _ = registration.response(response(to: second, 423, headers: [(.minExpires, "120")]), now: Self.t0)
        guard case .failed(let reason, _) = registration.status else {
            Issue.record("status \(registration.status)")
            return
        }
        #expect(reason.contains("423"))
    }

    @Test func grantedExpiryComesFromOurContactThenExpiresHeader() throws {
        let registration = SIPRegistration(configuration: Self.configuration())
        let request = SIPMessage(method: .register, uri: .sip(try SIPURI(parsing: "sip:example.test")))
        let both = response(
            to: request, 200,
            headers: [
                (.contact, "<sip:alice@192.0.2.99:5060>;expires=3000, <sip:alice@10.0.0.5:5070>;expires=120"),
                (.expires, "900"),
            ])
        #expect(registration.grantedExpires(in: both) == 120)
        let headerOnly = response(
            to: request, 200, headers: [(.contact, "<sip:alice@192.0.2.99>;expires=3000"), (.expires, "900")])
        #expect(registration.grantedExpires(in: headerOnly) == 900)
        #expect(registration.grantedExpires(in: response(to: request, 200)) == 600)
    }

    @Test func refreshAtTheEarlierOf85PercentAndExpiryMinus32ButNotBeforeHalf() {
        #expect(SIPRegistration.refreshDelay(granted: 3600) == .seconds(3060))
        #expect(SIPRegistration.refreshDelay(granted: 600) == .seconds(510))
        #expect(SIPRegistration.refreshDelay(granted: 120) == .seconds(88))
        #expect(SIPRegistration.refreshDelay(granted: 60) == .seconds(30))
        #expect(SIPRegistration.refreshDelay(granted: 10) == .seconds(5))
    }

    @Test func refreshReusesCallIDAndNonceWithIncrementedCount() throws {
        var (registration, authorized) = try registered(granted: 600)
        #expect(registration.status == .registered(until: Self.t0 + .seconds(600), expires: 600))
        // The keepalive (25 s) comes first; the refresh is due 510 s after the REGISTER was sent.
        var now = Self.t0
        var keepalives = 0
        var refresh: SIPMessage?
        while refresh == nil, let deadline = registration.nextDeadline, deadline <= Self.t0 + .seconds(600) {
            now = deadline
            let actions = registration.timerFired(now: now)
            keepalives += actions.filter { $0 == .sendKeepalive }.count
            refresh = actions.compactMap { if case .send(let m) = $0 { m } else { nil } }.first
        }
        let request = try #require(refresh)
        #expect(now == Self.t0 + .seconds(510))
        #expect(keepalives == 20)  // 25, 50, ... 500 s
        #expect(try request.callID == authorized.callID)
        #expect(try request.cseq?.sequence == 3)
        #expect(try request.topVia?.branch != authorized.topVia?.branch)
        let (credentials, _) = try credentials(of: request)
        #expect(credentials.nonceCount == 2)
        // Still registered while the refresh is in flight; renewed on its 200.
        #expect(registration.status.isRegistered)
        let ok = response(to: request, 200, headers: [(.contact, "<sip:alice@10.0.0.5:5070>;expires=600")])
        #expect(
            statuses(registration.response(ok, now: now + .milliseconds(30)))
                == [.registered(until: now + .seconds(600), expires: 600)])
    }

    @Test func refreshAnsweredWithNewChallengeIsNotAFailure() throws {
        var (registration, _) = try registered(granted: 60)
        let now = Self.t0 + .seconds(30)
        let refresh = try #require(sent(registration.timerFired(now: now).filter { $0 != .sendKeepalive }))
        // The registrar no longer accepts the old nonce and does not say stale: answer once.
        let again = try #require(sent(registration.response(challenge(to: refresh, now: now), now: now)))
        #expect(try credentials(of: again, now: now).1 == .authorized(username: "alice"))
        #expect(registration.status.isRegistered)
    }

    @Test func timeoutsBackOffExponentiallyUpToTheMaximum() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        var now = Self.t0
        var request = try #require(sent(registration.start(now: now)))
        var delays: [Int64] = []
        for _ in 0..<7 {
            now = now + .seconds(32)
            let actions = registration.timedOut(now: now)
            guard case .failed(let reason, let retryAt) = statuses(actions).last else {
                Issue.record("actions \(actions)")
                return
            }
            #expect(reason.contains("timeout"))
            delays.append((retryAt - now).nanoseconds / 1_000_000_000)
            #expect(registration.nextDeadline == retryAt)
            now = retryAt
            let retry = registration.timerFired(now: now)
            #expect(statuses(retry) == [.registering])
            let next = try #require(sent(retry))
            #expect(try next.cseq!.sequence == request.cseq!.sequence + 1)
            request = next
        }
        #expect(delays == [30, 60, 120, 240, 480, 600, 600])
        // A success resets the delay.
        _ = registration.response(response(to: request, 200, headers: [(.expires, "600")]), now: now)
        _ = registration.timedOut(now: now)  // nothing pending: ignored
        #expect(registration.status.isRegistered)
    }

    @Test func rejectionFailsWithStatusAndHonoursRetryAfter() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        let actions = registration.response(
            response(to: first, 503, headers: [("Retry-After", "300 (maintenance)")]), now: Self.t0)
        #expect(
            statuses(actions) == [
                .failed(reason: "registrar answered 503 Service Unavailable", retryAt: Self.t0 + .seconds(300))
            ])
    }

    @Test func unrelatedResponsesAreIgnored() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(registration.start(now: Self.t0)))
        var otherCall = response(to: first, 200)
        otherCall.headers.set(.callID, "someone-else")
        #expect(registration.response(otherCall, now: Self.t0).isEmpty)
        var oldCSeq = response(to: first, 200)
        oldCSeq.headers.set(.cseq, "0 REGISTER")
        #expect(registration.response(oldCSeq, now: Self.t0).isEmpty)
        #expect(registration.response(response(to: first, 100), now: Self.t0).isEmpty)
        #expect(registration.status == .registering)
    }

    // MARK: - Keepalive and unregistration

    @Test func keepaliveEvery25SecondsWhileRegistered() throws {
        var (registration, _) = try registered(granted: 600)
        let start = Self.t0 + .milliseconds(20)
        #expect(registration.nextDeadline == start + .seconds(25))
        #expect(registration.timerFired(now: start + .seconds(25)) == [.sendKeepalive])
        #expect(registration.nextDeadline == start + .seconds(50))
        // Stopping ends keepalives.
        _ = registration.stop(now: start + .seconds(30))
        #expect(registration.nextDeadline == nil)
    }

    @Test func stopUnregistersWithExpiresZero() throws {
        var (registration, authorized) = try registered()
        let now = Self.t0 + .seconds(100)
        let actions = registration.stop(now: now)
        #expect(statuses(actions) == [.unregistering])
        let request = try #require(sent(actions))
        #expect(try request.expires == 0)
        #expect(try request.callID == authorized.callID)
        #expect(try request.contacts?.addresses.map(\.uri.description) == ["sip:alice@10.0.0.5:5070"])
        #expect(try credentials(of: request, now: now).1 == .authorized(username: "alice"))
        #expect(statuses(registration.response(response(to: request, 200), now: now)) == [.unregistered(reason: nil)])
        #expect(registration.nextDeadline == nil)
        #expect(registration.stop(now: now).isEmpty)
    }

    @Test func unregisterAnswersAChallengeAndEndsOnFailure() throws {
        var (registration, _) = try registered()
        let now = Self.t0 + .seconds(100)
        let request = try #require(sent(registration.stop(now: now)))
        let again = try #require(sent(registration.response(challenge(to: request, now: now), now: now)))
        #expect(try again.expires == 0)
        _ = registration.timedOut(now: now + .seconds(32))
        guard case .unregistered(let reason?) = registration.status else {
            Issue.record("status \(registration.status)")
            return
        }
        #expect(reason.contains("timeout"))
        #expect(registration.nextDeadline == nil)
    }

    @Test func stopBeforeAnyBindingSendsNothing() throws {
        var registration = SIPRegistration(configuration: Self.configuration())
        #expect(statuses(registration.stop(now: Self.t0)) == [.unregistered(reason: nil)])

        var failed = SIPRegistration(configuration: Self.configuration())
        let first = try #require(sent(failed.start(now: Self.t0)))
        _ = failed.response(response(to: first, 403), now: Self.t0)
        let actions = failed.stop(now: Self.t0 + .seconds(1))
        #expect(actions == [.statusChanged(.unregistered(reason: nil))])
        #expect(failed.nextDeadline == nil)
    }
}
