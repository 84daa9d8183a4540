/// A transport-layer (205) or payload-specific (206) feedback packet of a format this module does not
/// interpret (RFC 4585 section 6.1), such as transport-wide congestion control or REMB; kept as received.
public struct RTCPFeedbackPacket: Hashable, Sendable {
    /// 205 (RTPFB) or 206 (PSFB).
    public var packetType: UInt8
    /// The 5-bit feedback message type.
    public var format: UInt8
    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// Feedback control information, a whole number of 32-bit words.
    public var fci: [UInt8]

    public init(packetType: UInt8, format: UInt8, senderSSRC: UInt32, mediaSSRC: UInt32, fci: [UInt8]) {
        self.packetType = packetType
        self.format = format
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.fci = fci
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        guard format < 32 else { throw MediaError(.unencodable, "feedback format \(format) above 31") }
        guard fci.count % 4 == 0 else { throw MediaError(.unencodable, "feedback FCI not a whole number of words") }
        try RTCPPacket.withHeader(count: Int(format), type: packetType, into: &out) { out throws(MediaError) in
            out.appendBigEndian(senderSSRC)
            out.appendBigEndian(mediaSSRC)
            out.append(contentsOf: fci)
        }
    }
}
