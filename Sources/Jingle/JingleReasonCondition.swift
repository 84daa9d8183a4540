/// The defined conditions of a Jingle `<reason/>` (XEP-0166 section 7.4).
public enum JingleReasonCondition: Sendable, Hashable {
    /// Use an existing session instead; the alternative session id travels in `<sid/>`.
    case alternativeSession(sid: String?)
    case busy
    case cancel
    case connectivityError
    case decline
    case expired
    case failedApplication
    case failedTransport
    case generalError
    case gone
    case incompatibleParameters
    case mediaError
    case securityError
    case success
    case timeout
    case unsupportedApplications
    case unsupportedTransports
    /// An element in the Jingle namespace that XEP-0166 does not define, kept by name.
    case other(String)

    /// The element name of the condition.
    public var name: String {
        switch self {
        case .alternativeSession: "alternative-session"
        case .busy: "busy"
        case .cancel: "cancel"
        case .connectivityError: "connectivity-error"
        case .decline: "decline"
        case .expired: "expired"
        case .failedApplication: "failed-application"
        case .failedTransport: "failed-transport"
        case .generalError: "general-error"
        case .gone: "gone"
        case .incompatibleParameters: "incompatible-parameters"
        case .mediaError: "media-error"
        case .securityError: "security-error"
        case .success: "success"
        case .timeout: "timeout"
        case .unsupportedApplications: "unsupported-applications"
        case .unsupportedTransports: "unsupported-transports"
        case .other(let name): name
        }
    }

    /// The condition named `name` (alternative-session without its sid).
    public init(name: String) {
        switch name {
        case "alternative-session": self = .alternativeSession(sid: nil)
        case "busy": self = .busy
        case "cancel": self = .cancel
        case "connectivity-error": self = .connectivityError
        case "decline": self = .decline
        case "expired": self = .expired
        case "failed-application": self = .failedApplication
        case "failed-transport": self = .failedTransport
        case "general-error": self = .generalError
        case "gone": self = .gone
        case "incompatible-parameters": self = .incompatibleParameters
        case "media-error": self = .mediaError
        case "security-error": self = .securityError
        case "success": self = .success
        case "timeout": self = .timeout
        case "unsupported-applications": self = .unsupportedApplications
        case "unsupported-transports": self = .unsupportedTransports
        default: self = .other(name)
        }
    }
}
