/// A codec this side can use, for ``OfferAnswer``.
public struct Codec: Hashable, Sendable {
    /// The encoding name, such as `opus` or `PCMU` (compared case-insensitively).
    public var name: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The channel count; `nil` means one (RFC 8866 section 6.6), except for Opus, which is
    /// always written `opus/48000/2` (RFC 7587 section 7).
    public var channels: UInt8?
    /// The `a=fmtp` parameter string to send, such as `minptime=10;useinbandfec=1`.
    public var formatParameters: String?
    /// The dynamic payload type to use in offers when it is free (96 to 127); codecs with a
    /// static payload type (RFC 3551) always use that.
    public var preferredPayloadType: UInt8?

    /// Creates a codec.
    public init(
        name: String, clockRate: UInt32, channels: UInt8? = nil, formatParameters: String? = nil,
        preferredPayloadType: UInt8? = nil
    ) {
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.formatParameters = formatParameters
        self.preferredPayloadType = preferredPayloadType
    }

    /// G.711 mu-law, static payload type 0.
    public static var pcmu: Codec { Codec(name: "PCMU", clockRate: 8000) }
    /// G.711 A-law, static payload type 8.
    public static var pcma: Codec { Codec(name: "PCMA", clockRate: 8000) }
    /// G.722, static payload type 9 (RTP clock 8000, RFC 3551 section 4.5.2).
    public static var g722: Codec { Codec(name: "G722", clockRate: 8000) }
    /// G.729, static payload type 18.
    public static var g729: Codec { Codec(name: "G729", clockRate: 8000) }
    /// Comfort noise, static payload type 13 (RFC 3389).
    public static var comfortNoise: Codec { Codec(name: "CN", clockRate: 8000) }
    /// Opus (RFC 7587), `opus/48000/2`, preferring payload type 111 as browsers do.
    public static func opus(formatParameters: String? = "minptime=10;useinbandfec=1") -> Codec {
        Codec(
            name: "opus", clockRate: 48000, channels: 2, formatParameters: formatParameters, preferredPayloadType: 111)
    }

    /// Whether this is Opus, whose rtpmap always says two channels (RFC 7587 section 7).
    public var isOpus: Bool { SDPGrammar.equalsIgnoringCase(name, "opus") }

    /// Whether this is a helper format that does not carry the media on its own (comfort noise,
    /// DTMF events, redundancy, FEC or retransmission), so it cannot be a stream's only codec.
    public var isAuxiliary: Bool {
        ["cn", "telephone-event", "red", "ulpfec", "flexfec", "rtx"].contains(SDPGrammar.lowercased(name))
    }

    /// Whether an `rtpmap` describes this codec: same name ignoring case (RFC 4855 section 3),
    /// same clock rate, same channel count (absent meaning one; not compared for Opus).
    public func matches(_ rtpMap: RTPMap) -> Bool {
        guard SDPGrammar.equalsIgnoringCase(name, rtpMap.encodingName), clockRate == rtpMap.clockRate else {
            return false
        }
        return isOpus || (channels ?? 1) == (rtpMap.channels ?? 1)
    }
}
