/// A payload-specific feedback Picture Loss Indication (RFC 4585 section 6.3.1): PSFB (206) with FMT 1 and
/// no FCI.
public struct RTCPPictureLossIndication: Hashable, Sendable {
    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32

    public static let packetType: UInt8 = 206
    public static let format: UInt8 = 1

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        try RTCPPacket.withHeader(count: Int(Self.format), type: Self.packetType, into: &out) {
            out throws(MediaError) in
            out.appendBigEndian(senderSSRC)
            out.appendBigEndian(mediaSSRC)
        }
    }
}
