/// A transport-layer feedback Generic NACK (RFC 4585 section 6.2.1): RTPFB (205) with FMT 1.
public struct RTCPGenericNACK: Hashable, Sendable {
    /// One FCI entry: a lost packet ID and a bitmask of the 16 following lost packets.
    public struct Entry: Hashable, Sendable {
        /// Packet ID (sequence number) of a lost packet.
        public var packetID: UInt16
        /// Bit i set: packet `packetID + i + 1` is lost too.
        public var lostBitmask: UInt16

        public init(packetID: UInt16, lostBitmask: UInt16) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// At least one entry (RFC 4585 section 6.2.1: "one or more").
    public var entries: [Entry]

    public static let packetType: UInt8 = 205
    public static let format: UInt8 = 1

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    /// Entries covering `lost` sequence numbers, packed in order of appearance: each entry takes the first
    /// uncovered number and every later one within the next 16.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16]) {
        var entries: [Entry] = []
        for sequence in lost {
            if let last = entries.last {
                let distance = sequence &- last.packetID
                if distance == 0 { continue }
                if (1...16).contains(distance) {
                    entries[entries.count - 1].lostBitmask |= 1 << (distance - 1)
                    continue
                }
            }
            entries.append(Entry(packetID: sequence, lostBitmask: 0))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, entries: entries)
    }

    /// Every sequence number the entries report lost, in entry order.
    public var lostSequenceNumbers: [UInt16] {
        var result: [UInt16] = []
        for entry in entries {
            result.append(entry.packetID)
            for bit in 0..<16 where entry.lostBitmask & (1 << bit) != 0 {
                result.append(entry.packetID &+ UInt16(bit) &+ 1)
            }
        }
        return result
    }

    init(senderSSRC: UInt32, mediaSSRC: UInt32, fci: UnsafeRawBufferPointer) throws(MediaError) {
        guard !fci.isEmpty, fci.count % 4 == 0 else {
            throw MediaError(.invalidLength, "Generic NACK FCI of \(fci.count) bytes")
        }
        self.init(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC,
            entries: stride(from: 0, to: fci.count, by: 4).map {
                Entry(packetID: fci.uint16(at: $0), lostBitmask: fci.uint16(at: $0 + 2))
            })
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        guard !entries.isEmpty else { throw MediaError(.unencodable, "Generic NACK without entries") }
        try RTCPPacket.withHeader(count: Int(Self.format), type: Self.packetType, into: &out) {
            out throws(MediaError) in
            out.appendBigEndian(senderSSRC)
            out.appendBigEndian(mediaSSRC)
            for entry in entries {
                out.appendBigEndian(entry.packetID)
                out.appendBigEndian(entry.lostBitmask)
            }
        }
    }
}
