// libFuzzer entry for the RTP/RTCP path: demultiplexing, the RTP view (header extensions, payload, in-place
// rewrite) and RTCP compound parsing must end in values or a MediaError, never a trap. RTCP packets that can
// be encoded again must decode to the same values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = MediaPacketKind.classify(bytes)

    // RTP: read everything through the view, then rewrite a copy in place.
    if let view = try? RTPPacketView(bytes) {
        precondition(view.payloadRange.lowerBound >= RTPPacketView.fixedHeaderLength)
        precondition(view.payloadRange.upperBound <= bytes.count)
        var sum = UInt32(view.sequenceNumber) &+ view.timestamp &+ view.ssrc &+ UInt32(view.payloadType)
        for csrc in view.csrcs { sum &+= csrc }
        for element in view.headerExtensions { sum &+= UInt32(element.id) &+ UInt32(element.data.count) }
        _ = try? view.headerExtensions.validate()
        _ = view.headerExtensions.element(id: 1)
        for byte in view.payload { sum &+= UInt32(byte) }
        _ = RTPHeader(view)
        if let event = try? TelephoneEvent(payload: view.payload) {
            _ = event.converted(from: 8_000, to: 48_000)
        }
        var copy = Array(bytes)
        copy.withUnsafeMutableBytes { raw in
            guard let mutable = try? RTPMutablePacketView(raw) else {
                fatalError("copy of a valid RTP packet is invalid")
            }
            mutable.payloadType = UInt8(truncatingIfNeeded: sum) & 0x7F
            mutable.sequenceNumber &+= 1
            mutable.timestamp &+= 160
            mutable.ssrc = sum
            mutable.marker.toggle()
        }
        var statistics = RTPReceiveStatistics(minSequential: 1)
        _ = statistics.record(sequenceNumber: view.sequenceNumber, rtpTimestamp: view.timestamp, arrival: sum)
        _ = statistics.makeReportBlock(ssrc: view.ssrc)
    }

    // RTCP: iterate in place, then decode and round-trip.
    var reader = RTCPCompoundReader(bytes)
    while let packet = try? reader.next() { _ = packet.body.count }
    if let packets = try? RTCPPacket.decodeCompound(bytes), let encoded = try? RTCPPacket.encodeCompound(packets) {
        guard let again = try? RTCPPacket.decodeCompound(encoded) else { fatalError("re-encoded RTCP does not decode") }
        precondition(again == packets, "RTCP round trip changed packets")
    }
    return 0
}
