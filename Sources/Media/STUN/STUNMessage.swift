/// A STUN message (RFC 8489 section 5): type, transaction ID and attributes in order.
///
/// Decode with `STUNDecodedMessage(decoding:)`, which keeps the received bytes for integrity checks;
/// encode with `encoded(integrity:fingerprint:)`.
public struct STUNMessage: Hashable, Sendable {
    /// Method and class.
    public var type: STUNMessageType
    /// Matches responses to requests.
    public var transactionID: STUNTransactionID
    /// Attributes in wire order.
    public var attributes: [STUNAttribute]

    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// The STUN header size: type, length, magic cookie, transaction ID.
    public static let headerLength = 20

    // MARK: Accessors (the first occurrence counts, RFC 8489 section 14)

    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    public var xorMappedAddress: TransportAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    public var mappedAddress: TransportAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    public var errorCode: STUNErrorCode? {
        for case .errorCode(let value) in attributes { return value }
        return nil
    }

    public var realm: String? {
        for case .realm(let value) in attributes { return value }
        return nil
    }

    public var nonce: String? {
        for case .nonce(let value) in attributes { return value }
        return nil
    }

    public var software: String? {
        for case .software(let value) in attributes { return value }
        return nil
    }

    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    public var useCandidate: Bool { attributes.contains(.useCandidate) }

    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    /// Comprehension-required attribute types (0x0000-0x7FFF) this module does not understand, in order of
    /// appearance without repeats. A request with any must be answered with 420 listing them
    /// (RFC 8489 section 6.3.1.1); see `unknownAttributeResponse()`.
    public var unknownComprehensionRequiredAttributes: [UInt16] {
        var result: [UInt16] = []
        for case .other(let type, _) in attributes where type < 0x8000 && !result.contains(type) {
            result.append(type)
        }
        return result
    }

    // MARK: Responses

    /// An error response to this request with the same method and transaction ID (RFC 8489 section 6.3.1.1).
    public func errorResponse(_ error: STUNErrorCode, attributes extra: [STUNAttribute] = []) -> STUNMessage {
        STUNMessage(
            type: STUNMessageType(method: type.method, messageClass: .errorResponse),
            transactionID: transactionID, attributes: [.errorCode(error)] + extra)
    }

    /// The 420 response listing `unknownComprehensionRequiredAttributes`, or nil if there are none.
    public func unknownAttributeResponse() -> STUNMessage? {
        let unknown = unknownComprehensionRequiredAttributes
        guard !unknown.isEmpty else { return nil }
        return errorResponse(.unknownAttribute, attributes: [.unknownAttributes(unknown)])
    }

    /// A success response with the same method and transaction ID.
    public func successResponse(attributes: [STUNAttribute] = []) -> STUNMessage {
        STUNMessage(
            type: STUNMessageType(method: type.method, messageClass: .successResponse),
            transactionID: transactionID, attributes: attributes)
    }

    // MARK: Quick check

    /// Whether `bytes` is shaped like a whole STUN message: top two bits zero, the magic cookie, and a
    /// length that is a multiple of 4 matching the datagram (RFC 8489 section 5 and 7.3). Cheap enough to
    /// run on every datagram; it does not check attributes or FINGERPRINT.
    public static func isSTUN(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= headerLength, bytes[0] & 0xC0 == 0 else { return false }
        let length = Int(bytes.uint16(at: 2))
        return length % 4 == 0 && length + headerLength == bytes.count
            && bytes.uint32(at: 4) == STUNAttribute.magicCookie
    }

    /// Array form of `isSTUN(_:)`.
    public static func isSTUN(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isSTUN($0) }
    }
}
