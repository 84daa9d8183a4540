/// One thing a new description changed compared with the previous one from the same side, as
/// ``OfferAnswer/changes(from:to:)`` reports it. `media` is the index of the media section.
public enum SDPChange: Hashable, Sendable {
    /// The peer put the stream on hold: its direction became `sendonly` or `inactive`, or its
    /// address became `0.0.0.0` without ICE (RFC 3264 section 8.4, RFC 2543 style).
    case hold(media: Int)
    /// The stream came off hold.
    case resume(media: Int)
    /// The effective direction changed.
    case directionChanged(media: Int, from: MediaDirection, to: MediaDirection)
    /// The set of formats, their meaning or their parameters changed.
    case codecsChanged(media: Int)
    /// The same formats with the same meaning, in another order of preference.
    case codecOrderChanged(media: Int)
    /// The media address or port changed.
    case connectionChanged(media: Int)
    /// A media section was added, or a rejected one (port 0) was reused (RFC 3264 section 8.1).
    case mediaAdded(media: Int)
    /// A media section was disabled by setting its port to 0 (RFC 3264 section 8.2), or is gone.
    case mediaRemoved(media: Int)
    /// The ICE username fragment or password changed: an ICE restart (RFC 8839 section 4.4.1.1.1).
    case iceRestart(media: Int)
    /// The set of `a=ssrc` sources changed.
    case ssrcChanged(media: Int)
}
