/// What a datagram arriving on a shared media port is, by its first bytes (RFC 7983 section 7, with
/// RFC 5761 section 4 separating RTCP from RTP under rtcp-mux).
public enum MediaPacketKind: Hashable, Sendable {
    /// First byte 0-3: STUN (RFC 8489).
    case stun
    /// First byte 16-19: ZRTP (RFC 6189).
    case zrtp
    /// First byte 20-63: DTLS (RFC 6347).
    case dtls
    /// First byte 64-79: TURN ChannelData (RFC 8656).
    case turnChannel
    /// First byte 128-191, second byte outside 192-223.
    case rtp
    /// First byte 128-191, second byte 192-223 (RTCP packet types 192-223, which equal RTP payload
    /// types 64-95 with the marker bit set; RFC 5761 section 4 keeps those payload types unused).
    case rtcp
    /// Anything else (including datagrams of fewer than 2 bytes in the RTP range): drop.
    case unknown

    /// Classifies from the first two bytes; `second` is nil for a one-byte datagram.
    @inline(__always)
    public static func classify(first: UInt8, second: UInt8?) -> MediaPacketKind {
        switch first {
        case 0...3: return .stun
        case 16...19: return .zrtp
        case 20...63: return .dtls
        case 64...79: return .turnChannel
        case 128...191:
            guard let second else { return .unknown }
            return (192...223).contains(second) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    /// Classifies a datagram. Only the first two bytes are read; the packet's own parser validates the rest.
    @inline(__always)
    public static func classify(_ datagram: UnsafeRawBufferPointer) -> MediaPacketKind {
        guard datagram.count > 0 else { return .unknown }
        return classify(first: datagram[0], second: datagram.count > 1 ? datagram[1] : nil)
    }

    /// Array form of `classify(_:)`.
    public static func classify(_ datagram: [UInt8]) -> MediaPacketKind {
        datagram.withUnsafeBytes { classify($0) }
    }
}
