/// The value of the `<jingle/>` element's `action` attribute (XEP-0166 section 7.2).
///
/// A value not listed here is refused with `bad-request` (section 7.2: "If an entity receives a value
/// that it does not understand, it MUST ignore the Jingle message and MUST return a bad-request error").
public enum JingleAction: String, Sendable, Hashable, CaseIterable {
    case contentAccept = "content-accept"
    case contentAdd = "content-add"
    case contentModify = "content-modify"
    case contentReject = "content-reject"
    case contentRemove = "content-remove"
    case descriptionInfo = "description-info"
    case securityInfo = "security-info"
    case sessionAccept = "session-accept"
    case sessionInfo = "session-info"
    case sessionInitiate = "session-initiate"
    case sessionTerminate = "session-terminate"
    case transportAccept = "transport-accept"
    case transportInfo = "transport-info"
    case transportReject = "transport-reject"
    case transportReplace = "transport-replace"
}
