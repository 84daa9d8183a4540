/// The 14-bit STUN message type: a 12-bit method interleaved with a 2-bit class (RFC 8489 section 5).
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    /// The class of a STUN message (RFC 8489 section 3).
    public enum Class: UInt8, Sendable {
        case request = 0b00
        case indication = 0b01
        case successResponse = 0b10
        case errorResponse = 0b11
    }

    /// The 12-bit method.
    public var method: STUNMethod
    /// Request, indication, success or error response.
    public var messageClass: Class

    public init(method: STUNMethod, messageClass: Class) {
        self.method = method
        self.messageClass = messageClass
    }

    public static let bindingRequest = STUNMessageType(method: .binding, messageClass: .request)
    public static let bindingIndication = STUNMessageType(method: .binding, messageClass: .indication)
    public static let bindingSuccess = STUNMessageType(method: .binding, messageClass: .successResponse)
    public static let bindingError = STUNMessageType(method: .binding, messageClass: .errorResponse)

    /// Decodes the type field; nil if either of the two most significant bits is set (RFC 8489 section 5).
    public init?(rawValue: UInt16) {
        guard rawValue & 0xC000 == 0 else { return nil }
        // Bits: M11..M7 C1 M6..M4 C0 M3..M0 (RFC 8489 figure 3).
        let method = (rawValue & 0x000F) | ((rawValue & 0x00E0) >> 1) | ((rawValue & 0x3E00) >> 2)
        let classBits = ((rawValue & 0x0010) >> 4) | ((rawValue & 0x0100) >> 7)
        self.method = STUNMethod(rawValue: method)
        self.messageClass = Class(rawValue: UInt8(classBits))!
    }

    /// The wire value of the type field.
    public var rawValue: UInt16 {
        let method = self.method.rawValue & 0x0FFF
        let classBits = UInt16(messageClass.rawValue)
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
            | ((classBits & 0b01) << 4) | ((classBits & 0b10) << 7)
    }

    public var description: String { "\(method) \(messageClass)" }
}
