import Testing

@testable import Media

/// Published test vectors: RFC 3711 appendix B (AES-CM keystream, key derivation), RFC 7714 sections 16 and 17
/// (AES-GCM SRTP and SRTCP), RFC 2202 (HMAC-SHA1).
@Suite struct SRTPVectorTests {
    // MARK: RFC 3711 appendix B.2

    /// B.2: the AES-CM keystream for session key 2B7E..., salt F0F1...FD, SSRC 0 and index 0, whose counter
    /// block is the salt shifted by 16 bits; the whole 65,282-block segment, checked at both ends.
    @Test func aesCounterModeKeystream() throws {
        let salt = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD")
        var iv = [UInt8](repeating: 0xEE, count: 16)
        iv.withUnsafeMutableBytes { iv in
            salt.withUnsafeBytes { salt in
                SRTPPacketLayout.counterModeIV(into: iv.baseAddress!, salt: salt.baseAddress!, ssrc: 0, index: 0)
            }
        }
        #expect(iv == hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"))

        let cipher = try SRTPCipher(mode: .aes128CounterMode, key: hex("2B7E151628AED2A6ABF7158809CF4F3C"))
        var keystream = [UInt8](repeating: 0, count: 1_044_512)
        let ok = iv.withUnsafeBytes { iv in
            keystream.withUnsafeMutableBytes {
                cipher.applyKeystream(iv: iv.baseAddress!, to: $0.baseAddress!, count: $0.count)
            }
        }
        #expect(ok)
        #expect(
            Array(keystream.prefix(48))
                == hex(
                    """
                    E03EAD0935C95E80E166B16DD92B4EB4
                    D23513162B02D0F72A43A2FE4A5F97AB
                    41E95B3BB0A2E8DD477901E4FCA894C0
                    """))
        #expect(
            Array(keystream.suffix(48))
                == hex(
                    """
                    EC8CDF7398607CB0F2D21675EA9EA1E4
                    362B7C3C6773516318A077D7FC5073AE
                    6A2CC3787889374FBEB4C81B17BA6C44
                    """))
    }

    /// The IV places the SSRC at octets 4-7 and the 48-bit index at octets 8-13 (RFC 3711 section 4.1.1).
    @Test func counterModeIVLayout() {
        var iv = [UInt8](repeating: 0xEE, count: 16)
        let salt = [UInt8](repeating: 0, count: 14)
        iv.withUnsafeMutableBytes { iv in
            salt.withUnsafeBytes { salt in
                SRTPPacketLayout.counterModeIV(
                    into: iv.baseAddress!, salt: salt.baseAddress!, ssrc: 0x0102_0304, index: 0xAABB_CCDD_EEFF)
            }
        }
        #expect(iv == hex("00000000 01020304 AABBCCDDEEFF 0000"))
    }

    // MARK: RFC 3711 appendix B.3

    static let masterKey = try! SRTPMasterKey(
        profile: .aes128CMHMACSHA1_80, key: hex("E1F97A0D3E018BE0D64FA32C06DE4139"),
        salt: hex("0EC675AD498AFEEBB6960B3AABE6"))

    /// B.3: cipher key, cipher salt and the 94-octet auth key the appendix walks through.
    @Test func keyDerivation() throws {
        #expect(
            try SRTPKeyDerivation.derive(Self.masterKey, label: .rtpEncryption, length: 16)
                == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(
            try SRTPKeyDerivation.derive(Self.masterKey, label: .rtpSalt, length: 14)
                == hex("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(
            try SRTPKeyDerivation.derive(Self.masterKey, label: .rtpAuthentication, length: 94)
                == hex(
                    """
                    CEBE321F6FF7716B6FD4AB49AF256A15
                    6D38BAA48F0A0ACF3C34E2359E6CDBCE
                    E049646C43D9327AD175578EF7227098
                    6371C10C9A369AC2F94A8C5FBCDDDC25
                    6D6E919A48B610EF17C2041E47403576
                    6B68642C59BBFC2F34DB60DBDFB2
                    """))
        let keys = try SRTPSessionKeys(deriving: Self.masterKey, forRTCP: false)
        #expect(keys.encryptionKey == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(keys.salt == hex("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(keys.authenticationKey == hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        // SRTCP uses labels 3 to 5: different keys from the same master key.
        let rtcp = try SRTPSessionKeys(deriving: Self.masterKey, forRTCP: true)
        #expect(rtcp.encryptionKey != keys.encryptionKey && rtcp.salt != keys.salt)
    }

    // MARK: RFC 7714 sections 16 and 17 (session keys given directly)

    static let gcmKeys = SRTPSessionKeys(
        encryptionKey: hex("000102030405060708090a0b0c0d0e0f"), salt: hex("517569642070726f2071756f"))

    /// A GCM context whose four directions all use the RFC's session key and salt.
    static func gcmContext() throws -> EVPSRTPContext {
        try EVPSRTPContext(
            profile: .aeadAES128GCM, outboundRTP: gcmKeys, outboundRTCP: gcmKeys, inboundRTP: gcmKeys,
            inboundRTCP: gcmKeys)
    }

    static let rtpPlaintext = hex(
        """
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070
        61727465 73207472 6573
        """)
    static let rtpProtected = hex(
        """
        8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a
        51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce
        """)
    static let rtcpPlaintext = hex(
        """
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef
        deadbeef deadbeef deadbeef
        """)
    static let rtcpProtected = hex(
        """
        81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda
        4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4
        """)
    static let rtcpTagOnly = hex(
        """
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef
        deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4
        """)

    /// Sections 16.1 (SRTP IV) and 17.1 (SRTCP IV).
    @Test func gcmIVs() {
        func iv(ssrc: UInt32, index: UInt64) -> [UInt8] {
            var iv = [UInt8](repeating: 0, count: 12)
            iv.withUnsafeMutableBytes { iv in
                Self.gcmKeys.salt.withUnsafeBytes { salt in
                    SRTPPacketLayout.gcmIV(into: iv.baseAddress!, salt: salt.baseAddress!, ssrc: ssrc, index: index)
                }
            }
            return iv
        }
        #expect(iv(ssrc: 0x5501_a0b2, index: 0xf17b) == hex("51753c6580c2726f20718414"))
        #expect(iv(ssrc: 0x4d61_7273, index: 0x5d4) == hex("517524055203726f207170bb"))
    }

    /// Section 16.1.1 encryption and 16.1.2 decryption (ROC 0, SEQ 0xf17b).
    @Test func gcmSRTP() throws {
        var packet = Self.rtpPlaintext
        try Self.gcmContext().protectRTP(&packet)
        #expect(packet == Self.rtpProtected)
        try Self.gcmContext().unprotectRTP(&packet)
        #expect(packet == Self.rtpPlaintext)
    }

    /// Section 17.1 encryption (SRTCP index 0x5d4, E set) and decryption.
    @Test func gcmSRTCP() throws {
        var buffer = Self.rtcpPlaintext + [UInt8](repeating: 0, count: 20)
        let transform = try SRTPTransform(
            profile: .aeadAES128GCM, keys: Self.gcmKeys, forRTCP: true, sealing: true)
        let length = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
            try transform.sealRTCP(
                raw, length: Self.rtcpPlaintext.count, ssrc: 0x4d61_7273, index: 0x5d4, encrypt: true)
        }
        #expect(Array(buffer.prefix(length)) == Self.rtcpProtected)

        var packet = Self.rtcpProtected
        try Self.gcmContext().unprotectRTCP(&packet)
        #expect(packet == Self.rtcpPlaintext)
    }

    /// Section 17.3: SRTCP authenticated only (E clear): the packet travels in clear before the tag.
    @Test func gcmSRTCPAuthenticatedOnly() throws {
        var buffer = Self.rtcpPlaintext + [UInt8](repeating: 0, count: 20)
        let transform = try SRTPTransform(
            profile: .aeadAES128GCM, keys: Self.gcmKeys, forRTCP: true, sealing: true)
        let length = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
            try transform.sealRTCP(
                raw, length: Self.rtcpPlaintext.count, ssrc: 0x4d61_7273, index: 0x5d4, encrypt: false)
        }
        #expect(Array(buffer.prefix(length)) == Self.rtcpTagOnly)

        var packet = Self.rtcpTagOnly
        try Self.gcmContext().unprotectRTCP(&packet)
        #expect(packet == Self.rtcpPlaintext)
        // Setting the E flag changes the AAD and the meaning of the payload: the tag no longer matches.
        var flipped = Self.rtcpTagOnly
        flipped[flipped.count - 4] |= 0x80
        #expect(SRTPFixtures.errorCode { try Self.gcmContext().unprotectRTCP(&flipped) } == .srtpAuthenticationFailed)
    }

    // MARK: RFC 2202 section 3

    @Test(arguments: [
        (String(repeating: "0b", count: 20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
        ("4a656665", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (
            String(repeating: "aa", count: 80), "Test Using Larger Than Block-Size Key - Hash Key First",
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        ),
    ])
    func hmacSHA1(keyHex: String, text: String, expected: String) {
        let hmac = SRTPHMACSHA1(key: hex(keyHex))
        let message = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: 20)
        // Split the message to cover the suffix path the ROC takes.
        let split = message.count / 2
        message.withUnsafeBytes { message in
            output.withUnsafeMutableBytes { output in
                hmac.authenticate(
                    UnsafeRawBufferPointer(rebasing: message[0..<split]),
                    suffix: UnsafeRawBufferPointer(rebasing: message[split...]), into: output.baseAddress!)
            }
        }
        #expect(output == hex(expected))
        // The keyed states are reused: a second run gives the same MAC.
        var again = [UInt8](repeating: 0, count: 20)
        message.withUnsafeBytes { message in
            again.withUnsafeMutableBytes {
                hmac.authenticate(message, suffix: UnsafeRawBufferPointer(start: nil, count: 0), into: $0.baseAddress!)
            }
        }
        #expect(again == output)
    }
}
