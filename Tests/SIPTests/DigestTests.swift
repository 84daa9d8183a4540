import Testing

@testable import SIP

@Suite struct DigestTests {
    // RFC 7616 3.9.1 inputs.
    static let realm7616 = "http-auth@example.org"
    static let nonce7616 = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    static let opaque7616 = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    static let cnonce7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

    @Test func rfc7616Section391MD5() throws {
        let challenge = try DigestChallenge(
            parsing: "Digest realm=\"\(Self.realm7616)\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"\(Self.nonce7616)\", opaque=\"\(Self.opaque7616)\"")
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        let credentials = try DigestCredentials.respond(
            to: challenge, username: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html",
            cnonce: Self.cnonce7616, nonceCount: 1)
        #expect(credentials.response == "8ca523f5e9506fed4657c9700eebdbec")
        #expect(credentials.qop == "auth")
        #expect(credentials.opaque == Self.opaque7616)
        #expect(credentials.nonceCount == 1)
        #expect(credentials.verify(password: "Circle of Life", method: "GET"))
        #expect(!credentials.verify(password: "Circle Of Life", method: "GET"))
    }

    @Test func rfc7616Section391SHA256() throws {
        let challenge = try DigestChallenge(
            parsing: "Digest realm=\"\(Self.realm7616)\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"\(Self.nonce7616)\", opaque=\"\(Self.opaque7616)\"")
        #expect(challenge.resolvedAlgorithm == .sha256)
        let credentials = try DigestCredentials.respond(
            to: challenge, username: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html",
            cnonce: Self.cnonce7616, nonceCount: 1)
        #expect(credentials.response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        #expect(credentials.description == "Digest username=\"Mufasa\", realm=\"\(Self.realm7616)\", nonce=\"\(Self.nonce7616)\", uri=\"/dir/index.html\", response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", algorithm=SHA-256, cnonce=\"\(Self.cnonce7616)\", opaque=\"\(Self.opaque7616)\", qop=auth, nc=00000001")
        // The server side parses and verifies it.
        let parsed = try DigestCredentials(parsing: credentials.description)
        #expect(parsed == credentials)
        #expect(parsed.verify(password: "Circle of Life", method: "GET"))
    }

    @Test func rfc2617Section35() throws {
        let challenge = try DigestChallenge(
            parsing: #"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#)
        #expect(challenge.resolvedAlgorithm == .md5)
        #expect(challenge.algorithm == nil)
        let credentials = try DigestCredentials.respond(
            to: challenge, username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
            cnonce: "0a4f113b")
        #expect(credentials.response == "6629fae49393a05397450978507c4ef1")
        // The Authorization value of RFC 2617 3.5, parsed and verified.
        let header = #"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
        let parsed = try DigestCredentials(parsing: header)
        #expect(parsed.verify(password: "Circle Of Life", method: "GET"))
        #expect(parsed.username == "Mufasa" && parsed.cnonce == "0a4f113b" && parsed.qop == "auth")
    }

    /// Values computed independently (openssl dgst) for the variants the RFC examples do not cover.
    static let sipInputs = (
        user: "alice", realm: "atlanta.example.com", password: "secret", nonce: "84a4cc6f3082121f32b42a2187831a9e",
        uri: "sip:bob@biloxi.example.com", cnonce: "0a4f113b"
    )

    @Test(arguments: [
        (DigestAlgorithm.md5, String?.none, UInt32(1), "7a1f98d8d0bafe2bccaacb237341c34e"),
        (.sha256, nil, 1, "77bd5cfb358ede288b2724434e132d9c5f26dbedc69cb9c4ef1eb61287059208"),
        (.md5Session, "auth", 1, "42db48f4146b5179bc9fd300c9e99e0b"),
        (.sha256Session, "auth", 2, "a11d98a4d4e3a7b70ee4e5279b208e3fd93bfe3effa2f3ffe6df650c385b7d3a"),
        (.sha512_256, "auth", 1, "6060ce645be48f84bda2fc31d38d6255567d67f3859963ff0ceb9b6841a72fb9"),
    ])
    func algorithmVariants(_ algorithm: DigestAlgorithm, _ qop: String?, _ nc: UInt32, _ expected: String) throws {
        let i = Self.sipInputs
        let challenge = DigestChallenge(
            realm: i.realm, nonce: i.nonce, algorithm: algorithm, qopOptions: qop.map { [$0] } ?? [], opaque: "opq")
        let credentials = try DigestCredentials.respond(
            to: challenge, username: i.user, password: i.password, method: .invite, uri: i.uri, cnonce: i.cnonce,
            nonceCount: nc)
        #expect(credentials.response == expected)
        #expect(credentials.algorithm == algorithm.rawValue)
        #expect(credentials.opaque == "opq")
        if qop == nil {
            // RFC 2069 compatibility: no qop, so no nc and (for non-sess) no cnonce.
            #expect(credentials.nonceCount == nil && credentials.qop == nil)
            #expect(algorithm.isSession || credentials.cnonce == nil)
            #expect(!credentials.description.contains("nc="))
        } else {
            #expect(credentials.description.contains("nc=\(DigestCredentials.formatNonceCount(nc))"))
        }
        #expect(credentials.verify(password: i.password, method: .invite))
        #expect(!credentials.verify(password: i.password, method: .bye))
    }

    @Test func authIntHashesTheBody() throws {
        let i = Self.sipInputs
        let challenge = DigestChallenge(realm: i.realm, nonce: i.nonce, qopOptions: ["auth-int"])
        let body = Array("v=0\r\n".utf8)
        let credentials = try DigestCredentials.respond(
            to: challenge, username: i.user, password: i.password, method: .invite, uri: i.uri, body: body,
            cnonce: i.cnonce, nonceCount: 10)
        #expect(credentials.qop == "auth-int")
        #expect(credentials.response == "a577a55a91eaeb7f600d18f9a0accba3")
        #expect(DigestCredentials.formatNonceCount(10) == "0000000a")
        #expect(credentials.verify(password: i.password, method: .invite, body: body))
        #expect(!credentials.verify(password: i.password, method: .invite, body: []))
    }

    @Test func challengeParsingAndWriting() throws {
        let text = #"Digest realm="atlanta.example.com", domain="sip:ss1.example.com", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=TRUE, algorithm=MD5, qop="auth", userhash=true, charset=UTF-8"#
        let challenge = try DigestChallenge(parsing: text)
        #expect(challenge.stale)
        #expect(challenge.opaque == "")
        #expect(challenge.domain == "sip:ss1.example.com")
        #expect(challenge.userhash)
        #expect(challenge.otherParameters.map(\.name) == ["charset"])
        #expect(try DigestChallenge(parsing: challenge.description) == challenge)
        #expect(challenge.description == #"Digest realm="atlanta.example.com", domain="sip:ss1.example.com", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=true, algorithm=MD5, qop="auth", userhash=true, charset=UTF-8"#)

        // A challenge without qop (RFC 2069 style) and an unknown algorithm.
        let old = try DigestChallenge(parsing: #"Digest realm="r", nonce="n""#)
        #expect(old.qopOptions.isEmpty && !old.stale)
        let unknown = try DigestChallenge(parsing: #"Digest realm="r", nonce="n", algorithm=SHA-1"#)
        #expect(unknown.resolvedAlgorithm == nil)
        #expect(throws: SIPParseError.self) {
            try DigestCredentials.respond(to: unknown, username: "u", password: "p", method: .register, uri: "sip:r")
        }
        let intOnly = DigestChallenge(realm: "r", nonce: "n", qopOptions: ["auth-conf"])
        #expect(throws: SIPParseError.self) {
            try DigestCredentials.respond(to: intOnly, username: "u", password: "p", method: .register, uri: "sip:r")
        }
        #expect(throws: SIPParseError.self) { try DigestChallenge(parsing: #"Digest nonce="n""#) }
        #expect(throws: SIPParseError.self) { try DigestChallenge(parsing: #"Digest realm="r""#) }
        #expect(throws: SIPParseError.self) { try DigestChallenge(parsing: #"Basic realm="r""#) }
        #expect(throws: SIPParseError.self) { try DigestCredentials(parsing: #"Digest username="u", realm="r", nonce="n", uri="sip:x", response="0", qop=auth"#) }
        #expect(throws: SIPParseError.self) { try DigestCredentials(parsing: #"Digest username="u", realm="r", nonce="n", uri="sip:x", response="0", qop=auth, cnonce="c", nc=xyz"#) }
        #expect(throws: SIPParseError.self) { try DigestCredentials(parsing: #"Digest realm="r", nonce="n", uri="sip:x", response="0""#) }
    }

    @Test func userhash() throws {
        let i = Self.sipInputs
        let challenge = DigestChallenge(realm: i.realm, nonce: i.nonce, algorithm: .sha256, userhash: true)
        let credentials = try DigestCredentials.respond(
            to: challenge, username: i.user, password: i.password, method: .register, uri: "sip:atlanta.example.com",
            cnonce: i.cnonce)
        #expect(credentials.userhash)
        #expect(credentials.username == "20d3aa2662a2f9c09335b83e969fd2a3b81931ecbcc079f944d4a8e124593488")
        #expect(credentials.verify(password: i.password, method: .register, username: i.user))
        #expect(!credentials.verify(password: i.password, method: .register))
    }

    @Test func quotedStringEscapesInCredentials() throws {
        let challenge = DigestChallenge(realm: #"r"with\quote"#, nonce: "n")
        let credentials = try DigestCredentials.respond(
            to: challenge, username: #"we"ird"#, password: "p", method: .register, uri: "sip:r", cnonce: "c")
        #expect(credentials.description.contains(#"username="we\"ird""#))
        #expect(credentials.description.contains(#"realm="r\"with\\quote""#))
        let parsed = try DigestCredentials(parsing: credentials.description)
        #expect(parsed.username == #"we"ird"# && parsed.realm == #"r"with\quote"#)
        #expect(parsed.verify(password: "p", method: .register))
    }

    @Test func authenticatorRoundTrip() throws {
        let server = DigestAuthenticator(realm: "example.com", secret: Array("0123456789abcdef".utf8), algorithm: .sha256)
        let challenge = server.challenge(now: 1_000, opaque: "o1")
        #expect(challenge.nonce.count == 48)
        #expect(challenge.resolvedAlgorithm == .sha256 && challenge.qopOptions == ["auth"])
        // The challenge travels in a 401 and is read back by the client.
        var response = SIPMessage(statusCode: 401)
        response.headers.add(.wwwAuthenticate, challenge.description)
        let received = try #require(try response.digestChallenges().first)
        #expect(received == challenge)

        let uri = "sip:example.com"
        let credentials = try DigestCredentials.respond(
            to: received, username: "alice", password: "wonderland", method: .register, uri: uri)
        var request = SIPMessage(method: .register, uri: .sip(try SIPURI(parsing: uri)))
        request.headers.add(.authorization, credentials.description)
        let header = try #require(try request.authorization.first)
        let parsed = try DigestCredentials(header)
        let users = ["alice": "wonderland"]

        #expect(server.verify(parsed, method: .register, requestURI: uri, now: 1_100) { users[$0] } == .authorized(username: "alice"))
        // Expired nonce with a right answer: stale, so the client retries without asking the user.
        #expect(server.verify(parsed, method: .register, now: 1_301) { users[$0] } == .stale)
        #expect(server.challenge(now: 1_301, stale: true).stale)
        // Wrong password, unknown user, wrong method, other URI, forged nonce, other realm.
        guard case .rejected = server.verify(parsed, method: .register, now: 1_100, password: { _ in "nope" }) else {
            Issue.record("wrong password accepted"); return
        }
        guard case .rejected = server.verify(parsed, method: .register, now: 1_100, password: { _ in nil }) else {
            Issue.record("unknown user accepted"); return
        }
        guard case .rejected = server.verify(parsed, method: .invite, now: 1_100, password: { users[$0] }) else {
            Issue.record("wrong method accepted"); return
        }
        guard case .rejected = server.verify(parsed, method: .register, requestURI: "sip:other.example", now: 1_100, password: { users[$0] }) else {
            Issue.record("other URI accepted"); return
        }
        var forged = parsed
        forged.nonce = "00000000000003e8" + String(repeating: "0", count: 32)
        guard case .rejected = server.verify(forged, method: .register, now: 1_100, password: { users[$0] }) else {
            Issue.record("forged nonce accepted"); return
        }
        let otherServer = DigestAuthenticator(realm: "example.com", secret: Array("another secret!!".utf8), algorithm: .sha256)
        guard case .rejected = otherServer.verify(parsed, method: .register, now: 1_100, password: { users[$0] }) else {
            Issue.record("nonce of another server accepted"); return
        }
        let md5Server = DigestAuthenticator(realm: "example.com", secret: Array("0123456789abcdef".utf8), algorithm: .md5)
        guard case .rejected = md5Server.verify(parsed, method: .register, now: 1_100, password: { users[$0] }) else {
            Issue.record("algorithm downgrade accepted"); return
        }
        let noQopServer = DigestAuthenticator(realm: "example.com", secret: Array("0123456789abcdef".utf8), algorithm: .sha256, qopOptions: [])
        let old = try DigestCredentials.respond(
            to: noQopServer.challenge(now: 5), username: "alice", password: "wonderland", method: .register, uri: uri)
        #expect(old.qop == nil)
        #expect(noQopServer.verify(old, method: .register, now: 6) { users[$0] } == .authorized(username: "alice"))
        guard case .rejected = server.verify(old, method: .register, now: 6, password: { users[$0] }) else {
            Issue.record("qop downgrade accepted"); return
        }
    }

    @Test func hashPrimitives() {
        #expect(DigestAlgorithm.md5.hexHash("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(DigestAlgorithm.sha256.hexHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(DigestAlgorithm.sha512_256.hexHash("abc") == "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")
        #expect(DigestAlgorithm(token: "sha-256-SESS") == .sha256Session)
        #expect(DigestAlgorithm(token: "SHA-1") == nil)
        #expect(DigestAlgorithm.randomHex(8).count == 16)
        #expect(DigestAlgorithm.randomHex(8) != DigestAlgorithm.randomHex(8))
    }
}
