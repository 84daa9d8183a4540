import Testing

@testable import Jingle

/// XEP-0320 setup values and the DTLS client/server rules of RFC 5763 section 5 (RFC 8842, RFC 4145).
@Suite struct JingleDTLSRoleTests {
    @Test func answererChoosesActiveNeverActpass() throws {
        #expect(try JingleDTLSRole.answerSetup(toOffered: .actpass) == .active)
        #expect(try JingleDTLSRole.answerSetup(toOffered: .passive) == .active)
        // RFC 8842: an offerer may insist on being active; then we are passive.
        #expect(try JingleDTLSRole.answerSetup(toOffered: .active) == .passive)
        // RFC 4145 section 4.1: an offer without setup means 'active'.
        #expect(try JingleDTLSRole.answerSetup(toOffered: nil) == .passive)
        for offered in JingleDTLSSetup.allCases where offered != .holdconn {
            #expect(try JingleDTLSRole.answerSetup(toOffered: offered) != .actpass)
        }
        #expect(throws: JingleError(.invalidAttribute, "")) { try JingleDTLSRole.answerSetup(toOffered: .holdconn) }
    }

    @Test func rolesAsAnswerer() throws {
        #expect(try JingleDTLSRole.resolve(.answerer, peerSetup: .actpass) == .client)
        #expect(try JingleDTLSRole.resolve(.answerer, peerSetup: .passive) == .client)
        #expect(try JingleDTLSRole.resolve(.answerer, peerSetup: .active) == .server)
        #expect(try JingleDTLSRole.resolve(.answerer, peerSetup: nil) == .server)
    }

    @Test func rolesAsOfferer() throws {
        #expect(try JingleDTLSRole.resolve(.offerer, peerSetup: .active) == .server)
        #expect(try JingleDTLSRole.resolve(.offerer, peerSetup: .passive) == .client)
        // RFC 4145 section 4.1: an answer without setup means 'passive'.
        #expect(try JingleDTLSRole.resolve(.offerer, peerSetup: nil) == .client)
        // RFC 5763 section 5: the answerer MUST NOT say actpass.
        #expect {
            try JingleDTLSRole.resolve(.offerer, peerSetup: .actpass)
        } throws: { error in
            (error as? JingleError)?.attribute == "setup" && (error as? JingleError)?.element == "fingerprint"
        }
        #expect(throws: JingleError(.invalidAttribute, "")) {
            try JingleDTLSRole.resolve(.offerer, peerSetup: .holdconn)
        }
    }

    @Test func bothEndsAgree() throws {
        // Whatever the offer says, the two ends take opposite roles.
        for offered in [JingleDTLSSetup.actpass, .active, .passive] {
            let answer = try JingleDTLSRole.answerSetup(toOffered: offered)
            let answerer = try JingleDTLSRole.resolve(.answerer, peerSetup: offered)
            let offerer = try JingleDTLSRole.resolve(.offerer, peerSetup: answer)
            #expect(answerer != offerer, "offer \(offered)")
            #expect(answerer.setup == answer)
        }
    }
}
