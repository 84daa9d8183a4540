/// One RTCP packet inside a compound packet, read in place (RFC 3550 section 6.4): the common header and the
/// body after it, padding removed.
public struct RTCPPacketView {
    /// This packet only, from its header to the end its length field gives.
    public let bytes: UnsafeRawBufferPointer
    /// Padding octets at the end (0 without the P bit).
    public let paddingLength: Int

    /// Validates the packet at the start of `bytes`, which may hold more packets after it.
    public init(prefixOf bytes: UnsafeRawBufferPointer) throws(MediaError) {
        guard bytes.count >= 4 else { throw MediaError(.truncated, "RTCP header shorter than 4 bytes") }
        // RFC 3550 appendix A.2: the version must be 2.
        guard bytes[0] >> 6 == 2 else { throw MediaError(.invalidField, "RTCP version is not 2") }
        let length = (Int(bytes.uint16(at: 2)) + 1) * 4
        guard length <= bytes.count else { throw MediaError(.truncated, "RTCP length past the compound packet end") }
        var padding = 0
        if bytes[0] & 0x20 != 0 {
            // RFC 3550 section 6.4.1: the last octet counts the padding, itself included.
            padding = Int(bytes[length - 1])
            guard padding > 0, padding <= length - 4 else {
                throw MediaError(.invalidPadding, "RTCP padding count \(padding) in a packet of \(length) bytes")
            }
        }
        self.bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<length])
        self.paddingLength = padding
    }

    /// The P bit.
    public var hasPadding: Bool { bytes[0] & 0x20 != 0 }
    /// The 5-bit field after P: report count, source count, APP subtype or feedback message type (FMT).
    public var count: UInt8 { bytes[0] & 0x1F }
    /// 200 SR, 201 RR, 202 SDES, 203 BYE, 204 APP, 205 RTPFB, 206 PSFB, 207 XR.
    public var packetType: UInt8 { bytes[1] }
    /// Everything after the 4-byte header, padding excluded.
    public var body: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[4..<(bytes.count - paddingLength)])
    }
}
