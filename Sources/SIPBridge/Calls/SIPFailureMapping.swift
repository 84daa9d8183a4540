import Jingle

/// SIP final responses <-> Jingle reasons (XEP-0166 section 7.4), both directions, as documented in
/// docs/calls.md. The SIP reason phrase travels in the Jingle `<text/>` so the user sees what the carrier said.
enum SIPFailureMapping {
    /// The Jingle reason for a SIP failure of our INVITE.
    static func jingleReason(status: Int, reason: String) -> JingleReason {
        let text = "SIP \(status) \(reason)"
        switch status {
        case 486, 600: return JingleReason(.busy, text: text)
        case 603: return JingleReason(.decline, text: text)
        case 404, 484, 604: return JingleReason(.connectivityError, text: text)
        case 408, 480: return JingleReason(.timeout, text: text)
        case 487: return JingleReason(.cancel, text: text)
        case 488, 415, 606: return JingleReason(.incompatibleParameters, text: text)
        case 401, 403, 407: return JingleReason(.securityError, text: text)
        case 500...599: return JingleReason(.failedApplication, text: text)
        default: return JingleReason(.generalError, text: text)
        }
    }

    /// The SIP status (and reason phrase) for a Jingle reason ending an inbound call before answer.
    static func sipStatus(for reason: JingleReason) -> (status: Int, phrase: String) {
        switch reason.condition {
        case .busy: (486, "Busy Here")
        case .decline: (603, "Decline")
        case .connectivityError, .gone: (480, "Temporarily Unavailable")
        case .timeout, .expired: (480, "Temporarily Unavailable")
        case .cancel: (487, "Request Terminated")
        case .incompatibleParameters, .unsupportedApplications, .unsupportedTransports: (488, "Not Acceptable Here")
        case .failedApplication, .failedTransport, .mediaError: (500, "Server Internal Error")
        case .securityError: (488, "Not Acceptable Here")
        default: (500, "Server Internal Error")
        }
    }

    /// RFC 3326 Reason header value for a BYE or CANCEL we send because of a Jingle reason.
    static func reasonHeader(for reason: JingleReason) -> String {
        let cause: Int
        switch reason.condition {
        case .success: cause = 16
        case .busy: cause = 17
        case .decline: cause = 21
        case .timeout, .expired: cause = 19
        case .failedTransport, .connectivityError: cause = 41
        default: cause = 31
        }
        let text = (reason.text ?? reason.condition.name).replacingOccurrences(of: "\"", with: "'")
        return "Q.850;cause=\(cause);text=\"\(text)\""
    }
}
