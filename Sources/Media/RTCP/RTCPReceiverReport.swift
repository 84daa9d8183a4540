/// An RTCP receiver report, packet type 201 (RFC 3550 section 6.4.2).
public struct RTCPReceiverReport: Hashable, Sendable {
    /// The reporter.
    public var ssrc: UInt32
    /// At most 31 blocks.
    public var reports: [RTCPReportBlock]
    /// Profile-specific extension after the blocks, a whole number of 32-bit words.
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }

    public static let packetType: UInt8 = 201

    init(_ view: RTCPPacketView) throws(MediaError) {
        let body = view.body
        let count = Int(view.count)
        guard body.count >= 4 + count * RTCPReportBlock.encodedLength else {
            throw MediaError(.truncated, "RR with \(count) report blocks in \(body.count) bytes")
        }
        ssrc = body.uint32(at: 0)
        reports = RTCPReportBlock.readBlocks(body, at: 4, count: count)
        profileExtension = Array(body[(4 + count * RTCPReportBlock.encodedLength)...])
    }

    func encode(into out: inout [UInt8]) throws(MediaError) {
        try RTCPPacket.withHeader(count: reports.count, type: Self.packetType, into: &out) { out throws(MediaError) in
            out.appendBigEndian(ssrc)
            for report in reports { try report.encode(into: &out) }
            out.append(contentsOf: profileExtension)
        }
    }
}
