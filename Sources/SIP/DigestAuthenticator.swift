/// The UAS side of Digest authentication (RFC 3261 22.1, 22.4): makes challenges and checks the
/// credentials that come back.
///
/// Nonces are stateless: the issue time and a keyed hash of it, so any nonce this authenticator
/// made can be checked without a table, and an expired one is answered with `stale=true`
/// (RFC 2617 3.2.1). Replays within the lifetime are not detected (no nonce-count tracking).
/// Time comes from the caller (`now`, seconds on any monotonic or wall clock).
public struct DigestAuthenticator: Sendable {
    /// The realm of the challenges.
    public var realm: String
    /// The algorithm offered and required.
    public var algorithm: DigestAlgorithm
    /// The qop values offered; empty for challenges without qop.
    public var qopOptions: [String]
    /// Seconds a nonce stays fresh.
    public var nonceLifetime: UInt64
    private let secret: [UInt8]

    /// The result of checking credentials.
    public enum Outcome: Hashable, Sendable {
        /// The response is right for this user.
        case authorized(username: String)
        /// The response is right but the nonce expired: challenge again with `stale: true`.
        case stale
        /// Refused; the text says why (for logs, not for the peer).
        case rejected(String)
    }

    /// Creates an authenticator; `secret` keys the nonces and should be random, 16 bytes or more.
    public init(
        realm: String, secret: [UInt8], algorithm: DigestAlgorithm = .md5, qopOptions: [String] = ["auth"],
        nonceLifetime: UInt64 = 300
    ) {
        self.realm = realm
        self.secret = secret
        self.algorithm = algorithm
        self.qopOptions = qopOptions
        self.nonceLifetime = nonceLifetime
    }

    /// A nonce carrying its issue time: 16 hex digits of `now` and a keyed SHA-256 of them.
    public func makeNonce(now: UInt64) -> String {
        let time = String(now, radix: 16)
        let stamp = String(repeating: "0", count: 16 - time.count) + time
        return stamp + mac(stamp)
    }

    /// A challenge for a 401 or 407 response.
    public func challenge(now: UInt64, stale: Bool = false, opaque: String? = nil) -> DigestChallenge {
        DigestChallenge(
            realm: realm, nonce: makeNonce(now: now), algorithm: algorithm, qopOptions: qopOptions, opaque: opaque,
            stale: stale)
    }

    /// Checks credentials from an Authorization or Proxy-Authorization header.
    ///
    /// - Parameters:
    ///   - requestURI: when given, the digest-uri must equal it (RFC 2617 3.2.2.5).
    ///   - password: the password of a user name, nil for an unknown user.
    public func verify(
        _ credentials: DigestCredentials, method: SIPMethod, requestURI: String? = nil, body: [UInt8] = [],
        now: UInt64, password: (String) -> String?
    ) -> Outcome {
        guard credentials.realm == realm else { return .rejected("realm '\(credentials.realm)' is not '\(realm)'") }
        guard credentials.resolvedAlgorithm == algorithm else {
            return .rejected("algorithm '\(credentials.algorithm ?? "MD5")' is not \(algorithm.rawValue)")
        }
        guard let issued = issueTime(of: credentials.nonce) else { return .rejected("nonce was not issued here") }
        if let qop = credentials.qop {
            guard qopOptions.contains(where: { SIPGrammar.equalsIgnoringCase($0, qop) }) else {
                return .rejected("qop '\(qop)' was not offered")
            }
        } else if !qopOptions.isEmpty {
            return .rejected("qop missing although offered")
        }
        if let requestURI, credentials.uri != requestURI {
            return .rejected("digest-uri '\(credentials.uri)' is not the Request-URI '\(requestURI)'")
        }
        guard let secret = password(credentials.username) else {
            return .rejected("unknown user '\(credentials.username)'")
        }
        guard credentials.verify(password: secret, method: method, body: body) else {
            return .rejected("wrong response for user '\(credentials.username)'")
        }
        if now > issued &+ nonceLifetime || now < issued { return .stale }
        return .authorized(username: credentials.username)
    }

    /// The issue time of a nonce this authenticator made, nil for any other string.
    func issueTime(of nonce: String) -> UInt64? {
        let bytes = Array(nonce.utf8)
        guard bytes.count == 48 else { return nil }
        let stamp = String(decoding: bytes[0..<16], as: UTF8.self)
        guard let time = UInt64(stamp, radix: 16),
            DigestAlgorithm.constantTimeEquals(String(decoding: bytes[16...], as: UTF8.self), mac(stamp))
        else { return nil }
        return time
    }

    private func mac(_ stamp: String) -> String {
        let input = secret + Array(":\(stamp):\(realm)".utf8) + secret
        return String(DigestAlgorithm.sha256.hexHash(input).prefix(32))
    }
}
