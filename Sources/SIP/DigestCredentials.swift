/// Digest credentials, the value of an Authorization or Proxy-Authorization header
/// (RFC 3261 22.2-22.4, RFC 2617 3.2.2, RFC 7616 3.4, RFC 8760).
///
/// As a UAC, `respond(to:...)` computes them for a challenge; as a UAS, parse them from the
/// request and `verify(password:method:)`.
public struct DigestCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The user name (or, with `userhash`, its hash).
    public var username: String
    /// The realm of the challenge.
    public var realm: String
    /// The nonce of the challenge.
    public var nonce: String
    /// The digest-uri: the Request-URI (RFC 3261 22.4 item 7 of the 2617 rules).
    public var uri: String
    /// The request digest, lowercase hex.
    public var response: String
    /// The algorithm token; nil means MD5.
    public var algorithm: String?
    /// The client nonce, present with a qop or a "-sess" algorithm.
    public var cnonce: String?
    /// The challenge's opaque value, echoed.
    public var opaque: String?
    /// The chosen qop ("auth" or "auth-int"), nil for the RFC 2069 form.
    public var qop: String?
    /// The nonce count (written as 8 hex digits), present with a qop.
    public var nonceCount: UInt32?
    /// RFC 7616 `userhash=true`.
    public var userhash: Bool
    /// Parameters this type does not model.
    public var otherParameters: [SIPAuthValue.Parameter]

    /// Creates credentials from their fields (no computation).
    public init(
        username: String, realm: String, nonce: String, uri: String, response: String, algorithm: String? = nil,
        cnonce: String? = nil, opaque: String? = nil, qop: String? = nil, nonceCount: UInt32? = nil,
        userhash: Bool = false
    ) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.cnonce = cnonce
        self.opaque = opaque
        self.qop = qop
        self.nonceCount = nonceCount
        self.userhash = userhash
        self.otherParameters = []
    }

    /// Parses an Authorization / Proxy-Authorization value.
    public init(parsing text: String, header: String = "Authorization") throws {
        try self.init(SIPAuthValue(parsing: text, header: header), header: header)
    }

    /// Reads Digest credentials from a parsed header value.
    public init(_ value: SIPAuthValue, header: String = "Authorization") throws {
        let fail = { (text: String) in SIPAuthValue.malformed(header: header, text) }
        try value.requireDigest(header: header)
        var fields: [String: String] = [:]
        var others: [SIPAuthValue.Parameter] = []
        let known: Set<String> = [
            "username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "userhash",
        ]
        for p in value.parameters {
            let key = SIPGrammar.asciiLowercased(p.name)
            if known.contains(key) {
                if fields[key] == nil { fields[key] = p.value }
            } else {
                others.append(p)
            }
        }
        func required(_ key: String) throws -> String {
            guard let v = fields[key] else { throw fail("Digest credentials without \(key) (RFC 2617 3.2.2)") }
            return v
        }
        self.username = try required("username")
        self.realm = try required("realm")
        self.nonce = try required("nonce")
        self.uri = try required("uri")
        self.response = try required("response")
        self.algorithm = fields["algorithm"]
        self.cnonce = fields["cnonce"]
        self.opaque = fields["opaque"]
        self.qop = fields["qop"]
        self.userhash = fields["userhash"].map { SIPGrammar.equalsIgnoringCase($0, "true") } ?? false
        self.otherParameters = others
        if let nc = fields["nc"] {
            // nc-value = 8LHEX (RFC 2617 3.2.2); any case accepted.
            guard (1...8).contains(nc.utf8.count), let n = UInt32(nc, radix: 16) else {
                throw fail("nc '\(nc)' is not 8 hex digits")
            }
            self.nonceCount = n
        } else {
            self.nonceCount = nil
        }
        if qop != nil && (cnonce == nil || nonceCount == nil) {
            throw fail("qop is present but cnonce or nc is missing (RFC 2617 3.2.2)")
        }
    }

    /// The algorithm, nil when the token is not supported.
    public var resolvedAlgorithm: DigestAlgorithm? {
        guard let algorithm else { return .md5 }
        return DigestAlgorithm(token: algorithm)
    }

    /// Answers a challenge (RFC 3261 22.2/22.3 as a UAC): picks qop "auth" when offered, else
    /// "auth-int", else none (when the challenge has no qop); echoes opaque; hashes the username
    /// if the challenge asks for `userhash`.
    ///
    /// - Parameters:
    ///   - uri: the Request-URI of the request being authorized.
    ///   - body: the message body, used only by qop "auth-int".
    ///   - cnonce: the client nonce; a random one by default.
    ///   - nonceCount: how many requests this nonce has been used for, this one included.
    public static func respond(
        to challenge: DigestChallenge, username: String, password: String, method: SIPMethod, uri: String,
        body: [UInt8] = [], cnonce: String? = nil, nonceCount: UInt32 = 1
    ) throws -> DigestCredentials {
        guard let algorithm = challenge.resolvedAlgorithm else {
            throw SIPParseError(
                code: .unsupportedAuthentication, header: nil,
                reason: "Digest algorithm '\(challenge.algorithm ?? "")' is not supported", position: 0)
        }
        var qop: String? = nil
        if !challenge.qopOptions.isEmpty {
            if challenge.qopOptions.contains(where: { SIPGrammar.equalsIgnoringCase($0, "auth") }) {
                qop = "auth"
            } else if challenge.qopOptions.contains(where: { SIPGrammar.equalsIgnoringCase($0, "auth-int") }) {
                qop = "auth-int"
            } else {
                throw SIPParseError(
                    code: .unsupportedAuthentication, header: nil,
                    reason: "none of the offered qop values \(challenge.qopOptions) is supported", position: 0)
            }
        }
        // A cnonce goes with a qop (RFC 2617 3.2.2) and is needed by the -sess variants.
        let clientNonce: String? = (qop != nil || algorithm.isSession) ? (cnonce ?? DigestAlgorithm.randomHex(16)) : nil
        let count: UInt32? = qop != nil ? nonceCount : nil
        let response = computeResponse(
            algorithm: algorithm, username: username, realm: challenge.realm, password: password,
            nonce: challenge.nonce, method: method.rawValue, uri: uri, qop: qop, nonceCount: count,
            cnonce: clientNonce, body: body)
        return DigestCredentials(
            username: challenge.userhash ? algorithm.hexHash("\(username):\(challenge.realm)") : username,
            realm: challenge.realm, nonce: challenge.nonce, uri: uri, response: response,
            algorithm: challenge.algorithm, cnonce: clientNonce, opaque: challenge.opaque, qop: qop,
            nonceCount: count, userhash: challenge.userhash)
    }

    /// H(username ":" realm ":" password), the HA1 a registrar may store instead of passwords.
    public static func ha1(algorithm: DigestAlgorithm, username: String, realm: String, password: String) -> String {
        algorithm.hexHash("\(username):\(realm):\(password)")
    }

    /// The request digest (RFC 7616 3.4.1, RFC 2617 3.2.2.1):
    /// with a qop, KD(H(A1), nonce:nc:cnonce:qop:H(A2)); without, KD(H(A1), nonce:H(A2)).
    /// A1 = username:realm:password, or for "-sess", H(that):nonce:cnonce (RFC 7616 3.4.2).
    /// A2 = method:uri, or for "auth-int", method:uri:H(body) (RFC 7616 3.4.3).
    public static func computeResponse(
        algorithm: DigestAlgorithm, username: String, realm: String, password: String, nonce: String,
        method: String, uri: String, qop: String?, nonceCount: UInt32?, cnonce: String?, body: [UInt8] = []
    ) -> String {
        computeResponse(
            algorithm: algorithm, ha1: ha1(algorithm: algorithm, username: username, realm: realm, password: password),
            nonce: nonce, method: method, uri: uri, qop: qop, nonceCount: nonceCount, cnonce: cnonce, body: body)
    }

    /// The request digest from a stored HA1 = H(username:realm:password).
    public static func computeResponse(
        algorithm: DigestAlgorithm, ha1 base: String, nonce: String, method: String, uri: String, qop: String?,
        nonceCount: UInt32?, cnonce: String?, body: [UInt8] = []
    ) -> String {
        let h: (String) -> String = { algorithm.hexHash($0) }
        let ha1 = algorithm.isSession ? h("\(base):\(nonce):\(cnonce ?? "")") : base
        let ha2: String
        if let qop, SIPGrammar.equalsIgnoringCase(qop, "auth-int") {
            ha2 = h("\(method):\(uri):\(algorithm.hexHash(body))")
        } else {
            ha2 = h("\(method):\(uri)")
        }
        if let qop {
            return h("\(ha1):\(nonce):\(formatNonceCount(nonceCount ?? 0)):\(cnonce ?? ""):\(qop):\(ha2)")
        }
        return h("\(ha1):\(nonce):\(ha2)")
    }

    /// The nc value: 8 lowercase hex digits.
    public static func formatNonceCount(_ n: UInt32) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Recomputes the response from the password and compares in constant time. `username` is the
    /// plain user name when the credentials carry a `userhash`.
    public func verify(password: String, method: SIPMethod, body: [UInt8] = [], username: String? = nil) -> Bool {
        guard let algorithm = resolvedAlgorithm else { return false }
        return verify(
            ha1: Self.ha1(algorithm: algorithm, username: username ?? self.username, realm: realm, password: password),
            method: method, body: body)
    }

    /// Recomputes the response from a stored HA1 and compares in constant time.
    public func verify(ha1: String, method: SIPMethod, body: [UInt8] = []) -> Bool {
        guard let algorithm = resolvedAlgorithm else { return false }
        let expected = Self.computeResponse(
            algorithm: algorithm, ha1: ha1, nonce: nonce, method: method.rawValue, uri: uri, qop: qop,
            nonceCount: nonceCount, cnonce: cnonce, body: body)
        return DigestAlgorithm.constantTimeEquals(expected, SIPGrammar.asciiLowercased(response))
    }

    /// The header value: `Digest username="...", realm="...", ...`.
    public var authValue: SIPAuthValue {
        var params: [SIPAuthValue.Parameter] = [
            .init(name: "username", value: username, isQuoted: true),
            .init(name: "realm", value: realm, isQuoted: true),
            .init(name: "nonce", value: nonce, isQuoted: true),
            .init(name: "uri", value: uri, isQuoted: true),
            .init(name: "response", value: response, isQuoted: true),
        ]
        if let algorithm { params.append(.init(name: "algorithm", value: algorithm, isQuoted: false)) }
        if let cnonce { params.append(.init(name: "cnonce", value: cnonce, isQuoted: true)) }
        if let opaque { params.append(.init(name: "opaque", value: opaque, isQuoted: true)) }
        if let qop { params.append(.init(name: "qop", value: qop, isQuoted: false)) }
        if let nonceCount { params.append(.init(name: "nc", value: Self.formatNonceCount(nonceCount), isQuoted: false)) }
        if userhash { params.append(.init(name: "userhash", value: "true", isQuoted: false)) }
        params += otherParameters
        return SIPAuthValue(scheme: "Digest", parameters: params)
    }

    public var description: String { authValue.description }
}
