/// One media section: an `m=` line and the `i=`, `c=`, `b=`, `k=` and `a=` lines after it
/// (RFC 8866 section 5.14).
public struct MediaDescription: Hashable, Sendable, SDPAttributeContainer {
    /// The media type, such as `audio`.
    public var type: MediaType
    /// The transport port; 0 rejects or disables the stream (RFC 3264 sections 6 and 8.2).
    public var port: UInt16
    /// The number of ports for layered encodings (`m=video 49170/2 ...`), when given.
    public var portCount: UInt16?
    /// The transport protocol, such as `RTP/AVP` or `UDP/TLS/RTP/SAVPF`.
    public var proto: TransportProtocol
    /// The formats in preference order: RTP payload types for RTP protocols.
    public var formats: [String]
    /// The media title (`i=`).
    public var information: String?
    /// The `c=` lines (several only for multicast layers).
    public var connections: [ConnectionData]
    /// The `b=` lines.
    public var bandwidths: [Bandwidth]
    /// The obsolete `k=` line, verbatim (RFC 8866 section 5.12).
    public var encryptionKey: String?
    /// The `a=` lines in order.
    public var attributes: [Attribute]

    /// Creates a media section.
    public init(
        type: MediaType, port: UInt16, portCount: UInt16? = nil, proto: TransportProtocol, formats: [String] = [],
        information: String? = nil, connections: [ConnectionData] = [], bandwidths: [Bandwidth] = [],
        encryptionKey: String? = nil, attributes: [Attribute] = []
    ) {
        self.type = type
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connections = connections
        self.bandwidths = bandwidths
        self.encryptionKey = encryptionKey
        self.attributes = attributes
    }

    /// The first `c=` line; setting replaces all of them.
    public var connection: ConnectionData? {
        get { connections.first }
        set { connections = newValue.map { [$0] } ?? [] }
    }

    /// Whether the port is 0: the stream is rejected or disabled (RFC 3264 section 6).
    public var isRejected: Bool { port == 0 }

    /// The formats that are RTP payload types (0 to 127), in order.
    public var payloadTypes: [UInt8] {
        formats.compactMap { format in
            guard let value = SDPGrammar.number(format, as: UInt8.self), value <= 127 else { return nil }
            return value
        }
    }

    /// The `a=rtpmap` of a payload type, or for a static payload type without one the RFC 3551
    /// meaning (RFC 8866 section 6.6 makes `rtpmap` optional for static types).
    public func codec(for payloadType: UInt8) -> RTPMap? {
        rtpMap(for: payloadType) ?? StaticPayloadTypes.rtpMap(for: payloadType)
    }

    /// Appends a payload type to the formats with its `a=rtpmap` and, when given, `a=fmtp`.
    public mutating func addCodec(
        payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8? = nil,
        formatParameters: String? = nil
    ) {
        formats.append(String(payloadType))
        attributes.append(
            Attribute(
                RTPMap(payloadType: payloadType, encodingName: encodingName, clockRate: clockRate, channels: channels)))
        if let formatParameters {
            attributes.append(Attribute(FormatParameters(payloadType: payloadType, parameters: formatParameters)))
        }
    }
}
