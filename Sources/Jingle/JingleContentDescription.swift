#if canImport(XMPPCore)
    import XMPPCore
#endif

/// The application format of a content: an RTP description this module understands, or any other
/// `<description/>` kept verbatim (so it can be refused with `unsupported-applications`, not dropped).
public enum JingleContentDescription: Sendable, Hashable {
    case rtp(JingleRTPDescription)
    case other(XMLElement)

    public init(element: XMLElement) throws(JingleError) {
        if element.namespace == JingleNamespace.rtp, element.name == "description" {
            self = .rtp(try JingleRTPDescription(element: element))
        } else {
            self = .other(element)
        }
    }

    public var element: XMLElement {
        switch self {
        case .rtp(let description): description.element
        case .other(let element): element
        }
    }

    /// The RTP description, if that is what this is.
    public var rtp: JingleRTPDescription? {
        if case .rtp(let description) = self { description } else { nil }
    }

    /// The `media` of an RTP description.
    public var media: String? { rtp?.media }
}
