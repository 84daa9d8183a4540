/// An RTCP sender report, packet type 200 (RFC 3550 section 6.4.1).
public struct RTCPSenderReport: Hashable, Sendable {
    public var ssrc: UInt32
    /// Wallclock time when this report was sent.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the RTP timestamp units of the sender's stream.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// At most 31 blocks.
    public var reports: [RTCPReportBlock]
    /// Profile-specific extension after the blocks, a whole number of 32-bit words; kept as received.
    public var profileExtension: [UInt8]

    public init(
        ssrc: UInt32, ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }

    public static let packetType: UInt8 = 200

    init(_ view: RTCPPacketView) throws(MediaError) {
        let body = view.body
        let count = Int(view.count)
        guard body.count >= 24 + count * RTCPReportBlock.encodedLength else {
            throw MediaError(.truncated, "SR with \(count) report blocks in \(body.count) bytes")
        }
        ssrc = body.uint32(at: 0)
        ntpTimestamp = NTPTimestamp(rawValue: body.uint64(at: 4))
        rtpTimestamp = body.uint32(at: 12)
        packetCount = body.uint32(at: 16)
        octetCount = body.uint32(at: 20)
        reports = RTCPReportBlock.readBlocks(body, at: 24, count: count)
        profileExtension = Array(body[(24 + count * RTCPReportBlock.encodedLength)...])
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        try RTCPPacket.withHeader(count: reports.count, type: Self.packetType, into: &out) { out throws(MediaError) in
            out.appendBigEndian(ssrc)
            out.appendBigEndian(ntpTimestamp.rawValue)
            out.appendBigEndian(rtpTimestamp)
            out.appendBigEndian(packetCount)
            out.appendBigEndian(octetCount)
            for report in reports { try report.encode(into: &out) }
            out.append(contentsOf: profileExtension)
        }
    }
}
