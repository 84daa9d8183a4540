import SIP

/// RFC 3261 22.1 / 22.4 for INVITEs from addresses no trunk's `allow-from` covers: trunks with
/// `authenticate-inbound="true"` may still call in after a Digest challenge, identified by their
/// `username` and proven by their `password` (a PBX or carrier whose address changes).
struct InboundAuthentication {
    enum Result: Equatable {
        /// The credentials are right: the INVITE comes from this trunk.
        case authorized(TrunkConfiguration)
        /// Answer 401 with this WWW-Authenticate (no credentials yet, or `stale=true`).
        case challenge(String)
        /// Wrong credentials, or no trunk takes authenticated calls: 403; the text says why (log only).
        case refused(String)
    }

    let authenticator: DigestAuthenticator
    let trunks: [TrunkConfiguration]

    /// `realm` is the component's domain; `secret` keys the stateless nonces (random per process). The
    /// nonces are bound to `source` (the sender's IP): credentials seen on the wire cannot be replayed
    /// from elsewhere within the nonce's 5 minutes.
    init(settings: SIPSettings, realm: String, secret: [UInt8], source: String) {
        authenticator = DigestAuthenticator(realm: realm, secret: secret + Array("|\(source)".utf8))
        trunks = settings.trunks.filter { $0.authenticateInbound && $0.username != nil && $0.password != nil }
    }

    /// `now` in seconds (any clock that does not go back within the nonce lifetime of 5 minutes).
    func check(_ invite: SIPMessage, now: UInt64) -> Result {
        guard !trunks.isEmpty else { return .refused("no trunk takes authenticated calls") }
        let values = invite.headers.values(for: .authorization)
        guard let value = values.first else { return .challenge(authenticator.challenge(now: now).description) }
        guard let credentials = try? DigestCredentials(parsing: value) else {
            return .refused("unreadable Authorization header")
        }
        // The digest-uri is not compared with the Request-URI: proxies on the way may have rewritten that
        // (RFC 3261 22.4), and UAs differ in what they put there; the response covers it either way.
        let outcome = authenticator.verify(credentials, method: .invite, now: now) { user in
            trunks.first { $0.username == user }?.password
        }
        switch outcome {
        case .authorized(let user):
            guard let trunk = trunks.first(where: { $0.username == user }) else { return .refused("unknown user") }
            return .authorized(trunk)
        case .stale:
            return .challenge(authenticator.challenge(now: now, stale: true).description)
        case .rejected(let why):
            return .refused(why)
        }
    }
}
