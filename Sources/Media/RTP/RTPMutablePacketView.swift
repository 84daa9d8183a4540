/// A validated RTP packet in caller-owned writable memory, for rewriting the header in place on the relay
/// path: payload type, marker, sequence number, timestamp and SSRC (RFC 3550 section 5.1 fields).
///
/// The setters write straight into the buffer; nothing is allocated.
public struct RTPMutablePacketView {
    /// The whole packet.
    public let bytes: UnsafeMutableRawBufferPointer
    /// The read-only view (lengths, extensions, payload).
    public let view: RTPPacketView

    /// Validates `bytes` as one RTP packet (see `RTPPacketView.init(_:)`).
    @inline(__always)
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(MediaError) {
        self.view = try RTPPacketView(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// The marker bit.
    public var marker: Bool {
        @inline(__always) get { view.marker }
        @inline(__always) nonmutating set { bytes[1] = (bytes[1] & 0x7F) | (newValue ? 0x80 : 0) }
    }

    /// The 7-bit payload type; setting a value of 128 or more is a programming error.
    public var payloadType: UInt8 {
        @inline(__always) get { view.payloadType }
        @inline(__always) nonmutating set {
            precondition(newValue < 128, "RTP payload type must be below 128")
            bytes[1] = (bytes[1] & 0x80) | newValue
        }
    }

    /// The sequence number.
    public var sequenceNumber: UInt16 {
        @inline(__always) get { view.sequenceNumber }
        @inline(__always) nonmutating set { bytes.store(newValue, at: 2) }
    }

    /// The RTP timestamp.
    public var timestamp: UInt32 {
        @inline(__always) get { view.timestamp }
        @inline(__always) nonmutating set { bytes.store(newValue, at: 4) }
    }

    /// The synchronization source.
    public var ssrc: UInt32 {
        @inline(__always) get { view.ssrc }
        @inline(__always) nonmutating set { bytes.store(newValue, at: 8) }
    }

    /// The payload, writable in place (padding excluded).
    public var payload: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: bytes[view.payloadRange])
    }
}
