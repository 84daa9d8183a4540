/// The user name and password a call answers digest challenges with (RFC 3261 22.2, 22.3).
public struct SIPCredentials: Hashable, Sendable {
    /// The user name.
    public var username: String
    /// The password.
    public var password: String
    /// The realm the credentials belong to; nil answers any realm.
    public var realm: String?

    /// Creates credentials.
    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// The Authorization (for a 401) or Proxy-Authorization (for a 407) header answering the
    /// challenge in `response` for `request`; nil when the challenge cannot be answered: no
    /// Digest challenge with a supported algorithm and qop (RFC 8760 2.4: the first usable one
    /// is taken), or one for another realm.
    public func authorization(
        for request: SIPMessage, challenge response: SIPMessage
    ) -> (name: SIPHeaderName, value: String, stale: Bool)? {
        guard let status = response.statusCode, status == 401 || status == 407, let method = request.method,
            let uri = request.requestURI, let challenges = try? response.digestChallenges()
        else { return nil }
        for challenge in challenges where challenge.resolvedAlgorithm != nil {
            if let realm, challenge.realm != realm { continue }
            guard
                let credentials = try? DigestCredentials.respond(
                    to: challenge, username: username, password: password, method: method, uri: uri.description,
                    body: request.body)
            else { continue }
            return (status == 407 ? .proxyAuthorization : .authorization, credentials.description, challenge.stale)
        }
        return nil
    }
}
