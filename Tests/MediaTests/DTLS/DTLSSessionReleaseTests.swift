import NIOCore
import Testing

@testable import Media

/// `releaseConnection()`: a connected session frees OpenSSL's state and keeps what the call still needs.
@Suite struct DTLSSessionReleaseTests {
    /// A link whose sessions connected, A as client.
    func connectedLink() throws -> DTLSTestLink {
        var link = DTLSFixtures.link()
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        _ = try #require(link.keys(.a))
        _ = try #require(link.keys(.b))
        return link
    }

    @Test func onlyAConnectedSessionReleases() throws {
        var link = DTLSFixtures.link()
        #expect(!link.a.releaseConnection(), "awaiting its role")
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        #expect(!link.a.releaseConnection(), "handshaking")
        #expect(!link.a.isConnectionReleased)
        link.run()
        #expect(link.a.releaseConnection())
        #expect(link.a.isConnectionReleased)
        #expect(!link.a.releaseConnection(), "released once")
    }

    /// Keys, fingerprint and status stay; DTLS input is ignored and close sends no close_notify.
    @Test func releasedSessionKeepsKeysAndIgnoresRecords() throws {
        var link = try connectedLink()
        let keys = link.a.keyingMaterial
        #expect(link.a.releaseConnection())
        #expect(link.a.status == .connected)
        #expect(link.a.keyingMaterial == keys)
        #expect(link.a.remoteFingerprint == DTLSFixtures.certificateB.fingerprint)
        #expect(link.a.nextDeadline == nil)

        // B closes: its close_notify reaches A, which no longer reads records.
        let batchesBefore = link.batches.count
        link.apply(link.b.close(), from: .b)
        #expect(link.batches.count == batchesBefore + 1, "B sent close_notify")
        link.deliverAll()
        #expect(link.events(.a).allSatisfy { if case .closed = $0 { false } else { true } })
        #expect(link.a.status == .connected)
        #expect(link.a.close().isEmpty, "no OpenSSL connection to send close_notify with")
        #expect(link.a.status == .closed)
    }

    /// A changed fingerprint is still checked against the certificate the peer presented.
    @Test func releasedSessionChecksNewFingerprints() throws {
        var link = try connectedLink()
        #expect(link.a.releaseConnection())
        link.setFingerprints(.a, [DTLSFixtures.certificateB.fingerprint])
        #expect(link.failure(.a) == nil)
        #expect(link.a.status == .connected)
        link.setFingerprints(.a, [DTLSFixtures.certificateC.fingerprint])
        #expect(link.failure(.a)?.code == .dtlsFingerprintMismatch)
        #expect(link.a.status == .failed)
    }

    /// Signalling that repeats the role changes nothing; the other role is a conflict.
    @Test func releasedSessionChecksTheRole() throws {
        var link = try connectedLink()
        #expect(link.a.releaseConnection())
        #expect(link.a.setRole(.client, now: link.now).isEmpty)
        #expect(link.a.status == .connected)
        link.setRole(.a, .server)
        #expect(link.failure(.a)?.code == .dtlsRoleConflict)
    }
}
