/// A validated, zero-copy view of an RTP packet (RFC 3550 section 5.1) in memory the caller owns.
///
/// Creating the view checks the version, the CSRC list, the header extension length and the padding
/// count against the buffer, so every accessor afterwards reads inside it. Nothing is copied or allocated;
/// the view is valid only while the buffer is (typically inside `withUnsafeBytes` or a NIO
/// `withUnsafeReadableBytes` closure).
public struct RTPPacketView {
    /// The whole packet.
    public let bytes: UnsafeRawBufferPointer
    /// Fixed header, CSRC list and header extension.
    public let headerLength: Int
    /// Padding octets at the end, including the count octet itself (0 without the P bit).
    public let paddingLength: Int

    /// The fixed RTP header size.
    public static let fixedHeaderLength = 12

    /// Validates `bytes` as one RTP packet.
    @inline(__always)
    public init(_ bytes: UnsafeRawBufferPointer) throws(MediaError) {
        guard bytes.count >= Self.fixedHeaderLength else {
            throw MediaError(.truncated, "RTP packet shorter than 12 bytes")
        }
        let first = bytes[0]
        // RFC 3550 section 5.1 and appendix A.1: the version must be 2.
        guard first >> 6 == 2 else { throw MediaError(.invalidField, "RTP version is not 2") }
        var header = Self.fixedHeaderLength + Int(first & 0x0F) * 4
        guard header <= bytes.count else { throw MediaError(.truncated, "RTP CSRC list past the packet end") }
        if first & 0x10 != 0 {
            // RFC 3550 section 5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the words.
            guard header + 4 <= bytes.count else {
                throw MediaError(.truncated, "RTP header extension header past the packet end")
            }
            header += 4 + Int(bytes.uint16(at: header + 2)) * 4
            guard header <= bytes.count else {
                throw MediaError(.truncated, "RTP header extension past the packet end")
            }
        }
        var padding = 0
        if first & 0x20 != 0 {
            // RFC 3550 section 5.1: the last octet counts the padding octets, itself included.
            padding = Int(bytes[bytes.count - 1])
            guard padding > 0 else { throw MediaError(.invalidPadding, "RTP padding count of zero") }
            guard header + padding <= bytes.count else {
                throw MediaError(.invalidPadding, "RTP padding count larger than the payload")
            }
        }
        self.bytes = bytes
        self.headerLength = header
        self.paddingLength = padding
    }

    // MARK: Fixed header

    /// Always 2 for a view that was created.
    @inline(__always) public var version: UInt8 { bytes[0] >> 6 }
    @inline(__always) public var hasPadding: Bool { bytes[0] & 0x20 != 0 }
    @inline(__always) public var hasExtension: Bool { bytes[0] & 0x10 != 0 }
    @inline(__always) public var csrcCount: Int { Int(bytes[0] & 0x0F) }
    @inline(__always) public var marker: Bool { bytes[1] & 0x80 != 0 }
    @inline(__always) public var payloadType: UInt8 { bytes[1] & 0x7F }
    @inline(__always) public var sequenceNumber: UInt16 { bytes.uint16(at: 2) }
    @inline(__always) public var timestamp: UInt32 { bytes.uint32(at: 4) }
    @inline(__always) public var ssrc: UInt32 { bytes.uint32(at: 8) }

    /// The contributing sources, read in place.
    public var csrcs: CSRCList { CSRCList(bytes: bytes, count: csrcCount) }

    // MARK: Header extension

    private var extensionOffset: Int { Self.fixedHeaderLength + csrcCount * 4 }

    /// The 16-bit "defined by profile" value of the header extension (0xBEDE for RFC 8285 one-byte
    /// elements, 0x100X for two-byte elements), or nil without the X bit.
    public var extensionProfile: UInt16? {
        hasExtension ? bytes.uint16(at: extensionOffset) : nil
    }

    /// The header extension body (its length field's 32-bit words), or nil without the X bit.
    public var extensionData: UnsafeRawBufferPointer? {
        guard hasExtension else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[(extensionOffset + 4)..<headerLength])
    }

    /// RFC 8285 extension elements; empty without an extension or with a profile other than one-byte
    /// or two-byte.
    public var headerExtensions: RTPHeaderExtensionElements {
        guard let profile = extensionProfile, let data = extensionData else { return RTPHeaderExtensionElements() }
        return RTPHeaderExtensionElements(profile: profile, data: data)
    }

    // MARK: Payload

    /// Byte offsets of the payload within `bytes`, padding excluded.
    @inline(__always) public var payloadRange: Range<Int> { headerLength..<(bytes.count - paddingLength) }

    /// The payload, padding excluded.
    @inline(__always) public var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[payloadRange])
    }

    /// The CSRC identifiers of a packet, read in place.
    public struct CSRCList: RandomAccessCollection {
        let bytes: UnsafeRawBufferPointer
        public let count: Int

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> UInt32 {
            precondition(position >= 0 && position < count, "CSRC index out of range")
            return bytes.uint32(at: RTPPacketView.fixedHeaderLength + 4 * position)
        }

        public func makeIterator() -> Iterator { Iterator(list: self) }

        /// Reads the identifiers one by one (a concrete iterator, so debug builds do not allocate either).
        public struct Iterator: IteratorProtocol {
            let list: CSRCList
            var position = 0

            public mutating func next() -> UInt32? {
                guard position < list.count else { return nil }
                defer { position += 1 }
                return list[position]
            }
        }
    }
}
