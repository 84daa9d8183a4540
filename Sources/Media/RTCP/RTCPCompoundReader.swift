/// Iterates the packets of a compound RTCP packet in place (RFC 3550 section 6.1), without allocating.
///
/// Checks applied (RFC 3550 appendix A.2): every packet has version 2, lengths add up to the datagram, and
/// only the last packet may carry padding. The rule that a compound packet starts with SR or RR is not
/// enforced, since reduced-size RTCP (RFC 5506) sends feedback packets alone.
public struct RTCPCompoundReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next packet, nil at the end; throws on the first malformed packet.
    public mutating func next() throws(MediaError) -> RTCPPacketView? {
        guard offset < bytes.count else { return nil }
        let packet = try RTCPPacketView(prefixOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        offset += packet.bytes.count
        if packet.hasPadding && offset != bytes.count {
            throw MediaError(.invalidPadding, "RTCP padding before the last packet of a compound packet")
        }
        return packet
    }

    /// Checks a whole compound packet without decoding bodies; returns the number of packets.
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(MediaError) -> Int {
        guard !bytes.isEmpty else { throw MediaError(.truncated, "empty RTCP packet") }
        var reader = RTCPCompoundReader(bytes)
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }
}
