/// One STUN attribute, decoded (RFC 8489 section 14, RFC 8445 section 16.1).
///
/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT appear in decoded messages as they
/// were received; the encoder computes them itself and ignores these cases in `STUNMessage.attributes`.
public enum STUNAttribute: Hashable, Sendable {
    case mappedAddress(TransportAddress)
    case xorMappedAddress(TransportAddress)
    case username(String)
    case messageIntegrity([UInt8])
    case messageIntegritySHA256([UInt8])
    case fingerprint(UInt32)
    case errorCode(STUNErrorCode)
    /// Attribute types the server did not understand (in a 420 response).
    case unknownAttributes([UInt16])
    case realm(String)
    case nonce(String)
    case software(String)
    /// ICE candidate priority (RFC 8445 section 7.1.1).
    case priority(UInt32)
    /// ICE nomination flag (RFC 8445 section 7.1.2).
    case useCandidate
    /// ICE role tie-breaker of a controlled agent (RFC 8445 section 7.1.3).
    case iceControlled(UInt64)
    /// ICE role tie-breaker of a controlling agent (RFC 8445 section 7.1.3).
    case iceControlling(UInt64)
    /// An attribute this module does not interpret, kept byte for byte.
    case other(type: UInt16, value: [UInt8])

    /// The wire type of this attribute.
    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .username: .username
        case .messageIntegrity: .messageIntegrity
        case .messageIntegritySHA256: .messageIntegritySHA256
        case .fingerprint: .fingerprint
        case .errorCode: .errorCode
        case .unknownAttributes: .unknownAttributes
        case .realm: .realm
        case .nonce: .nonce
        case .software: .software
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .other(let type, _): STUNAttributeType(rawValue: type)
        }
    }
}

// MARK: - Wire format

extension STUNAttribute {
    static let magicCookie: UInt32 = 0x2112_A442

    /// RFC 8489 section 14.3: USERNAME is fewer than 509 bytes when sent; RFC 5389 peers may send up to 512.
    static let maxUsernameBytesSent = 508
    static let maxUsernameBytesReceived = 512
    /// RFC 8489 sections 14.8-14.10, 14.14: fewer than 128 characters, at most 509 bytes sent, 763 received.
    static let maxTextCharacters = 127
    static let maxTextBytesSent = 509
    static let maxTextBytesReceived = 763

    /// Decodes the value of one attribute; `value` excludes the 4-byte attribute header and padding.
    static func decode(
        type: UInt16, value: UnsafeRawBufferPointer, transactionID: STUNTransactionID
    ) throws(MediaError) -> STUNAttribute {
        switch STUNAttributeType(rawValue: type) {
        case .mappedAddress:
            return .mappedAddress(try decodeAddress(value, xor: nil))
        case .xorMappedAddress:
            return .xorMappedAddress(try decodeAddress(value, xor: transactionID))
        case .username:
            return .username(try decodeText(value, limit: maxUsernameBytesReceived, name: "USERNAME"))
        case .messageIntegrity:
            // RFC 8489 section 14.5: always 20 bytes (HMAC-SHA1).
            guard value.count == 20 else {
                throw MediaError(.invalidLength, "MESSAGE-INTEGRITY must be 20 bytes, got \(value.count)")
            }
            return .messageIntegrity(Array(value))
        case .messageIntegritySHA256:
            // RFC 8489 section 14.6: 16 to 32 bytes, a multiple of 4.
            guard (16...32).contains(value.count), value.count % 4 == 0 else {
                throw MediaError(.invalidLength, "MESSAGE-INTEGRITY-SHA256 of \(value.count) bytes")
            }
            return .messageIntegritySHA256(Array(value))
        case .fingerprint:
            guard value.count == 4 else { throw MediaError(.invalidLength, "FINGERPRINT must be 4 bytes") }
            return .fingerprint(value.uint32(at: 0))
        case .errorCode:
            return .errorCode(try decodeErrorCode(value))
        case .unknownAttributes:
            guard value.count % 2 == 0 else {
                throw MediaError(.invalidLength, "UNKNOWN-ATTRIBUTES of odd length \(value.count)")
            }
            return .unknownAttributes(stride(from: 0, to: value.count, by: 2).map { value.uint16(at: $0) })
        case .realm:
            return .realm(try decodeText(value, limit: maxTextBytesReceived, name: "REALM"))
        case .nonce:
            return .nonce(try decodeText(value, limit: maxTextBytesReceived, name: "NONCE"))
        case .software:
            return .software(try decodeText(value, limit: maxTextBytesReceived, name: "SOFTWARE"))
        case .priority:
            guard value.count == 4 else { throw MediaError(.invalidLength, "PRIORITY must be 4 bytes") }
            return .priority(value.uint32(at: 0))
        case .useCandidate:
            guard value.isEmpty else { throw MediaError(.invalidLength, "USE-CANDIDATE must be empty") }
            return .useCandidate
        case .iceControlled:
            guard value.count == 8 else { throw MediaError(.invalidLength, "ICE-CONTROLLED must be 8 bytes") }
            return .iceControlled(value.uint64(at: 0))
        case .iceControlling:
            guard value.count == 8 else { throw MediaError(.invalidLength, "ICE-CONTROLLING must be 8 bytes") }
            return .iceControlling(value.uint64(at: 0))
        default:
            return .other(type: type, value: Array(value))
        }
    }

    /// Appends this attribute (header, value, zero padding) to `out`.
    func encode(into out: inout [UInt8], transactionID: STUNTransactionID) throws(MediaError) {
        let start = out.count
        out.appendBigEndian(type.rawValue)
        out.appendBigEndian(UInt16(0))  // length, patched below
        switch self {
        case .mappedAddress(let address):
            Self.encodeAddress(address, xor: nil, into: &out)
        case .xorMappedAddress(let address):
            Self.encodeAddress(address, xor: transactionID, into: &out)
        case .username(let text):
            try Self.encodeText(text, limit: Self.maxUsernameBytesSent, characters: nil, name: "USERNAME", into: &out)
        case .messageIntegrity(let bytes), .messageIntegritySHA256(let bytes):
            out.append(contentsOf: bytes)
        case .fingerprint(let value):
            out.appendBigEndian(value)
        case .errorCode(let error):
            // RFC 8489 section 14.8: class 3-6 in 3 bits, number 0-99 in 8 bits after 21 reserved zero bits.
            guard (300...699).contains(error.code) else {
                throw MediaError(.unencodable, "ERROR-CODE \(error.code) outside 300-699")
            }
            out.appendBigEndian(UInt16(0))
            out.append(UInt8(error.code / 100))
            out.append(UInt8(error.code % 100))
            try Self.encodeText(
                error.reason, limit: Self.maxTextBytesSent, characters: Self.maxTextCharacters,
                name: "ERROR-CODE reason", into: &out)
        case .unknownAttributes(let types):
            for type in types { out.appendBigEndian(type) }
        case .realm(let text):
            try Self.encodeText(
                text, limit: Self.maxTextBytesSent, characters: Self.maxTextCharacters, name: "REALM", into: &out)
        case .nonce(let text):
            try Self.encodeText(
                text, limit: Self.maxTextBytesSent, characters: Self.maxTextCharacters, name: "NONCE", into: &out)
        case .software(let text):
            try Self.encodeText(
                text, limit: Self.maxTextBytesSent, characters: Self.maxTextCharacters, name: "SOFTWARE", into: &out)
        case .priority(let value):
            out.appendBigEndian(value)
        case .useCandidate:
            break
        case .iceControlled(let value), .iceControlling(let value):
            out.appendBigEndian(value)
        case .other(_, let value):
            out.append(contentsOf: value)
        }
        let length = out.count - start - 4
        guard length <= 0xFFFF else {
            out.removeSubrange(start...)
            throw MediaError(.unencodable, "attribute \(type) value of \(length) bytes")
        }
        out.setBigEndian(UInt16(length), at: start + 2)
        // RFC 8489 section 14: padding bits must be zero when sending.
        out.padToFourBytes()
    }

    /// MAPPED-ADDRESS (section 14.1) and XOR-MAPPED-ADDRESS (section 14.2).
    private static func decodeAddress(
        _ value: UnsafeRawBufferPointer, xor transactionID: STUNTransactionID?
    ) throws(MediaError) -> TransportAddress {
        guard value.count >= 4 else { throw MediaError(.truncated, "address attribute shorter than 4 bytes") }
        let family = value[1]
        var port = value.uint16(at: 2)
        if transactionID != nil { port ^= UInt16(magicCookie >> 16) }
        switch family {
        case 0x01:
            guard value.count == 8 else {
                throw MediaError(.invalidLength, "IPv4 address attribute of \(value.count) bytes")
            }
            var address = value.uint32(at: 4)
            if transactionID != nil { address ^= magicCookie }
            return TransportAddress(ip: .v4(address), port: port)
        case 0x02:
            guard value.count == 20 else {
                throw MediaError(.invalidLength, "IPv6 address attribute of \(value.count) bytes")
            }
            var high = value.uint64(at: 4)
            var low = value.uint64(at: 12)
            if let transactionID {
                // XOR with the magic cookie followed by the transaction ID.
                high ^= UInt64(magicCookie) << 32 | UInt64(transactionID.high)
                low ^= transactionID.low
            }
            return TransportAddress(ip: .v6(high: high, low: low), port: port)
        default:
            throw MediaError(.invalidField, "address family \(family)")
        }
    }

    private static func encodeAddress(
        _ address: TransportAddress, xor transactionID: STUNTransactionID?, into out: inout [UInt8]
    ) {
        out.append(0)
        let port = transactionID == nil ? address.port : address.port ^ UInt16(magicCookie >> 16)
        switch address.ip {
        case .v4(let value):
            out.append(0x01)
            out.appendBigEndian(port)
            out.appendBigEndian(transactionID == nil ? value : value ^ magicCookie)
        case .v6(let high, let low):
            out.append(0x02)
            out.appendBigEndian(port)
            if let transactionID {
                out.appendBigEndian(high ^ (UInt64(magicCookie) << 32 | UInt64(transactionID.high)))
                out.appendBigEndian(low ^ transactionID.low)
            } else {
                out.appendBigEndian(high)
                out.appendBigEndian(low)
            }
        }
    }

    private static func decodeErrorCode(_ value: UnsafeRawBufferPointer) throws(MediaError) -> STUNErrorCode {
        guard value.count >= 4 else { throw MediaError(.truncated, "ERROR-CODE shorter than 4 bytes") }
        let errorClass = Int(value[2] & 0x07)
        let number = Int(value[3])
        guard (3...6).contains(errorClass), number < 100 else {
            throw MediaError(.invalidField, "ERROR-CODE class \(errorClass) number \(number)")
        }
        let reason = try decodeText(
            UnsafeRawBufferPointer(rebasing: value[4...]), limit: maxTextBytesReceived, name: "ERROR-CODE reason")
        return STUNErrorCode(code: errorClass * 100 + number, reason: reason)
    }

    private static func decodeText(
        _ value: UnsafeRawBufferPointer, limit: Int, name: StaticString
    ) throws(MediaError) -> String {
        guard value.count <= limit else {
            throw MediaError(.invalidText, "\(name) of \(value.count) bytes exceeds \(limit)")
        }
        // Decoding repairs invalid UTF-8 with U+FFFD; a repaired string no longer matches the bytes.
        let text = String(decoding: value, as: UTF8.self)
        guard text.utf8.elementsEqual(value) else { throw MediaError(.invalidText, "\(name) is not UTF-8") }
        return text
    }

    private static func encodeText(
        _ text: String, limit: Int, characters: Int?, name: StaticString, into out: inout [UInt8]
    ) throws(MediaError) {
        let utf8 = text.utf8
        guard utf8.count <= limit else { throw MediaError(.unencodable, "\(name) longer than \(limit) bytes") }
        if let characters, text.count > characters {
            throw MediaError(.unencodable, "\(name) longer than \(characters) characters")
        }
        out.append(contentsOf: utf8)
    }
}
