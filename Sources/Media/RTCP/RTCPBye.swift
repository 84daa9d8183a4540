/// An RTCP goodbye packet, type 203 (RFC 3550 section 6.6): sources leaving, with an optional reason.
public struct RTCPBye: Hashable, Sendable {
    /// At most 31 sources.
    public var sources: [UInt32]
    /// The reason text, at most 255 octets of UTF-8 (decoded leniently, repairing invalid UTF-8).
    public var reason: String?

    public init(sources: [UInt32], reason: String? = nil) {
        self.sources = sources
        self.reason = reason
    }

    public static let packetType: UInt8 = 203

    init(_ view: RTCPPacketView) throws(MediaError) {
        let body = view.body
        let count = Int(view.count)
        guard body.count >= count * 4 else {
            throw MediaError(.truncated, "BYE with \(count) sources in \(body.count) bytes")
        }
        sources = (0..<count).map { body.uint32(at: $0 * 4) }
        let offset = count * 4
        if offset < body.count {
            let length = Int(body[offset])
            guard offset + 1 + length <= body.count else {
                throw MediaError(.truncated, "BYE reason past the packet end")
            }
            reason = String(decoding: body[(offset + 1)..<(offset + 1 + length)], as: UTF8.self)
        } else {
            reason = nil
        }
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        try RTCPPacket.withHeader(count: sources.count, type: Self.packetType, into: &out) { out throws(MediaError) in
            for source in sources { out.appendBigEndian(source) }
            if let reason {
                let bytes = Array(reason.utf8)
                guard bytes.count <= 255 else { throw MediaError(.unencodable, "BYE reason over 255 octets") }
                out.append(UInt8(bytes.count))
                out.append(contentsOf: bytes)
                out.padToFourBytes()
            }
        }
    }
}
