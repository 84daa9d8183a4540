import Testing

@testable import Media

/// RFC 8122 section 5 fingerprints and the certificate that produces them.
@Suite struct DTLSFingerprintTests {
    @Test func parsesAndFormats() throws {
        let hex = "AB:cd:01:" + Array(repeating: "00", count: 29).joined(separator: ":")
        let fingerprint = try DTLSFingerprint(sdpValue: "SHA-256 \(hex)\r\n")
        #expect(fingerprint.algorithm == .sha256)
        #expect(fingerprint.bytes.prefix(3) == [0xAB, 0xCD, 0x01])
        #expect(fingerprint.hexValue == hex.uppercased())
        #expect(fingerprint.sdpValue == "sha-256 " + hex.uppercased())
        #expect(try DTLSFingerprint(hashName: "sha-256", hex: " \(hex) ") == fingerprint)
        #expect(try DTLSFingerprint(sdpValue: fingerprint.sdpValue) == fingerprint)
    }

    @Test func rejectsMalformedValues() {
        let code = MediaError(.invalidField, "")
        #expect(throws: code) { try DTLSFingerprint(sdpValue: "md5 AB:CD") }
        #expect(throws: code) { try DTLSFingerprint(sdpValue: "sha-256") }
        #expect(throws: code) { try DTLSFingerprint(algorithm: .sha1, hex: "ABCD") }
        #expect(throws: code) { try DTLSFingerprint(algorithm: .sha1, hex: "AB::CD") }
        #expect(throws: code) { try DTLSFingerprint(algorithm: .sha1, hex: "AG:CD") }
        #expect(throws: MediaError(.invalidLength, "")) { try DTLSFingerprint(algorithm: .sha1, hex: "AB:CD") }
        #expect(throws: MediaError(.invalidLength, "")) { try DTLSFingerprint(algorithm: .sha256, bytes: [1]) }
    }

    @Test func preferredSetIsTheStrongestHash() throws {
        let certificate = DTLSFixtures.certificateA
        let set: [DTLSFingerprint] = [
            certificate.fingerprint(.sha1), certificate.fingerprint(.sha384),
            DTLSFixtures.certificateB.fingerprint(.sha384),
        ]
        #expect(DTLSFingerprint.preferredSet(of: set).map(\.algorithm) == [.sha384, .sha384])
        #expect(DTLSFingerprint.preferredSet(of: []).isEmpty)
    }

    /// A generated certificate: P-256 self-signed, its fingerprints in every hash, PEM that loads back.
    @Test func certificateRoundTripsThroughPEM() throws {
        let certificate = DTLSFixtures.certificateA
        #expect(certificate.fingerprint.algorithm == .sha256)
        #expect(certificate.fingerprint.hexValue.count == 32 * 3 - 1)
        for algorithm in DTLSFingerprint.Algorithm.allCases {
            #expect(certificate.fingerprint(algorithm).bytes.count == algorithm.digestLength)
        }
        #expect(certificate.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(certificate.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try DTLSCertificate(
            certificatePEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM)
        #expect(reloaded.fingerprint == certificate.fingerprint)
        #expect(DTLSFixtures.certificateB.fingerprint != certificate.fingerprint)
    }

    @Test func certificateErrors() {
        let setup = MediaError(.dtlsSetupFailed, "")
        #expect(throws: setup) { try DTLSCertificate(certificatePEM: "garbage", privateKeyPEM: "garbage") }
        #expect(throws: setup) {
            try DTLSCertificate(
                certificatePEM: DTLSFixtures.certificateA.certificatePEM,
                privateKeyPEM: DTLSFixtures.certificateB.privateKeyPEM)
        }
        #expect(throws: setup) { try DTLSCertificate(certificateFile: "/nonexistent", privateKeyFile: "/nonexistent") }
    }
}
