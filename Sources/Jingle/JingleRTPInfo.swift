#if canImport(XMPPCore)
    import XMPPCore
#endif

/// XEP-0167 informational messages (section 8) sent in a `session-info`, qualified by
/// `urn:xmpp:jingle:apps:rtp:info:1`.
public enum JingleRTPInfo: Sendable, Hashable {
    case active
    case hold
    case unhold
    /// Mute of one content (`name`) or of all (nil).
    case mute(creator: JingleCreator?, name: String?)
    case unmute(creator: JingleCreator?, name: String?)
    case ringing

    /// Parses one child of a `session-info`; nil if it is not an RTP info payload this module knows
    /// (then the receiver answers `unsupported-info`, XEP-0166 section 6.8).
    public init?(element: XMLElement) throws(JingleError) {
        guard element.namespace == JingleNamespace.rtpInfo else { return nil }
        switch element.name {
        case "active": self = .active
        case "hold": self = .hold
        case "unhold": self = .unhold
        case "ringing": self = .ringing
        case "mute": self = .mute(creator: try element.jingleEnum("creator"), name: element[attribute: "name"])
        case "unmute": self = .unmute(creator: try element.jingleEnum("creator"), name: element[attribute: "name"])
        default: return nil
        }
    }

    public var element: XMLElement {
        switch self {
        case .active: XMLElement("active", namespace: JingleNamespace.rtpInfo)
        case .hold: XMLElement("hold", namespace: JingleNamespace.rtpInfo)
        case .unhold: XMLElement("unhold", namespace: JingleNamespace.rtpInfo)
        case .ringing: XMLElement("ringing", namespace: JingleNamespace.rtpInfo)
        case .mute(let creator, let name):
            XMLElement("mute", namespace: JingleNamespace.rtpInfo, ["creator": creator?.rawValue, "name": name])
        case .unmute(let creator, let name):
            XMLElement("unmute", namespace: JingleNamespace.rtpInfo, ["creator": creator?.rawValue, "name": name])
        }
    }
}
