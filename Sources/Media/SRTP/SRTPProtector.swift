/// Protects and unprotects RTP and RTCP in place, in a buffer the caller owns (RFC 3711, RFC 7714).
///
/// One protector holds one SRTP session's keys in both directions: the outbound master key protects what this
/// side sends, the inbound master key unprotects what it receives. Streams are told apart by SSRC, each with
/// its own rollover counter, replay window and SRTCP index.
///
/// The buffer-based methods allocate nothing: `buffer` holds the packet in its first `length` octets and has
/// room for `profile.rtpOverhead` (or `profile.rtcpOverhead`) more; the methods return the new length. On
/// error the packet must be dropped: for AES-GCM its payload may already have been decrypted in place.
///
/// Implementations are not thread-safe: a protector belongs to one call, driven from one event loop.
public protocol SRTPProtector: AnyObject {
    /// The protection profile both directions use.
    var profile: SRTPProfile { get }

    /// Encrypts and authenticates an RTP packet; returns the SRTP packet's length.
    func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int
    /// Authenticates, replay-checks and decrypts an SRTP packet; returns the RTP packet's length.
    func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int
    /// Encrypts (unless configured not to) and authenticates a compound RTCP packet; returns the SRTCP length.
    func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int
    /// Authenticates, replay-checks and decrypts an SRTCP packet; returns the compound RTCP packet's length.
    func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int

    /// Forgets an inbound SSRC (its rollover counter and replay windows), after RTCP BYE or an SSRC change.
    func removeInboundStream(ssrc: UInt32)
    /// Forgets an outbound SSRC. The same SSRC must not be sent again under the same key: its packet indices
    /// would start over and reuse keystream (RFC 3711 section 9.1).
    func removeOutboundStream(ssrc: UInt32)
}
