/// A received STUN message with the bytes it came in, so MESSAGE-INTEGRITY can be checked once the
/// caller knows the key (after looking at USERNAME, REALM, NONCE).
///
/// Decoding checks the structure (RFC 8489 sections 5, 6.3 and 14) and, when FINGERPRINT is present,
/// its value; it never traps on arbitrary input.
public struct STUNDecodedMessage: Sendable {
    /// The message. Integrity and FINGERPRINT attributes appear as received; attributes after
    /// MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are dropped, as RFC 8489
    /// section 14.5 says to ignore them.
    public let message: STUNMessage
    /// The datagram as received.
    public let bytes: [UInt8]
    /// Whether a FINGERPRINT was present (and therefore verified). ICE requires it (RFC 8445 section 7.2.2).
    public let hasFingerprint: Bool
    /// Offsets of the MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 attribute headers.
    let integrityOffset: Int?
    let integritySHA256Offset: Int?

    /// Whether MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 is present.
    public var hasIntegrity: Bool { integrityOffset != nil || integritySHA256Offset != nil }

    /// Decodes one STUN message occupying all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(MediaError) {
        self = try bytes.withRawBytes { raw throws(MediaError) in try Self(raw, storage: bytes) }
    }

    /// Decodes one STUN message occupying all of `bytes`; the bytes are copied.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(MediaError) {
        try self.init(bytes, storage: Array(bytes))
    }

    private init(_ raw: UnsafeRawBufferPointer, storage: [UInt8]) throws(MediaError) {
        guard raw.count >= STUNMessage.headerLength else {
            throw MediaError(.truncated, "STUN header needs 20 bytes")
        }
        guard let type = STUNMessageType(rawValue: raw.uint16(at: 0)) else {
            throw MediaError(.invalidField, "STUN type with the top two bits set")
        }
        guard raw.uint32(at: 4) == STUNAttribute.magicCookie else {
            throw MediaError(.invalidField, "no STUN magic cookie")
        }
        let length = Int(raw.uint16(at: 2))
        // RFC 8489 section 5: the length counts the attributes only and is a multiple of 4.
        guard length % 4 == 0 else { throw MediaError(.invalidLength, "STUN length \(length) not a multiple of 4") }
        guard STUNMessage.headerLength + length == raw.count else {
            throw MediaError(
                raw.count < STUNMessage.headerLength + length ? .truncated : .invalidLength,
                "STUN length \(length) for \(raw.count - STUNMessage.headerLength) bytes of attributes")
        }
        let transactionID = STUNTransactionID(high: raw.uint32(at: 8), low: raw.uint64(at: 12))

        var attributes: [STUNAttribute] = []
        var integrityOffset: Int?
        var integritySHA256Offset: Int?
        var hasFingerprint = false
        var offset = STUNMessage.headerLength
        while offset < raw.count {
            guard raw.count - offset >= 4 else { throw MediaError(.truncated, "attribute header at \(offset)") }
            if hasFingerprint {
                // RFC 8489 section 14.7: FINGERPRINT is the last attribute.
                throw MediaError(.invalidOrder, "attribute after FINGERPRINT at \(offset)")
            }
            let attributeType = raw.uint16(at: offset)
            let valueLength = Int(raw.uint16(at: offset + 2))
            let padded = (valueLength + 3) & ~3
            guard raw.count - offset - 4 >= padded else {
                throw MediaError(
                    .truncated, "attribute 0x\(String(attributeType, radix: 16)) of \(valueLength) bytes at \(offset)")
            }
            let value = UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 4 + valueLength)])
            let attribute = try STUNAttribute.decode(type: attributeType, value: value, transactionID: transactionID)
            switch attribute {
            case .fingerprint(let received):
                let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<offset])) ^ 0x5354_554E
                guard crc == received else { throw MediaError(.fingerprintMismatch, "FINGERPRINT does not match") }
                hasFingerprint = true
                attributes.append(attribute)
            case .messageIntegrity where integrityOffset == nil && integritySHA256Offset == nil:
                integrityOffset = offset
                attributes.append(attribute)
            case .messageIntegritySHA256 where integritySHA256Offset == nil:
                integritySHA256Offset = offset
                attributes.append(attribute)
            default:
                // RFC 8489 section 14.5/14.6: everything else after an integrity attribute is ignored.
                if integrityOffset == nil && integritySHA256Offset == nil { attributes.append(attribute) }
            }
            offset += 4 + padded
        }
        self.message = STUNMessage(type: type, transactionID: transactionID, attributes: attributes)
        self.bytes = storage
        self.hasFingerprint = hasFingerprint
        self.integrityOffset = integrityOffset
        self.integritySHA256Offset = integritySHA256Offset
    }

    /// Checks every integrity attribute present against `key` (the password for short-term credentials,
    /// `STUNIntegrity.longTerm(...).key` for long-term ones). Throws `.integrityMissing` when there is
    /// none and `.integrityMismatch` when any does not match (RFC 8489 sections 9.1.3 and 9.2.4).
    public func verifyIntegrity(key: [UInt8]) throws(MediaError) {
        guard hasIntegrity else { throw MediaError(.integrityMissing, "no MESSAGE-INTEGRITY attribute") }
        if let integrityOffset, !check(.sha1, at: integrityOffset, key: key) {
            throw MediaError(.integrityMismatch, "MESSAGE-INTEGRITY does not match")
        }
        if let integritySHA256Offset, !check(.sha256, at: integritySHA256Offset, key: key) {
            throw MediaError(.integrityMismatch, "MESSAGE-INTEGRITY-SHA256 does not match")
        }
    }

    /// Short-term credential form of `verifyIntegrity(key:)`.
    public func verifyIntegrity(password: String) throws(MediaError) {
        try verifyIntegrity(key: Array(password.utf8))
    }

    private func check(_ digest: STUNCrypto.Digest, at offset: Int, key: [UInt8]) -> Bool {
        let valueLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        // The header length field as the sender saw it: up to the end of this attribute.
        let adjusted = UInt16(offset + 4 + valueLength - STUNMessage.headerLength)
        var lengthBytes: (UInt8, UInt8) = (UInt8(adjusted >> 8), UInt8(adjusted & 0xFF))
        let mac: [UInt8]? = bytes.withUnsafeBytes { raw in
            withUnsafeBytes(of: &lengthBytes) { length in
                STUNCrypto.hmac(
                    digest, key: key,
                    parts: [
                        UnsafeRawBufferPointer(rebasing: raw[0..<2]), length,
                        UnsafeRawBufferPointer(rebasing: raw[4..<offset]),
                    ])
            }
        }
        guard let mac else { return false }
        // MESSAGE-INTEGRITY-SHA256 may be truncated to 16-28 bytes (RFC 8489 section 14.6).
        return STUNCrypto.constantTimeEqual(mac.prefix(valueLength), bytes[(offset + 4)..<(offset + 4 + valueLength)])
    }
}
