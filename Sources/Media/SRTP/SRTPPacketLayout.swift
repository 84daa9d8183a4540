/// Where the parts of SRTP and SRTCP packets are, and the IVs formed from them.
enum SRTPPacketLayout {
    /// The RTP header's length (fixed header, CSRC list, header extension: RFC 3550 section 5.1), checked to lie
    /// within the first `end` octets. Unlike `RTPPacketView` it does not read the padding count, which is
    /// encrypted in an SRTP packet and followed by the tag.
    @inline(__always)
    static func rtpHeaderLength(_ bytes: UnsafeRawBufferPointer, end: Int) throws(MediaError) -> Int {
        guard end >= RTPPacketView.fixedHeaderLength else {
            throw MediaError(.truncated, "RTP packet shorter than 12 bytes")
        }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw MediaError(.invalidField, "RTP version is not 2") }
        var header = RTPPacketView.fixedHeaderLength + Int(first & 0x0F) * 4
        guard header <= end else { throw MediaError(.truncated, "RTP CSRC list past the packet end") }
        if first & 0x10 != 0 {
            guard header + 4 <= end else {
                throw MediaError(.truncated, "RTP header extension header past the packet end")
            }
            header += 4 + Int(bytes.uint16(at: header + 2)) * 4
            guard header <= end else { throw MediaError(.truncated, "RTP header extension past the packet end") }
        }
        return header
    }

    /// Octets of the RTCP header that SRTCP leaves unencrypted: the common header and the sender's SSRC
    /// (RFC 3711 section 3.4).
    static let rtcpClearHeaderLength = 8

    /// The AES-CM counter block (RFC 3711 section 4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),
    /// with `index` the 48-bit SRTP packet index or the 31-bit SRTCP index. Writes 16 octets at `iv`.
    @inline(__always)
    static func counterModeIV(
        into iv: UnsafeMutableRawPointer, salt: UnsafeRawPointer, ssrc: UInt32, index: UInt64
    ) {
        iv.copyMemory(from: salt, byteCount: 14)
        iv.storeBytes(of: 0, toByteOffset: 14, as: UInt16.self)
        xorBigEndian(iv, ssrc: ssrc, index: index, ssrcOffset: 4)
    }

    /// The AES-GCM IV (RFC 7714 sections 8.1 and 9.1): 0x0000 || SSRC || 48 bits XORed with the 12-octet salt,
    /// the 48 bits being ROC || SEQ for SRTP and 0x0000 || 0 || SRTCP index for SRTCP, which both equal the
    /// packet index as a 48-bit number. Writes 12 octets at `iv`.
    @inline(__always)
    static func gcmIV(into iv: UnsafeMutableRawPointer, salt: UnsafeRawPointer, ssrc: UInt32, index: UInt64) {
        iv.copyMemory(from: salt, byteCount: 12)
        xorBigEndian(iv, ssrc: ssrc, index: index, ssrcOffset: 2)
    }

    /// XORs the SSRC at `ssrcOffset` and the 48-bit index in the six octets after it.
    @inline(__always)
    private static func xorBigEndian(_ iv: UnsafeMutableRawPointer, ssrc: UInt32, index: UInt64, ssrcOffset: Int) {
        let bytes = iv.assumingMemoryBound(to: UInt8.self)
        for octet in 0..<4 { bytes[ssrcOffset + octet] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * octet)) }
        for octet in 0..<6 { bytes[ssrcOffset + 4 + octet] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * octet)) }
    }
}
