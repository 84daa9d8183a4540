/// An RTCP source description packet, type 202 (RFC 3550 section 6.5): chunks of items per source.
public struct RTCPSourceDescription: Hashable, Sendable {
    /// One SDES item: a type (1 CNAME ... 8 PRIV) and up to 255 octets of UTF-8 text.
    public struct Item: Hashable, Sendable {
        public var type: UInt8
        public var value: [UInt8]

        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public init(type: UInt8, text: String) { self.init(type: type, value: Array(text.utf8)) }

        /// The value as text (invalid UTF-8 is repaired with U+FFFD).
        public var text: String { String(decoding: value, as: UTF8.self) }

        public static let cname: UInt8 = 1
        public static let name: UInt8 = 2
        public static let email: UInt8 = 3
        public static let phone: UInt8 = 4
        public static let location: UInt8 = 5
        public static let tool: UInt8 = 6
        public static let note: UInt8 = 7
        public static let priv: UInt8 = 8
    }

    /// The items describing one SSRC or CSRC.
    public struct Chunk: Hashable, Sendable {
        public var source: UInt32
        public var items: [Item]

        public init(source: UInt32, items: [Item]) {
            self.source = source
            self.items = items
        }

        /// The CNAME item's text, if any.
        public var cname: String? { items.first { $0.type == Item.cname }?.text }
    }

    /// At most 31 chunks.
    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// A description carrying only a CNAME, the item RFC 3550 section 6.5.1 makes mandatory.
    public static func cname(_ cname: String, ssrc: UInt32) -> RTCPSourceDescription {
        RTCPSourceDescription(chunks: [Chunk(source: ssrc, items: [Item(type: Item.cname, text: cname)])])
    }

    public static let packetType: UInt8 = 202

    init(_ view: RTCPPacketView) throws(MediaError) {
        let body = view.body
        var offset = 0
        var chunks: [Chunk] = []
        for _ in 0..<Int(view.count) {
            guard body.count - offset >= 4 else { throw MediaError(.truncated, "SDES chunk past the packet end") }
            var chunk = Chunk(source: body.uint32(at: offset), items: [])
            offset += 4
            // Items until a null octet (END); the chunk then pads to a 32-bit boundary with nulls.
            while true {
                guard offset < body.count else { throw MediaError(.truncated, "SDES chunk without END item") }
                let type = body[offset]
                if type == 0 {
                    offset = (offset + 4) & ~3
                    break
                }
                guard offset + 2 <= body.count, offset + 2 + Int(body[offset + 1]) <= body.count else {
                    throw MediaError(.truncated, "SDES item past the packet end")
                }
                let length = Int(body[offset + 1])
                chunk.items.append(Item(type: type, value: Array(body[(offset + 2)..<(offset + 2 + length)])))
                offset += 2 + length
            }
            guard offset <= body.count else {
                throw MediaError(.invalidLength, "SDES chunk padding past the packet end")
            }
            chunks.append(chunk)
        }
        self.chunks = chunks
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        try RTCPPacket.withHeader(count: chunks.count, type: Self.packetType, into: &out) { out throws(MediaError) in
            for chunk in chunks {
                let start = out.count
                out.appendBigEndian(chunk.source)
                for item in chunk.items {
                    guard item.type != 0, item.value.count <= 255 else {
                        throw MediaError(.unencodable, "SDES item of type \(item.type) with \(item.value.count) octets")
                    }
                    out.append(item.type)
                    out.append(UInt8(item.value.count))
                    out.append(contentsOf: item.value)
                }
                // END item plus nulls to the next 32-bit boundary: at least one null octet.
                out.append(0)
                while (out.count - start) % 4 != 0 { out.append(0) }
            }
        }
    }
}
