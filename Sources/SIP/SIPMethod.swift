/// A SIP method: one of the well-known ones or any extension token (RFC 3261 25.1 `Method`).
/// Methods are case-sensitive (RFC 3261 7.1).
public struct SIPMethod: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The method name as it appears on the wire.
    public let rawValue: String

    /// Wraps a method name, nil unless it is an RFC 3261 token.
    public init?(rawValue: String) {
        guard SIPGrammar.isToken(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// A literal method name; it must be a token.
    public init(stringLiteral value: String) {
        precondition(SIPGrammar.isToken(value), "SIP method must be a token: \(value)")
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// RFC 3261.
    public static let invite = SIPMethod(unchecked: "INVITE")
    /// RFC 3261.
    public static let ack = SIPMethod(unchecked: "ACK")
    /// RFC 3261.
    public static let bye = SIPMethod(unchecked: "BYE")
    /// RFC 3261.
    public static let cancel = SIPMethod(unchecked: "CANCEL")
    /// RFC 3261.
    public static let options = SIPMethod(unchecked: "OPTIONS")
    /// RFC 3261.
    public static let register = SIPMethod(unchecked: "REGISTER")
    /// RFC 3262.
    public static let prack = SIPMethod(unchecked: "PRACK")
    /// RFC 3311.
    public static let update = SIPMethod(unchecked: "UPDATE")
    /// RFC 6086.
    public static let info = SIPMethod(unchecked: "INFO")
    /// RFC 3428.
    public static let message = SIPMethod(unchecked: "MESSAGE")
    /// RFC 6665.
    public static let subscribe = SIPMethod(unchecked: "SUBSCRIBE")
    /// RFC 6665.
    public static let notify = SIPMethod(unchecked: "NOTIFY")
    /// RFC 3515.
    public static let refer = SIPMethod(unchecked: "REFER")
    /// RFC 3903.
    public static let publish = SIPMethod(unchecked: "PUBLISH")
}
