import NIOCore
import Testing

@testable import Media

/// Two sessions talking through in-memory queues on virtual time (RFC 5764, RFC 6347, RFC 5763).
@Suite struct DTLSSessionTests {
    /// Both sessions connect with the same profile and the same exported keys, with either side as client,
    /// without a single retransmission.
    @Test(arguments: [DTLSRole.client, .server])
    func handshakeInBothRoleAssignments(roleOfA: DTLSRole) throws {
        var link = DTLSFixtures.link()
        link.setRole(.b, roleOfA.opposite)
        link.setRole(.a, roleOfA)
        link.run()

        let keysA = try #require(link.keys(.a))
        let keysB = try #require(link.keys(.b))
        #expect(link.a.role == roleOfA)
        #expect(link.b.role == roleOfA.opposite)
        #expect(keysA.profile == .aeadAES128GCM)
        #expect(keysA == keysB)
        #expect(keysA.exportedBytes.count == 56)
        // Each side sends with the key the other receives with (RFC 5764 section 4.2).
        let (outboundA, inboundA) = keysA.keys(for: roleOfA)
        let (outboundB, inboundB) = keysB.keys(for: roleOfA.opposite)
        #expect(outboundA == inboundB && inboundA == outboundB)
        #expect(outboundA.key != inboundA.key && outboundA.salt != inboundA.salt)
        #expect(link.a.remoteFingerprint == DTLSFixtures.certificateB.fingerprint)
        #expect(link.b.remoteFingerprint == DTLSFixtures.certificateA.fingerprint)
        #expect(link.a.status == .connected && link.b.status == .connected)
        #expect(link.a.keyingMaterial == keysA)
        #expect(link.a.nextDeadline == nil && link.b.nextDeadline == nil)
        #expect(link.now == link.start, "no timer had to fire")
        #expect(link.batches.count == 4, "four flights, no retransmission")
        #expect(link.batches.allSatisfy { $0.datagrams.allSatisfy { $0.count <= 1200 } })
    }

    /// Restricting one side's offer to a single profile forces that profile; both export the same
    /// `2 * (key + salt)` bytes (RFC 5764 section 4.2, RFC 7714 section 12).
    @Test(arguments: SRTPProfile.allCases, [DTLSRole.client, .server])
    func negotiatesEachProfile(profile: SRTPProfile, restrictedRole: DTLSRole) throws {
        let restricted = DTLSSession.Configuration(srtpProfiles: [profile])
        var link = DTLSFixtures.link(configurationA: restricted)
        link.setRole(.b, restrictedRole.opposite)
        link.setRole(.a, restrictedRole)
        link.run()
        let keysA = try #require(link.keys(.a))
        let keysB = try #require(link.keys(.b))
        #expect(keysA.profile == profile && keysB.profile == profile)
        #expect(keysA == keysB)
        #expect(keysA.exportedBytes.count == DTLSSRTPKeyingMaterial.exportedLength(for: profile))
        #expect(keysA.clientWriteKey.salt.count == profile.masterSaltLength)
    }

    /// OpenSSL as server takes the first profile of its own list that the client offered: as server, our
    /// preference order wins (RFC 5764 section 4.1.1 leaves the choice to the server).
    @Test func serverPreferenceDecides() throws {
        var link = DTLSFixtures.link(
            configurationA: .init(srtpProfiles: [.aes128CMHMACSHA1_32, .aes128CMHMACSHA1_80]),
            configurationB: .init(srtpProfiles: [.aes128CMHMACSHA1_80, .aes128CMHMACSHA1_32]))
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(try #require(link.keys(.b)).profile == .aes128CMHMACSHA1_80)
        #expect(try #require(link.keys(.a)).profile == .aes128CMHMACSHA1_80)
    }

    /// Disjoint offers: the handshake completes without use_srtp, which both sides refuse.
    @Test func noCommonProfileFailsBothSides() {
        var link = DTLSFixtures.link(
            configurationA: .init(srtpProfiles: [.aeadAES128GCM]),
            configurationB: .init(srtpProfiles: [.aes128CMHMACSHA1_80]))
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.failure(.a)?.code == .dtlsNoSRTPProfile)
        #expect(link.failure(.b)?.code == .dtlsNoSRTPProfile)
        #expect(link.keys(.a) == nil && link.keys(.b) == nil)
    }

    // MARK: - Fingerprints

    /// Both sides expect another certificate: the client rejects the server's certificate with
    /// bad_certificate; the server learns it from that alert. Neither side gets keys.
    @Test func fingerprintMismatchFailsBothSides() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setFingerprints(.a, [DTLSFixtures.certificateC.fingerprint])
        link.setFingerprints(.b, [DTLSFixtures.certificateC.fingerprint])
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        let failureA = try #require(link.failure(.a))
        #expect(failureA.code == .dtlsFingerprintMismatch)
        #expect(failureA.reason.contains(DTLSFixtures.certificateB.fingerprint.hexValue))
        #expect(failureA.reason.contains(DTLSFixtures.certificateC.fingerprint.hexValue))
        let failureB = try #require(link.failure(.b))
        #expect(failureB.code == .dtlsAlertReceived)
        #expect(failureB.reason.contains("bad_certificate"))
        #expect(link.eventsB.contains(.alertReceived(DTLSAlert(level: .fatal, code: 42))))
        #expect(link.keys(.a) == nil && link.keys(.b) == nil)
        #expect(link.a.status == .failed && link.b.status == .failed)
        #expect(link.a.nextDeadline == nil && link.b.nextDeadline == nil)
    }

    /// Only the server expects another certificate: it rejects the client's certificate in flight 3, and
    /// the client, which had accepted the server, fails on the alert.
    @Test func serverSideFingerprintMismatch() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setFingerprints(.a, [DTLSFixtures.certificateB.fingerprint])
        link.setFingerprints(.b, [DTLSFixtures.certificateC.fingerprint])
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.failure(.b)?.code == .dtlsFingerprintMismatch)
        #expect(link.failure(.a)?.code == .dtlsAlertReceived)
        #expect(link.keys(.a) == nil && link.keys(.b) == nil)
    }

    /// Fingerprints that arrive after the handshake: keys are withheld until then, and released when they
    /// match (the answer's fingerprint outran by the media).
    @Test func lateFingerprintReleasesKeys() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.a.status == .awaitingFingerprint && link.b.status == .awaitingFingerprint)
        #expect(link.keys(.a) == nil && link.keys(.b) == nil)
        #expect(link.a.keyingMaterial == nil)
        link.setFingerprints(.a, [DTLSFixtures.certificateB.fingerprint])
        link.setFingerprints(.b, [DTLSFixtures.certificateA.fingerprint])
        let keysA = try #require(link.keys(.a))
        #expect(keysA.exportedBytes == link.keys(.b)?.exportedBytes)
        #expect(link.a.status == .connected)
    }

    /// A late fingerprint that does not match fails that side; its close_notify tells the peer.
    @Test func lateFingerprintMismatch() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setFingerprints(.b, [DTLSFixtures.certificateA.fingerprint])
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.keys(.b) != nil)
        link.setFingerprints(.a, [DTLSFixtures.certificateC.fingerprint])
        #expect(link.failure(.a)?.code == .dtlsFingerprintMismatch)
        #expect(link.keys(.a) == nil)
        link.run()
        #expect(link.eventsB.last == .closed)
        #expect(link.b.status == .closed)
    }

    /// RFC 8122 section 5: with several hash functions signalled, the strongest decides; a weaker one that
    /// matches does not rescue a wrong strongest one.
    @Test func strongestFingerprintDecides() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setFingerprints(
            .a, [DTLSFixtures.certificateB.fingerprint(.sha1), DTLSFixtures.certificateB.fingerprint(.sha512)])
        link.setFingerprints(
            .b, [DTLSFixtures.certificateA.fingerprint(.sha1), DTLSFixtures.certificateC.fingerprint(.sha384)])
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.failure(.b)?.code == .dtlsFingerprintMismatch)
        #expect(link.failure(.a)?.code == .dtlsAlertReceived)
    }

    @Test func emptyFingerprintListFails() {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setRole(.a, .client)
        link.setFingerprints(.a, [])
        #expect(link.failure(.a)?.code == .dtlsFingerprintMismatch)
    }

    // MARK: - Roles

    /// An offerer with actpass gets the ClientHello before the answer: it becomes the server, and the
    /// answer's role (server) later changes nothing.
    @Test func earlyClientHelloMakesUsServer() throws {
        var link = DTLSFixtures.link()
        #expect(link.a.status == .awaitingRole && link.a.role == nil)
        link.setRole(.b, .client)
        link.run()
        #expect(link.eventsA.first == .roleResolved(.server))
        #expect(link.a.role == .server)
        #expect(link.keys(.a) != nil && link.keys(.b) != nil)
        link.setRole(.a, .server)
        #expect(link.a.status == .connected)
        #expect(link.eventsA.filter { if case .failed = $0 { true } else { false } }.isEmpty)
    }

    /// The usual offerer case: the ClientHello and the whole handshake happen before the answer, which
    /// carries both the role and the fingerprint. Keys wait for the fingerprint.
    @Test func earlyClientHelloBeforeAnswer() throws {
        var link = DTLSFixtures.link(fingerprints: false)
        link.setFingerprints(.b, [DTLSFixtures.certificateA.fingerprint])
        link.setRole(.b, .client)
        link.run()
        #expect(link.eventsA == [.roleResolved(.server)])
        #expect(link.a.status == .awaitingFingerprint)
        #expect(link.keys(.b) != nil)
        // The answer arrives: setup active (the answerer is the client), and its fingerprint.
        let role = try #require(DTLSRole(answerSetup: .active, localIsOfferer: true))
        link.setRole(.a, role)
        link.setFingerprints(.a, [DTLSFixtures.certificateB.fingerprint])
        #expect(link.keys(.a)?.exportedBytes == link.keys(.b)?.exportedBytes)
        #expect(link.a.status == .connected)
    }

    /// The answer contradicts the ClientHello that already made us the server: a clear failure.
    @Test func roleConflictAfterEarlyClientHello() {
        var link = DTLSFixtures.link()
        link.setRole(.b, .client)
        link.run()
        link.setRole(.a, .client)
        #expect(link.failure(.a)?.code == .dtlsRoleConflict)
        #expect(link.failure(.a)?.reason.contains("ClientHello") == true)
    }

    /// Datagrams that are not a ClientHello wait until signalling sets the role, then are processed.
    @Test func datagramsBeforeRoleAreBuffered() throws {
        var link = DTLSFixtures.link(configurationA: .init(acceptsClientHelloBeforeRole: false))
        link.setRole(.b, .client)
        link.deliverAll()
        #expect(link.eventsA.isEmpty)
        #expect(link.a.status == .awaitingRole)
        link.setRole(.a, .server)
        link.run()
        #expect(link.keys(.a) != nil && link.keys(.b) != nil)
        #expect(!link.eventsA.contains(.roleResolved(.server)))
    }

    @Test func roleFromSetup() {
        #expect(DTLSRole(answerSetup: .active, localIsOfferer: false) == .client)
        #expect(DTLSRole(answerSetup: .active, localIsOfferer: true) == .server)
        #expect(DTLSRole(answerSetup: .passive, localIsOfferer: false) == .server)
        #expect(DTLSRole(answerSetup: .passive, localIsOfferer: true) == .client)
        #expect(DTLSRole(answerSetup: .actpass, localIsOfferer: true) == nil)
        #expect(DTLSRole(answerSetup: .holdconn, localIsOfferer: false) == nil)
        #expect(DTLSSetup.answer(to: .actpass) == .active)
        #expect(DTLSSetup.answer(to: .active) == .passive)
        #expect(DTLSSetup.answer(to: .passive) == .active)
        #expect(DTLSSetup.answer(to: .holdconn) == nil)
        #expect(DTLSSetup.offer == .actpass)
    }
}
