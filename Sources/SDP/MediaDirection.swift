/// The direction attributes `a=sendrecv`, `a=sendonly`, `a=recvonly` and `a=inactive`
/// (RFC 8866 sections 6.7.1 to 6.7.4), as seen by the side that wrote the description.
public enum MediaDirection: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Send and receive; the default when no direction attribute is present (RFC 8866 section 6.7.2).
    case sendrecv
    /// Send only.
    case sendonly
    /// Receive only.
    case recvonly
    /// Neither send nor receive.
    case inactive

    /// Whether the writer sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the writer receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction with these send and receive flags.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The same flow seen from the other side: `sendonly` becomes `recvonly` and back.
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }

    /// The text as written in SDP.
    public var description: String { rawValue }
}
