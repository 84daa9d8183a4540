/// The value of a STUN ERROR-CODE attribute (RFC 8489 section 14.8): a code in 300...699 and a reason phrase.
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code, class * 100 + number.
    public var code: Int
    /// UTF-8 reason phrase, fewer than 128 characters.
    public var reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// 300: the client should contact an alternate server.
    public static let tryAlternate = STUNErrorCode(code: 300, reason: "Try Alternate")
    /// 400: the request was malformed.
    public static let badRequest = STUNErrorCode(code: 400, reason: "Bad Request")
    /// 401: missing or wrong credentials.
    public static let unauthorized = STUNErrorCode(code: 401, reason: "Unauthorized")
    /// 420: comprehension-required attributes were not understood; answer with UNKNOWN-ATTRIBUTES.
    public static let unknownAttribute = STUNErrorCode(code: 420, reason: "Unknown Attribute")
    /// 438: the NONCE is no longer valid.
    public static let staleNonce = STUNErrorCode(code: 438, reason: "Stale Nonce")
    /// 487: ICE role conflict (RFC 8445 section 7.3.1.1).
    public static let roleConflict = STUNErrorCode(code: 487, reason: "Role Conflict")
    /// 500: the server had a temporary error.
    public static let serverError = STUNErrorCode(code: 500, reason: "Server Error")

    public var description: String { "\(code) \(reason)" }
}
