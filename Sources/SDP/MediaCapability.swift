/// What this side can do for one media stream, for ``OfferAnswer``.
public struct MediaCapability: Hashable, Sendable {
    /// DTMF support with RFC 4733 `telephone-event`.
    public struct TelephoneEvent: Hashable, Sendable {
        /// The events supported.
        public var events: TelephoneEvents
        /// The payload type to use in offers for the first clock rate when it is free.
        public var preferredPayloadType: UInt8?

        /// Creates DTMF support; by default events 0-15 on payload type 101.
        public init(events: TelephoneEvents = .dtmf, preferredPayloadType: UInt8? = 101) {
            self.events = events
            self.preferredPayloadType = preferredPayloadType
        }
    }

    /// The media type.
    public var type: MediaType
    /// The codecs in our order of preference.
    public var codecs: [Codec]
    /// DTMF support, offered at the clock rate of every codec (RFC 4733 section 2.1 ties the
    /// event clock to the audio clock).
    public var telephoneEvent: TelephoneEvent?
    /// The local RTP port.
    public var port: UInt16
    /// A media-level connection address; `nil` uses the session's.
    public var connection: ConnectionData?
    /// The transport protocol used in offers.
    public var proto: TransportProtocol
    /// The protocols accepted in offers; empty means only `proto`.
    public var acceptedProtocols: [TransportProtocol]
    /// The directions this side wants; answers narrow it by the offer (RFC 3264 section 6.1).
    public var direction: MediaDirection
    /// `a=ptime` to send, in milliseconds.
    public var ptime: Int?
    /// `a=maxptime` to send, in milliseconds.
    public var maxptime: Int?
    /// Whether to offer `a=rtcp-mux`, and accept it when offered (RFC 5761 section 5.1.1).
    public var rtcpMux: Bool
    /// Further media-level attributes to append verbatim (ICE, DTLS, crypto, ...).
    public var attributes: [Attribute]

    /// Creates a capability.
    public init(
        type: MediaType, codecs: [Codec], telephoneEvent: TelephoneEvent? = nil, port: UInt16,
        connection: ConnectionData? = nil, proto: TransportProtocol = .rtpAVP,
        acceptedProtocols: [TransportProtocol] = [],
        direction: MediaDirection = .sendrecv, ptime: Int? = nil, maxptime: Int? = nil, rtcpMux: Bool = false,
        attributes: [Attribute] = []
    ) {
        self.type = type
        self.codecs = codecs
        self.telephoneEvent = telephoneEvent
        self.port = port
        self.connection = connection
        self.proto = proto
        self.acceptedProtocols = acceptedProtocols
        self.direction = direction
        self.ptime = ptime
        self.maxptime = maxptime
        self.rtcpMux = rtcpMux
        self.attributes = attributes
    }

    /// Whether an offered transport protocol is acceptable.
    public func accepts(_ proto: TransportProtocol) -> Bool {
        (acceptedProtocols.isEmpty ? [self.proto] : acceptedProtocols).contains(proto)
    }
}
