/// The payload of an RTP telephone-event packet (RFC 4733 section 2.3): event code, end bit, volume and
/// duration, four bytes.
public struct TelephoneEvent: Hashable, Sendable {
    /// Event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D (RFC 4733 section 3.2), others for tones.
    public var event: UInt8
    /// E bit: the last packets of the event.
    public var isEnd: Bool
    /// Power level in -dBm0, 0-63 (RFC 4733 section 2.3.4).
    public var volume: UInt8
    /// Duration so far in RTP timestamp units, from the event's timestamp (RFC 4733 section 2.3.5).
    public var duration: UInt16

    public static let encodedLength = 4

    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// Decodes the first event of `payload`. The R bit is ignored as RFC 4733 section 2.3.3 requires.
    public init(payload: UnsafeRawBufferPointer) throws(MediaError) {
        guard payload.count >= Self.encodedLength else {
            throw MediaError(.truncated, "telephone-event payload shorter than 4 bytes")
        }
        event = payload[0]
        isEnd = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = payload.uint16(at: 2)
    }

    /// Array form of `init(payload:)`.
    public init(payload: [UInt8]) throws(MediaError) {
        self = try payload.withRawBytes { raw throws(MediaError) in try TelephoneEvent(payload: raw) }
    }

    /// Writes the four payload bytes at the start of `buffer`; returns 4.
    public func write(to buffer: UnsafeMutableRawBufferPointer) throws(MediaError) -> Int {
        guard volume < 64 else { throw MediaError(.unencodable, "telephone-event volume \(volume) above 63") }
        guard buffer.count >= Self.encodedLength else {
            throw MediaError(.bufferTooSmall, "telephone-event needs 4 bytes")
        }
        buffer[0] = event
        buffer[1] = (isEnd ? 0x80 : 0) | volume
        buffer.store(duration, at: 2)
        return Self.encodedLength
    }

    /// The four payload bytes.
    public func encoded() throws(MediaError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.encodedLength)
        _ = try out.withMutableRawBytes { raw throws(MediaError) in try write(to: raw) }
        return out
    }

    /// The same event with its duration converted between clock rates (for example 8000 to 48000 Hz when
    /// relaying to an Opus leg). A duration that no longer fits 16 bits saturates at 0xFFFF; RFC 4733
    /// section 2.5.2.3 has the sender split such events into segments, which is the relaying session's job.
    public func converted(from sourceRate: UInt32, to destinationRate: UInt32) -> TelephoneEvent {
        var copy = self
        let scaled = RTPTimestampMapper.scale(Int64(duration), from: max(sourceRate, 1), to: destinationRate)
        copy.duration = UInt16(clamping: scaled)
        return copy
    }
}
