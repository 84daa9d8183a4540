#if canImport(XMPPCore)
    import XMPPCore
#endif

/// The transport method of a content: ICE-UDP, which this module understands, or any other
/// `<transport/>` kept verbatim (so it can be refused with `unsupported-transports` or a `transport-reject`).
public enum JingleContentTransport: Sendable, Hashable {
    case iceUDP(JingleICEUDPTransport)
    case other(XMLElement)

    public init(element: XMLElement) throws(JingleError) {
        if element.namespace == JingleNamespace.iceUDP, element.name == "transport" {
            self = .iceUDP(try JingleICEUDPTransport(element: element))
        } else {
            self = .other(element)
        }
    }

    public var element: XMLElement {
        switch self {
        case .iceUDP(let transport): transport.element
        case .other(let element): element
        }
    }

    /// The ICE-UDP transport, if that is what this is.
    public var iceUDP: JingleICEUDPTransport? {
        if case .iceUDP(let transport) = self { transport } else { nil }
    }
}
