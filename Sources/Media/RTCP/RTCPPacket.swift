/// One RTCP packet, decoded (RFC 3550 section 6; RFC 4585 section 6 and RFC 5104 section 4.3.1 feedback).
public enum RTCPPacket: Hashable, Sendable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case bye(RTCPBye)
    case application(RTCPApplicationPacket)
    case genericNACK(RTCPGenericNACK)
    case pictureLossIndication(RTCPPictureLossIndication)
    case fullIntraRequest(RTCPFullIntraRequest)
    /// Other RTPFB/PSFB formats.
    case feedback(RTCPFeedbackPacket)
    /// Other packet types (XR 207 and anything unassigned): the 5-bit count field and the body, padding removed.
    case other(packetType: UInt8, count: UInt8, body: [UInt8])

    /// Decodes one packet from its view.
    public init(_ view: RTCPPacketView) throws(MediaError) {
        switch view.packetType {
        case RTCPSenderReport.packetType: self = .senderReport(try RTCPSenderReport(view))
        case RTCPReceiverReport.packetType: self = .receiverReport(try RTCPReceiverReport(view))
        case RTCPSourceDescription.packetType: self = .sourceDescription(try RTCPSourceDescription(view))
        case RTCPBye.packetType: self = .bye(try RTCPBye(view))
        case RTCPApplicationPacket.packetType: self = .application(try RTCPApplicationPacket(view))
        case 205, 206:
            let body = view.body
            // RFC 4585 section 6.1: packet sender SSRC and media source SSRC precede the FCI.
            guard body.count >= 8 else { throw MediaError(.truncated, "feedback packet shorter than 12 bytes") }
            let sender = body.uint32(at: 0)
            let media = body.uint32(at: 4)
            let fci = UnsafeRawBufferPointer(rebasing: body[8...])
            switch (view.packetType, view.count) {
            case (RTCPGenericNACK.packetType, RTCPGenericNACK.format):
                self = .genericNACK(try RTCPGenericNACK(senderSSRC: sender, mediaSSRC: media, fci: fci))
            case (RTCPPictureLossIndication.packetType, RTCPPictureLossIndication.format):
                // RFC 4585 section 6.3.1.2: PLI carries no FCI; extra words are tolerated and ignored.
                self = .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: sender, mediaSSRC: media))
            case (RTCPFullIntraRequest.packetType, RTCPFullIntraRequest.format):
                self = .fullIntraRequest(try RTCPFullIntraRequest(senderSSRC: sender, mediaSSRC: media, fci: fci))
            default:
                self = .feedback(
                    RTCPFeedbackPacket(
                        packetType: view.packetType, format: view.count, senderSSRC: sender, mediaSSRC: media,
                        fci: Array(fci)))
            }
        default:
            self = .other(packetType: view.packetType, count: view.count, body: Array(view.body))
        }
    }

    /// Decodes every packet of a compound packet (see `RTCPCompoundReader` for the checks applied).
    public static func decodeCompound(_ bytes: UnsafeRawBufferPointer) throws(MediaError) -> [RTCPPacket] {
        guard !bytes.isEmpty else { throw MediaError(.truncated, "empty RTCP packet") }
        var reader = RTCPCompoundReader(bytes)
        var packets: [RTCPPacket] = []
        while let view = try reader.next() { packets.append(try RTCPPacket(view)) }
        return packets
    }

    /// Array form of `decodeCompound(_:)`.
    public static func decodeCompound(_ bytes: [UInt8]) throws(MediaError) -> [RTCPPacket] {
        try bytes.withRawBytes { raw throws(MediaError) in try decodeCompound(raw) }
    }

    /// Appends this packet to `out`, with no padding.
    public func encode(into out: inout [UInt8]) throws(MediaError) {
        switch self {
        case .senderReport(let packet): try packet.encode(into: &out)
        case .receiverReport(let packet): try packet.encode(into: &out)
        case .sourceDescription(let packet): try packet.encode(into: &out)
        case .bye(let packet): try packet.encode(into: &out)
        case .application(let packet): try packet.encode(into: &out)
        case .genericNACK(let packet): try packet.encode(into: &out)
        case .pictureLossIndication(let packet): try packet.encode(into: &out)
        case .fullIntraRequest(let packet): try packet.encode(into: &out)
        case .feedback(let packet): try packet.encode(into: &out)
        case .other(let packetType, let count, let body):
            guard count < 32, body.count % 4 == 0 else {
                throw MediaError(.unencodable, "RTCP packet with count \(count) and \(body.count) body bytes")
            }
            try Self.withHeader(count: Int(count), type: packetType, into: &out) { out throws(MediaError) in
                out.append(contentsOf: body)
            }
        }
    }

    /// The wire form of a compound packet: the packets back to back (RFC 3550 section 6.1). Callers put an SR
    /// or RR first unless they use reduced-size RTCP (RFC 5506).
    public static func encodeCompound(_ packets: [RTCPPacket]) throws(MediaError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(packets.count * 32)
        for packet in packets { try packet.encode(into: &out) }
        return out
    }

    /// Writes a common header, runs `body`, then fills in the length in 32-bit words minus one
    /// (RFC 3550 section 6.4.1). On error `out` is left as it was.
    static func withHeader(
        count: Int, type: UInt8, into out: inout [UInt8], body: (inout [UInt8]) throws(MediaError) -> Void
    ) throws(MediaError) {
        guard count < 32 else { throw MediaError(.unencodable, "RTCP count \(count) does not fit 5 bits") }
        let start = out.count
        out.append(0x80 | UInt8(count))
        out.append(type)
        out.appendBigEndian(UInt16(0))
        do throws(MediaError) {
            try body(&out)
            let length = out.count - start
            guard length % 4 == 0 else {
                throw MediaError(.unencodable, "RTCP packet of \(length) bytes is not a whole number of words")
            }
            guard length / 4 - 1 <= 0xFFFF else { throw MediaError(.unencodable, "RTCP packet of \(length) bytes") }
            out.setBigEndian(UInt16(length / 4 - 1), at: start + 2)
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }
}
