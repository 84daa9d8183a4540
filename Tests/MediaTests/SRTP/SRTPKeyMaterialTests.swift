import Testing

@testable import Media

/// Profiles, master keys, RFC 5764 keying material and RFC 4568 key-params.
@Suite struct SRTPKeyMaterialTests {
    @Test func profileIdentifiersAndNames() {
        #expect(SRTPProfile.allCases.map(\.dtlsProfileID) == [0x0001, 0x0002, 0x0007])
        for profile in SRTPProfile.allCases {
            #expect(SRTPProfile(dtlsProfileID: profile.dtlsProfileID) == profile)
            #expect(SRTPProfile(sdesName: profile.sdesName) == profile)
            #expect(SRTPProfile(openSSLName: profile.openSSLName) == profile)
        }
        #expect(SRTPProfile(dtlsProfileID: 0x0008) == nil)
        #expect(SRTPProfile(sdesName: "aes_cm_128_hmac_sha1_80") == nil)
        #expect(SRTPProfile(sdesName: "AES_CM_128_HMAC_SHA1_80") == .aes128CMHMACSHA1_80)
        #expect(SRTPProfile(openSSLName: "SRTP_AEAD_AES_128_GCM") == .aeadAES128GCM)
        #expect(SRTPProfile.aes128CMHMACSHA1_32.rtpOverhead == 4 && SRTPProfile.aes128CMHMACSHA1_32.rtcpOverhead == 14)
        #expect(SRTPProfile.aeadAES128GCM.rtpOverhead == 16 && SRTPProfile.aeadAES128GCM.rtcpOverhead == 20)
    }

    @Test func masterKeyLengthsAreChecked() throws {
        #expect(
            SRTPFixtures.errorCode {
                _ = try SRTPMasterKey(
                    profile: .aeadAES128GCM, key: [UInt8](repeating: 0, count: 16),
                    salt: [UInt8](repeating: 0, count: 14))
            } == .srtpInvalidKey)
        #expect(
            SRTPFixtures.errorCode {
                _ = try SRTPMasterKey(
                    profile: .aes128CMHMACSHA1_80, key: [UInt8](repeating: 0, count: 32),
                    salt: [UInt8](repeating: 0, count: 14))
            } == .srtpInvalidKey)
        #expect(
            SRTPFixtures.errorCode { _ = try SRTPMasterKey(profile: .aes128CMHMACSHA1_80, concatenated: [1, 2, 3]) }
                == .srtpInvalidKey)
        let key = try SRTPMasterKey.random(for: .aes128CMHMACSHA1_80)
        #expect(key.key.count == 16 && key.salt.count == 14)
        #expect(try SRTPMasterKey.random(for: .aes128CMHMACSHA1_80) != key)
        #expect(key.description == "SRTPMasterKey(AES_CM_128_HMAC_SHA1_80, <redacted>)")
        // Contexts refuse keys of two profiles.
        let gcm = try SRTPMasterKey.random(for: .aeadAES128GCM)
        #expect(SRTPFixtures.errorCode { _ = try EVPSRTPContext(outbound: key, inbound: gcm) } == .srtpInvalidKey)
        #expect(SRTPFixtures.errorCode { _ = try LibSRTPContext(outbound: key, inbound: gcm) } == .srtpInvalidKey)
        #expect(
            SRTPFixtures.errorCode {
                _ = try EVPSRTPContext(outbound: key, inbound: key, configuration: SRTPConfiguration(streamCapacity: 0))
            }
                == .invalidConfiguration)
    }

    // MARK: RFC 5764 section 4.2

    @Test(arguments: SRTPProfile.allCases)
    func dtlsKeyingMaterialLayout(profile: SRTPProfile) throws {
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        #expect(DTLSSRTPKeyingMaterial.exportedLength(for: profile) == 2 * (keyLength + saltLength))
        let exported = (0..<DTLSSRTPKeyingMaterial.exportedLength(for: profile)).map { UInt8($0) }
        let material = try DTLSSRTPKeyingMaterial(profile: profile, exported: exported)
        // client key || server key || client salt || server salt
        #expect(material.clientWriteKey.key == Array(0..<UInt8(keyLength)))
        #expect(material.serverWriteKey.key == Array(UInt8(keyLength)..<UInt8(2 * keyLength)))
        #expect(material.clientWriteKey.salt == Array(UInt8(2 * keyLength)..<UInt8(2 * keyLength + saltLength)))
        #expect(
            material.serverWriteKey.salt
                == Array(UInt8(2 * keyLength + saltLength)..<UInt8(2 * keyLength + 2 * saltLength)))
        #expect(material.keys(for: .client) == (material.clientWriteKey, material.serverWriteKey))
        #expect(material.keys(for: .server) == (material.serverWriteKey, material.clientWriteKey))
        #expect(DTLSSRTPKeyingMaterial.exporterLabel == "EXTRACTOR-dtls_srtp")
        #expect(
            SRTPFixtures.errorCode {
                _ = try DTLSSRTPKeyingMaterial(profile: profile, exported: Array(exported.dropLast()))
            }
                == .srtpInvalidKey)
    }

    // MARK: RFC 4568 key-params

    /// The key-params of RFC 4568 section 4's example offer.
    @Test func parsesTheRFCExample() throws {
        let text = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4"
        let params = try SDESKeyParams(parsing: text, profile: .aes128CMHMACSHA1_80)
        #expect(params.masterKey.concatenated == SDESBase64.decode("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"))
        #expect(params.masterKey.key.count == 16 && params.masterKey.salt.count == 14)
        #expect(params.lifetime == 1 << 20)
        #expect(params.mki == SDESKeyParams.MKI(value: 1, length: 4))
        #expect(params.encoded == text)
        #expect(!params.description.contains("PS1u"))
    }

    @Test(arguments: SRTPProfile.allCases)
    func roundTrips(profile: SRTPProfile) throws {
        let random = try SDESKeyParams.random(for: profile)
        #expect(try SDESKeyParams(parsing: random.encoded, profile: profile) == random)
        // A 28-octet GCM key and salt needs base64 padding; 30 octets do not.
        #expect(random.encoded.hasSuffix("=") == profile.isAEAD)
        var full = random
        full.lifetime = 1_000
        full.mki = SDESKeyParams.MKI(value: 300, length: 2)
        #expect(full.encoded.hasSuffix("|1000|300:2"))
        #expect(try SDESKeyParams(parsing: full.encoded, profile: profile) == full)
        // Only the lifetime, or only the MKI.
        full.mki = nil
        #expect(try SDESKeyParams(parsing: full.encoded, profile: profile) == full)
        full.lifetime = nil
        full.mki = SDESKeyParams.MKI(value: 1, length: 1)
        #expect(try SDESKeyParams(parsing: full.encoded, profile: profile) == full)
        // A list of two keys.
        let list = try SDESKeyParams.parseList(random.encoded + ";" + full.encoded, profile: profile)
        #expect(list == [random, full])
    }

    @Test(arguments: [
        "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",  // no key method
        "uri:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",  // another key method
        "inline:",  // no key
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB!",  // not base64
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx",  // too short for key and salt
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^",  // lifetime without exponent
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^64",  // lifetime past 64 bits
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|0",  // zero lifetime
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:0",  // MKI length 0
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:129",  // MKI length past 128
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|256:1",  // MKI value too large for 1 octet
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4|2^20",  // MKI before lifetime
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|2^20",  // two lifetimes
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4|x",  // four fields
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|-5",  // sign
    ])
    func rejectsMalformedKeyParams(text: String) {
        let code = SRTPFixtures.errorCode { _ = try SDESKeyParams(parsing: text, profile: .aes128CMHMACSHA1_80) }
        #expect(code == .srtpInvalidKeyParams || code == .srtpInvalidKey)
    }

    @Test func keyOfAnotherSuiteIsRejected() {
        // 30 octets: AES-CM, not GCM (28).
        let code = SRTPFixtures.errorCode {
            _ = try SDESKeyParams(parsing: "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", profile: .aeadAES128GCM)
        }
        #expect(code == .srtpInvalidKey)
    }

    /// RFC 4648 section 10.
    @Test func base64Vectors() {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(SDESBase64.encode(Array(plain.utf8)) == encoded)
            #expect(SDESBase64.decode(encoded) == Array(plain.utf8))
            #expect(SDESBase64.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
        }
        #expect(SDESBase64.decode("Zg=") == nil)
        #expect(SDESBase64.decode("Z") == nil)
        #expect(SDESBase64.decode("Zh==") == nil)  // non-zero trailing bits
        #expect(SDESBase64.decode("Zg==Zg==") == nil)
        #expect(SDESBase64.decode("Zm 9v") == nil)
    }
}
