/// The fields of an RTP header to write (RFC 3550 section 5.1). Writing goes into a caller-provided buffer,
/// so building a packet per frame allocates nothing when there are no CSRCs or extension.
public struct RTPHeader: Hashable, Sendable {
    /// The marker bit (first packet of a talkspurt for audio, RFC 3551 section 4.1).
    public var marker: Bool
    /// 7-bit payload type.
    public var payloadType: UInt8
    /// Sequence number, incremented by one per packet.
    public var sequenceNumber: UInt16
    /// Sampling instant in the payload's clock units.
    public var timestamp: UInt32
    /// Synchronization source identifier.
    public var ssrc: UInt32
    /// At most 15 contributing sources.
    public var csrcs: [UInt32]
    /// The header extension, if any (sets the X bit).
    public var headerExtension: RTPHeaderExtension?

    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
    }

    /// The fields of a received packet (CSRCs and extension copied).
    public init(_ view: RTPPacketView) {
        self.init(
            marker: view.marker, payloadType: view.payloadType, sequenceNumber: view.sequenceNumber,
            timestamp: view.timestamp, ssrc: view.ssrc, csrcs: Array(view.csrcs),
            headerExtension: view.extensionProfile.map {
                RTPHeaderExtension(profile: $0, data: Array(view.extensionData!))
            })
    }

    /// Bytes the header occupies on the wire.
    public var encodedLength: Int {
        RTPPacketView.fixedHeaderLength + csrcs.count * 4 + (headerExtension.map { 4 + $0.data.count } ?? 0)
    }

    /// Writes the header at the start of `buffer` and returns its length. With `padding` the P bit is set; the
    /// caller then ends the packet with padding octets, the last holding their count (see `writePacket`).
    @inline(__always)
    public func write(to buffer: UnsafeMutableRawBufferPointer, padding: Bool = false) throws(MediaError) -> Int {
        guard payloadType < 128 else { throw MediaError(.unencodable, "RTP payload type \(payloadType) above 127") }
        guard csrcs.count <= 15 else { throw MediaError(.unencodable, "\(csrcs.count) CSRCs, at most 15 fit") }
        if let headerExtension {
            guard headerExtension.data.count % 4 == 0, headerExtension.data.count / 4 <= 0xFFFF else {
                throw MediaError(.unencodable, "RTP header extension body not a whole number of words")
            }
        }
        let length = encodedLength
        guard buffer.count >= length else { throw MediaError(.bufferTooSmall, "RTP header needs \(length) bytes") }
        buffer[0] = 0x80 | (padding ? 0x20 : 0) | (headerExtension != nil ? 0x10 : 0) | UInt8(csrcs.count)
        buffer[1] = (marker ? 0x80 : 0) | payloadType
        buffer.store(sequenceNumber, at: 2)
        buffer.store(timestamp, at: 4)
        buffer.store(ssrc, at: 8)
        var offset = RTPPacketView.fixedHeaderLength
        for csrc in csrcs {
            buffer.store(csrc, at: offset)
            offset += 4
        }
        if let headerExtension {
            buffer.store(headerExtension.profile, at: offset)
            buffer.store(UInt16(headerExtension.data.count / 4), at: offset + 2)
            offset += 4
            headerExtension.data.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + $0.count)]).copyMemory(from: $0)
            }
            offset += headerExtension.data.count
        }
        return offset
    }

    /// Writes header, payload and `paddingLength` padding octets (RFC 3550 section 5.1: the last one holds
    /// the count) into `buffer`; returns the packet length.
    @inline(__always)
    public func writePacket(
        payload: UnsafeRawBufferPointer, paddingLength: Int = 0, to buffer: UnsafeMutableRawBufferPointer
    ) throws(MediaError) -> Int {
        guard (0...255).contains(paddingLength) else {
            throw MediaError(.unencodable, "RTP padding of \(paddingLength) octets")
        }
        guard buffer.count >= encodedLength + payload.count + paddingLength else {
            throw MediaError(.bufferTooSmall, "RTP packet needs \(encodedLength + payload.count + paddingLength) bytes")
        }
        var offset = try write(to: buffer, padding: paddingLength > 0)
        UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + payload.count)]).copyMemory(from: payload)
        offset += payload.count
        if paddingLength > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + paddingLength - 1)]).initializeMemory(
                as: UInt8.self, repeating: 0)
            buffer[offset + paddingLength - 1] = UInt8(paddingLength)
            offset += paddingLength
        }
        return offset
    }

    /// Appends the packet to `out` (a convenience for tests and non-hot paths).
    public func appendPacket(payload: [UInt8], paddingLength: Int = 0, to out: inout [UInt8]) throws(MediaError) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedLength + payload.count + max(paddingLength, 0)))
        do throws(MediaError) {
            let written = try out.withMutableRawBytes { raw throws(MediaError) in
                try payload.withRawBytes { payloadBytes throws(MediaError) in
                    try writePacket(
                        payload: payloadBytes, paddingLength: paddingLength,
                        to: UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
                }
            }
            out.removeLast(out.count - start - written)
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }
}
