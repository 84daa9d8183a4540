/// The first line of a message: a request line (RFC 3261 7.1) or a status line (7.2).
/// Only SIP/2.0 exists, so the version is not stored.
public enum SIPStartLine: Hashable, Sendable, CustomStringConvertible {
    /// `Method SP Request-URI SP SIP/2.0`.
    case request(method: SIPMethod, uri: SIPAnyURI)
    /// `SIP/2.0 SP Status-Code SP Reason-Phrase`.
    case response(statusCode: Int, reasonPhrase: String)

    /// The line without its CRLF.
    public var description: String {
        switch self {
        case .request(let method, let uri): return "\(method.rawValue) \(uri) SIP/2.0"
        case .response(let code, let reason): return "SIP/2.0 \(code) \(reason)"
        }
    }
}
