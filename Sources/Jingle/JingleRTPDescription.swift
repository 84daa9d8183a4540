#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0167 `<description xmlns='urn:xmpp:jingle:apps:rtp:1' media=''/>` (section 4) with the
/// extensions WebRTC clients put inside it: XEP-0293 feedback, XEP-0294 header extensions,
/// XEP-0339 sources and source groups, and `<rtcp-mux/>`.
///
/// Payload types are kept in the order received: it is the sender's preference order.
public struct JingleRTPDescription: Sendable, Hashable {
    /// `audio` or `video` (or another IANA media type).
    public var media: String
    /// The `ssrc` attribute (XEP-0167 section 4): the sender's 32-bit synchronization source.
    public var ssrc: UInt32?
    public var payloadTypes: [JinglePayloadType]
    public var bandwidths: [JingleBandwidth]
    /// `<rtcp-mux/>`: RTP and RTCP share one component (RFC 5761).
    public var rtcpMux: Bool
    /// SDES-SRTP offers (XEP-0167 section 7).
    public var encryption: JingleEncryption?
    /// XEP-0293 feedback applying to every payload type (SDP `a=rtcp-fb:*`).
    public var feedback: [JingleRTCPFeedback]
    /// XEP-0293 `<rtcp-fb-trr-int/>` applying to every payload type.
    public var feedbackTRRInterval: UInt32?
    public var headerExtensions: [JingleHeaderExtension]
    /// XEP-0294 `<extmap-allow-mixed/>` (RFC 8285 `a=extmap-allow-mixed`).
    public var extmapAllowMixed: Bool
    public var sources: [JingleSource]
    public var sourceGroups: [JingleSourceGroup]
    /// Children this model does not know, kept verbatim.
    public var extensions: [XMLElement]

    public init(
        media: String, ssrc: UInt32? = nil, payloadTypes: [JinglePayloadType] = [], bandwidths: [JingleBandwidth] = [],
        rtcpMux: Bool = false, encryption: JingleEncryption? = nil, feedback: [JingleRTCPFeedback] = [],
        feedbackTRRInterval: UInt32? = nil, headerExtensions: [JingleHeaderExtension] = [],
        extmapAllowMixed: Bool = false, sources: [JingleSource] = [], sourceGroups: [JingleSourceGroup] = [],
        extensions: [XMLElement] = []
    ) {
        self.media = media
        self.ssrc = ssrc
        self.payloadTypes = payloadTypes
        self.bandwidths = bandwidths
        self.rtcpMux = rtcpMux
        self.encryption = encryption
        self.feedback = feedback
        self.feedbackTRRInterval = feedbackTRRInterval
        self.headerExtensions = headerExtensions
        self.extmapAllowMixed = extmapAllowMixed
        self.sources = sources
        self.sourceGroups = sourceGroups
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("description", JingleNamespace.rtp)
        // XEP-0167 section 4: the 'media' attribute is REQUIRED.
        media = try element.jingleRequiredNonEmpty("media")
        ssrc = try element.jingleNumber("ssrc")
        var payloadTypes: [JinglePayloadType] = []
        var bandwidths: [JingleBandwidth] = []
        var rtcpMux = false
        var encryption: JingleEncryption?
        var feedback: [JingleRTCPFeedback] = []
        var trr: UInt32?
        var headerExtensions: [JingleHeaderExtension] = []
        var allowMixed = false
        var sources: [JingleSource] = []
        var groups: [JingleSourceGroup] = []
        var extensions: [XMLElement] = []
        for child in element.elements {
            switch (child.namespace, child.name) {
            case (JingleNamespace.rtp, "payload-type"): payloadTypes.append(try JinglePayloadType(element: child))
            case (JingleNamespace.rtp, "bandwidth"): bandwidths.append(try JingleBandwidth(element: child))
            case (JingleNamespace.rtp, "rtcp-mux") where !rtcpMux && child.children.isEmpty: rtcpMux = true
            case (JingleNamespace.rtp, "encryption") where encryption == nil:
                encryption = try JingleEncryption(element: child)
            case (JingleNamespace.rtcpFeedback, "rtcp-fb"): feedback.append(try JingleRTCPFeedback(element: child))
            case (JingleNamespace.rtcpFeedback, "rtcp-fb-trr-int") where trr == nil:
                trr = try JingleRTCPFeedback.trrInterval(child)
            case (JingleNamespace.headerExtensions, "rtp-hdrext"):
                headerExtensions.append(try JingleHeaderExtension(element: child))
            case (JingleNamespace.headerExtensions, "extmap-allow-mixed") where !allowMixed && child.children.isEmpty:
                allowMixed = true
            case (JingleNamespace.sourceAttributes, "source"): sources.append(try JingleSource(element: child))
            case (JingleNamespace.sourceAttributes, "ssrc-group"): groups.append(try JingleSourceGroup(element: child))
            default: extensions.append(child)
            }
        }
        self.payloadTypes = payloadTypes
        self.bandwidths = bandwidths
        self.rtcpMux = rtcpMux
        self.encryption = encryption
        self.feedback = feedback
        self.feedbackTRRInterval = trr
        self.headerExtensions = headerExtensions
        self.extmapAllowMixed = allowMixed
        self.sources = sources
        self.sourceGroups = groups
        self.extensions = extensions
    }

    public var element: XMLElement {
        var children = payloadTypes.map(\.element)
        children += bandwidths.map(\.element)
        if rtcpMux { children.append(XMLElement("rtcp-mux", namespace: JingleNamespace.rtp)) }
        if let encryption { children.append(encryption.element) }
        children += feedback.map(\.element)
        if let feedbackTRRInterval { children.append(JingleRTCPFeedback.trrIntervalElement(feedbackTRRInterval)) }
        children += headerExtensions.map(\.element)
        if extmapAllowMixed {
            children.append(XMLElement("extmap-allow-mixed", namespace: JingleNamespace.headerExtensions))
        }
        children += sources.map(\.element)
        children += sourceGroups.map(\.element)
        children += extensions
        return XMLElement(
            "description", namespace: JingleNamespace.rtp, ["media": media, "ssrc": ssrc.map(String.init)],
            elements: children)
    }

    /// The payload type with this number.
    public func payloadType(id: UInt8) -> JinglePayloadType? {
        payloadTypes.first { $0.id == id }
    }
}
