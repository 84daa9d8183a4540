/// A payload-specific feedback Full Intra Request (RFC 5104 section 4.3.1): PSFB (206) with FMT 4.
public struct RTCPFullIntraRequest: Hashable, Sendable {
    /// One FCI entry: the media sender asked for a decoder refresh and the request's sequence number.
    public struct Entry: Hashable, Sendable {
        public var ssrc: UInt32
        public var sequenceNumber: UInt8

        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    public var senderSSRC: UInt32
    /// RFC 5104 section 4.3.1.2: the common header's media source SSRC is unused and set to 0; kept as received.
    public var mediaSSRC: UInt32
    public var entries: [Entry]

    public static let packetType: UInt8 = 206
    public static let format: UInt8 = 4

    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    init(senderSSRC: UInt32, mediaSSRC: UInt32, fci: UnsafeRawBufferPointer) throws(MediaError) {
        guard !fci.isEmpty, fci.count % 8 == 0 else {
            throw MediaError(.invalidLength, "FIR FCI of \(fci.count) bytes")
        }
        self.init(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC,
            entries: stride(from: 0, to: fci.count, by: 8).map {
                Entry(ssrc: fci.uint32(at: $0), sequenceNumber: fci[$0 + 4])
            })
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        guard !entries.isEmpty else { throw MediaError(.unencodable, "FIR without entries") }
        try RTCPPacket.withHeader(count: Int(Self.format), type: Self.packetType, into: &out) {
            out throws(MediaError) in
            out.appendBigEndian(senderSSRC)
            out.appendBigEndian(mediaSSRC)
            for entry in entries {
                out.appendBigEndian(entry.ssrc)
                out.append(entry.sequenceNumber)
                out.append(contentsOf: [0, 0, 0])
            }
        }
    }
}
