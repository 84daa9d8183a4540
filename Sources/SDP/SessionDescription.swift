/// A whole session description (RFC 8866 section 5): the session-level lines and the media
/// sections in order.
///
/// Build one with the memberwise-style initializer and mutate it freely; ``serialized()`` writes
/// the RFC 8866 line order with CRLF endings, ``init(parsing:)`` reads LF or CRLF input.
///
/// ```swift
/// var sdp = SessionDescription(
///     origin: Origin(sessionID: "1", sessionVersion: 1, unicastAddress: "192.0.2.1"),
///     connection: .ip4("192.0.2.1"))
/// var audio = MediaDescription(type: .audio, port: 4000, proto: .rtpAVP)
/// audio.addCodec(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
/// audio.direction = .sendrecv
/// sdp.media.append(audio)
/// ```
public struct SessionDescription: Hashable, Sendable, SDPAttributeContainer, CustomStringConvertible {
    /// The protocol version (`v=`); only 0 exists (RFC 8866 section 5.1).
    public var version: UInt8
    /// The origin (`o=`).
    public var origin: Origin
    /// The session name (`s=`); `-` or a single space when there is none (RFC 8866 section 5.3).
    public var sessionName: String
    /// The session information (`i=`).
    public var information: String?
    /// The URI of a description of the session (`u=`).
    public var uri: String?
    /// Email addresses (`e=` lines), verbatim.
    public var emails: [String]
    /// Phone numbers (`p=` lines), verbatim.
    public var phones: [String]
    /// The session-level `c=` line, the default for media sections without one.
    public var connection: ConnectionData?
    /// Session-level `b=` lines.
    public var bandwidths: [Bandwidth]
    /// The `t=` lines with their `r=` lines; at least one is required.
    public var timing: [TimeDescription]
    /// The `z=` line, verbatim (RFC 8866 section 5.11).
    public var zoneAdjustments: String?
    /// The obsolete session-level `k=` line, verbatim (RFC 8866 section 5.12).
    public var encryptionKey: String?
    /// Session-level `a=` lines in order.
    public var attributes: [Attribute]
    /// The media sections in order.
    public var media: [MediaDescription]

    /// Creates a session description; the defaults give a permanent (`t=0 0`) session named `-`.
    public init(
        version: UInt8 = 0, origin: Origin, sessionName: String = "-", information: String? = nil,
        uri: String? = nil, emails: [String] = [], phones: [String] = [], connection: ConnectionData? = nil,
        bandwidths: [Bandwidth] = [], timing: [TimeDescription] = [TimeDescription()],
        zoneAdjustments: String? = nil, encryptionKey: String? = nil, attributes: [Attribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timing = timing
        self.zoneAdjustments = zoneAdjustments
        self.encryptionKey = encryptionKey
        self.attributes = attributes
        self.media = media
    }

    /// Parses a description with the default ``SDPParser`` (limits and attribute validation on).
    public init(parsing text: String) throws(SDPError) {
        self = try SDPParser().parse(text)
    }

    /// The serialized description.
    public var description: String { serialized() }

    /// The direction that applies to a media section: its own direction attribute, else the
    /// session-level one, else `sendrecv` (RFC 8866 section 6.7).
    public func effectiveDirection(ofMediaAt index: Int) -> MediaDirection {
        media[index].direction ?? direction ?? .sendrecv
    }

    /// The connection that applies to a media section: its first `c=` line, else the session's
    /// (RFC 8866 section 5.7).
    public func effectiveConnection(ofMediaAt index: Int) -> ConnectionData? {
        media[index].connections.first ?? connection
    }
}
