/// An application-defined RTCP packet, type 204 (RFC 3550 section 6.7).
public struct RTCPApplicationPacket: Hashable, Sendable {
    /// The 5-bit subtype.
    public var subtype: UInt8
    public var ssrc: UInt32
    /// Four ASCII characters, as a big-endian 32-bit value ("ABCD" is 0x41424344).
    public var name: UInt32
    /// Application data, a whole number of 32-bit words.
    public var data: [UInt8]

    public init(subtype: UInt8, ssrc: UInt32, name: UInt32, data: [UInt8] = []) {
        self.subtype = subtype
        self.ssrc = ssrc
        self.name = name
        self.data = data
    }

    /// With the name given as four ASCII characters; nil if it is not exactly that.
    public init?(subtype: UInt8, ssrc: UInt32, name: String, data: [UInt8] = []) {
        let bytes = Array(name.utf8)
        guard bytes.count == 4, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        self.init(subtype: subtype, ssrc: ssrc, name: bytes.reduce(0) { $0 << 8 | UInt32($1) }, data: data)
    }

    /// The name as text.
    public var nameString: String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: name >> (24 - 8 * $0)) }, as: UTF8.self)
    }

    public static let packetType: UInt8 = 204

    init(_ view: RTCPPacketView) throws(MediaError) {
        let body = view.body
        guard body.count >= 8 else { throw MediaError(.truncated, "APP packet shorter than 12 bytes") }
        subtype = view.count
        ssrc = body.uint32(at: 0)
        name = body.uint32(at: 4)
        data = Array(body[8...])
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        guard subtype < 32 else { throw MediaError(.unencodable, "APP subtype \(subtype) above 31") }
        guard data.count % 4 == 0 else { throw MediaError(.unencodable, "APP data not a whole number of words") }
        try RTCPPacket.withHeader(count: Int(subtype), type: Self.packetType, into: &out) { out throws(MediaError) in
            out.appendBigEndian(ssrc)
            out.appendBigEndian(name)
            out.append(contentsOf: data)
        }
    }
}
