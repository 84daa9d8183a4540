/// A header extension to write with `RTPHeader` (RFC 3550 section 5.3.1): a profile value and a body that
/// is a whole number of 32-bit words.
public struct RTPHeaderExtension: Hashable, Sendable {
    public var profile: UInt16
    /// The body; its length must be a multiple of 4.
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }

    /// RFC 8285 section 4.2 one-byte elements (IDs 1-14, 1-16 bytes each), zero-padded to a word boundary.
    public static func oneByte(_ elements: [(id: UInt8, data: [UInt8])]) throws(MediaError) -> RTPHeaderExtension {
        var body: [UInt8] = []
        for (id, data) in elements {
            guard (1...14).contains(id) else {
                throw MediaError(.unencodable, "one-byte extension ID \(id) outside 1-14")
            }
            guard (1...16).contains(data.count) else {
                throw MediaError(.unencodable, "one-byte extension element of \(data.count) bytes")
            }
            body.append(id << 4 | UInt8(data.count - 1))
            body.append(contentsOf: data)
        }
        body.padToFourBytes()
        return RTPHeaderExtension(profile: 0xBEDE, data: body)
    }

    /// RFC 8285 section 4.3 two-byte elements (IDs 1-255, 0-255 bytes each), zero-padded; `appBits` fills the
    /// low four bits of the 0x100 profile.
    public static func twoByte(
        _ elements: [(id: UInt8, data: [UInt8])], appBits: UInt8 = 0
    ) throws(MediaError) -> RTPHeaderExtension {
        var body: [UInt8] = []
        for (id, data) in elements {
            guard id != 0 else { throw MediaError(.unencodable, "two-byte extension ID 0 is padding") }
            guard data.count <= 255 else {
                throw MediaError(.unencodable, "two-byte extension element of \(data.count) bytes")
            }
            body.append(id)
            body.append(UInt8(data.count))
            body.append(contentsOf: data)
        }
        body.padToFourBytes()
        return RTPHeaderExtension(profile: 0x1000 | UInt16(appBits & 0x0F), data: body)
    }
}
