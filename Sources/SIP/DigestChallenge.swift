/// A Digest challenge from a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 22.4,
/// RFC 2617 3.2.1, RFC 7616 3.3, RFC 8760).
public struct DigestChallenge: Hashable, Sendable, CustomStringConvertible {
    /// The protection space.
    public var realm: String
    /// The server nonce.
    public var nonce: String
    /// Opaque data the client echoes unchanged.
    public var opaque: String?
    /// True when the previous request was refused only because its nonce was stale: retry with
    /// the new nonce without asking the user again (RFC 2617 3.2.1).
    public var stale: Bool
    /// The `algorithm` token as sent; nil means MD5.
    public var algorithm: String?
    /// The offered qop values ("auth", "auth-int"); empty when the challenge has no qop, the
    /// RFC 2069 compatible form many carriers still send.
    public var qopOptions: [String]
    /// The `domain` parameter.
    public var domain: String?
    /// RFC 7616 `userhash=true`: the client sends a hash of the username.
    public var userhash: Bool
    /// Parameters this type does not model, in order.
    public var otherParameters: [SIPAuthValue.Parameter]

    /// Creates a challenge.
    public init(
        realm: String, nonce: String, algorithm: DigestAlgorithm? = nil, qopOptions: [String] = ["auth"],
        opaque: String? = nil, stale: Bool = false, domain: String? = nil, userhash: Bool = false
    ) {
        self.realm = realm
        self.nonce = nonce
        self.algorithm = algorithm?.rawValue
        self.qopOptions = qopOptions
        self.opaque = opaque
        self.stale = stale
        self.domain = domain
        self.userhash = userhash
        self.otherParameters = []
    }

    /// Parses a WWW-Authenticate / Proxy-Authenticate value.
    public init(parsing text: String, header: String = "WWW-Authenticate") throws {
        try self.init(SIPAuthValue(parsing: text, header: header), header: header)
    }

    /// Reads a Digest challenge from a parsed header value.
    public init(_ value: SIPAuthValue, header: String = "WWW-Authenticate") throws {
        let fail = { (text: String) in SIPAuthValue.malformed(header: header, text) }
        try value.requireDigest(header: header)
        var realm: String? = nil
        var nonce: String? = nil
        self.stale = false
        self.qopOptions = []
        self.userhash = false
        self.otherParameters = []
        for p in value.parameters {
            switch SIPGrammar.asciiLowercased(p.name) {
            case "realm": realm = p.value
            case "nonce": nonce = p.value
            case "opaque": opaque = p.value
            case "domain": domain = p.value
            case "algorithm": algorithm = p.value
            case "stale": stale = SIPGrammar.equalsIgnoringCase(p.value, "true")
            case "userhash": userhash = SIPGrammar.equalsIgnoringCase(p.value, "true")
            case "qop":
                qopOptions = p.value.split(separator: ",").map { SIPGrammar.trimmed($0) }.filter { !$0.isEmpty }
            default: otherParameters.append(p)
            }
        }
        guard let realm else { throw fail("Digest challenge without realm (RFC 2617 3.2.1)") }
        guard let nonce else { throw fail("Digest challenge without nonce (RFC 2617 3.2.1)") }
        self.realm = realm
        self.nonce = nonce
    }

    /// The algorithm, nil when the token is not one this implementation supports.
    public var resolvedAlgorithm: DigestAlgorithm? {
        guard let algorithm else { return .md5 }
        return DigestAlgorithm(token: algorithm)
    }

    /// The header value: `Digest realm="...", nonce="...", ...`.
    public var authValue: SIPAuthValue {
        var params: [SIPAuthValue.Parameter] = [
            .init(name: "realm", value: realm, isQuoted: true)
        ]
        if let domain { params.append(.init(name: "domain", value: domain, isQuoted: true)) }
        params.append(.init(name: "nonce", value: nonce, isQuoted: true))
        if let opaque { params.append(.init(name: "opaque", value: opaque, isQuoted: true)) }
        if stale { params.append(.init(name: "stale", value: "true", isQuoted: false)) }
        if let algorithm { params.append(.init(name: "algorithm", value: algorithm, isQuoted: false)) }
        if !qopOptions.isEmpty {
            params.append(.init(name: "qop", value: qopOptions.joined(separator: ","), isQuoted: true))
        }
        if userhash { params.append(.init(name: "userhash", value: "true", isQuoted: false)) }
        params += otherParameters
        return SIPAuthValue(scheme: "Digest", parameters: params)
    }

    public var description: String { authValue.description }
}
