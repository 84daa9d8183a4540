#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0167 `<payload-type/>` (section 4): one codec an RTP session may use.
///
/// Values are kept exactly as received (a round trip changes nothing); `canonicalized()` applies the
/// names and rates the RTP payload format RFCs fix, which is what an SDP translation must use.
public struct JinglePayloadType: Sendable, Hashable {
    /// Payload type number, 0-127 (RFC 3551 section 3: 96-127 are dynamic).
    public var id: UInt8
    /// Encoding name (`opus`, `PCMU`, `telephone-event`); REQUIRED for dynamic payload types.
    public var name: String?
    /// RTP clock rate in Hz.
    public var clockrate: UInt32?
    /// Number of channels; absent means 1.
    public var channels: UInt8?
    public var ptime: UInt32?
    public var maxptime: UInt32?
    /// `a=fmtp` parameters; their order is not significant (XEP-0167 section 4).
    public var parameters: [JingleParameter]
    /// XEP-0293 feedback for this payload type.
    public var feedback: [JingleRTCPFeedback]
    /// XEP-0293 `<rtcp-fb-trr-int/>` for this payload type.
    public var feedbackTRRInterval: UInt32?
    /// Children this model does not know, kept verbatim.
    public var extensions: [XMLElement]

    public init(
        id: UInt8, name: String?, clockrate: UInt32? = nil, channels: UInt8? = nil, ptime: UInt32? = nil,
        maxptime: UInt32? = nil, parameters: [JingleParameter] = [], feedback: [JingleRTCPFeedback] = [],
        feedbackTRRInterval: UInt32? = nil, extensions: [XMLElement] = []
    ) {
        self.id = id
        self.name = name
        self.clockrate = clockrate
        self.channels = channels
        self.ptime = ptime
        self.maxptime = maxptime
        self.parameters = parameters
        self.feedback = feedback
        self.feedbackTRRInterval = feedbackTRRInterval
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("payload-type", JingleNamespace.rtp)
        let id: UInt8 = try element.jingleRequiredNumber("id")
        guard id <= 127 else {
            throw JingleError.invalidAttribute("id", of: "payload-type", value: String(id), expected: "0 to 127")
        }
        self.id = id
        name = element[attribute: "name"]
        if id >= 96, name?.isEmpty ?? true {
            // XEP-0167 section 4: the name is REQUIRED for dynamic payload types.
            throw JingleError(
                .missingAttribute, element: "payload-type", attribute: "name",
                "<payload-type/> with id \(id) is dynamic (RFC 3551 section 3) and has no 'name' attribute")
        }
        clockrate = try element.jingleNumber("clockrate")
        channels = try element.jingleNumber("channels")
        ptime = try element.jingleNumber("ptime")
        maxptime = try element.jingleNumber("maxptime")
        var parameters: [JingleParameter] = []
        var feedback: [JingleRTCPFeedback] = []
        var trr: UInt32?
        var extensions: [XMLElement] = []
        for child in element.elements {
            if JingleParameter.isParameter(child, in: JingleNamespace.rtp) {
                parameters.append(try JingleParameter(element: child))
            } else if child.namespace == JingleNamespace.rtcpFeedback, child.name == "rtcp-fb" {
                feedback.append(try JingleRTCPFeedback(element: child))
            } else if child.namespace == JingleNamespace.rtcpFeedback, child.name == "rtcp-fb-trr-int", trr == nil {
                trr = try JingleRTCPFeedback.trrInterval(child)
            } else {
                extensions.append(child)
            }
        }
        self.parameters = parameters
        self.feedback = feedback
        self.feedbackTRRInterval = trr
        self.extensions = extensions
    }

    public var element: XMLElement {
        var children = parameters.map { $0.element(namespace: JingleNamespace.rtp) }
        children += feedback.map(\.element)
        if let feedbackTRRInterval { children.append(JingleRTCPFeedback.trrIntervalElement(feedbackTRRInterval)) }
        children += extensions
        return XMLElement(
            "payload-type", namespace: JingleNamespace.rtp,
            [
                "id": String(id), "name": name, "clockrate": clockrate.map(String.init),
                "channels": channels.map(String.init), "ptime": ptime.map(String.init),
                "maxptime": maxptime.map(String.init),
            ], elements: children)
    }

    /// Value of the named `a=fmtp` parameter.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Channels with the XEP-0167 default applied.
    public var effectiveChannels: UInt8 { channels ?? 1 }

    /// Whether this is an RFC 4733 DTMF payload type.
    public var isTelephoneEvent: Bool { name?.lowercased() == "telephone-event" }

    /// The payload type with the encoding name, clock rate and channel count the RFCs fix:
    /// - Opus is always `opus/48000/2` (RFC 7587 section 7), whatever is actually sent, so `channels='2'`.
    /// - G.722 is `G722/8000` (RFC 3551 section 4.5.2: the RTP clock runs at 8000 Hz although it samples at 16 kHz).
    /// - PCMU, PCMA (RFC 3551 section 4.5.14) run at 8000 Hz.
    /// Static payload types missing a name get the RFC 3551 table 4 name. An explicit channel count
    /// is kept (Firefox writes `G722/8000/1`), except that Opus always says 2.
    public func canonicalized() -> JinglePayloadType {
        var copy = self
        if copy.name == nil || copy.name?.isEmpty == true, let known = Self.staticNames[id] {
            copy.name = known.name
            if copy.clockrate == nil { copy.clockrate = known.clockrate }
        }
        switch copy.name?.lowercased() {
        case "opus":
            copy.name = "opus"
            copy.clockrate = 48000
            copy.channels = 2
        case "g722":
            copy.name = "G722"
            copy.clockrate = 8000
        case "pcmu", "pcma":
            copy.name = copy.name?.uppercased()
            copy.clockrate = 8000
        default:
            break
        }
        return copy
    }

    /// RFC 3551 table 4: static audio payload types the bridge may meet.
    static let staticNames: [UInt8: (name: String, clockrate: UInt32)] = [
        0: ("PCMU", 8000), 3: ("GSM", 8000), 4: ("G723", 8000), 8: ("PCMA", 8000), 9: ("G722", 8000),
        13: ("CN", 8000), 18: ("G729", 8000),
    ]

    /// Opus, as RFC 7587 section 7 fixes it: `opus/48000/2`.
    public static func opus(id: UInt8, parameters: [JingleParameter] = []) -> JinglePayloadType {
        JinglePayloadType(id: id, name: "opus", clockrate: 48000, channels: 2, parameters: parameters)
    }

    /// G.722 with its 8000 Hz RTP clock (RFC 3551 section 4.5.2), static payload type 9.
    public static let g722 = JinglePayloadType(id: 9, name: "G722", clockrate: 8000)
    /// G.711 µ-law, static payload type 0.
    public static let pcmu = JinglePayloadType(id: 0, name: "PCMU", clockrate: 8000)
    /// G.711 A-law, static payload type 8.
    public static let pcma = JinglePayloadType(id: 8, name: "PCMA", clockrate: 8000)

    /// RFC 4733 telephone-event (DTMF) at the clock rate of the audio codec it accompanies; `events` is the
    /// `a=fmtp` event list (RFC 4733 section 2.4.1), e.g. "0-15". That fmtp value is not of the `name=value`
    /// form, so it travels as a parameter with an empty name, as Conversations and the SDP translation expect.
    public static func telephoneEvent(id: UInt8, clockrate: UInt32 = 8000, events: String? = "0-15")
        -> JinglePayloadType
    {
        JinglePayloadType(
            id: id, name: "telephone-event", clockrate: clockrate,
            parameters: events.map { [JingleParameter("", $0)] } ?? [])
    }
}
