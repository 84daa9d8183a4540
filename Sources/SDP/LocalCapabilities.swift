/// What this side can do for a whole session, for ``OfferAnswer``.
public struct LocalCapabilities: Hashable, Sendable {
    /// The `o=` line of the descriptions we write; the caller increments the version for every
    /// changed description (RFC 3264 section 8).
    public var origin: Origin
    /// The `s=` line.
    public var sessionName: String
    /// The session-level `c=` line.
    public var connection: ConnectionData
    /// The media streams in order.
    public var media: [MediaCapability]
    /// Further session-level attributes to write verbatim (for example `ice-lite`).
    public var attributes: [Attribute]

    /// Creates capabilities.
    public init(
        origin: Origin, sessionName: String = "-", connection: ConnectionData, media: [MediaCapability],
        attributes: [Attribute] = []
    ) {
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.media = media
        self.attributes = attributes
    }
}
