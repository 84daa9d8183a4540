/// One leg's RTCP (RFC 3550 section 6), sans-IO: it counts what the leg sends and receives, reads the
/// peer's reports, and writes this side's own SR or RR with SDES CNAME every few seconds. Reports are
/// generated from the leg's real counters rather than forwarded from the other leg, so loss, jitter and
/// RTT describe this leg alone.
public struct RTCPSession: Sendable {
    /// What the peer's reports and our reception say about the leg.
    public struct Figures: Hashable, Sendable {
        /// Packets the peer sent that never arrived (our reception).
        public var lost: Int32 = 0
        /// Interarrival jitter of what we receive, in milliseconds.
        public var jitterMilliseconds: Double = 0
        /// Round-trip time from the peer's report blocks about our stream.
        public var roundTripTime: Duration?
        /// The loss the peer reports about our stream, as a fraction 0...1.
        public var remoteFractionLost: Double?
        /// The jitter the peer reports about our stream, in milliseconds.
        public var remoteJitterMilliseconds: Double?
        public var reportsSent = 0
        public var reportsReceived = 0
    }

    public let ssrc: UInt32
    public let cname: String
    /// The RTP clock rate of what we receive, to express jitter in time.
    public var receiveClockRate: UInt32
    /// The RTP clock rate of what we send.
    public var sendClockRate: UInt32
    public let interval: Duration
    public private(set) var figures = Figures()
    public private(set) var nextReport: MediaTime?

    private var reception: RTPReceiveStatistics?
    private var remoteSSRC: UInt32?
    private var packetsSent: UInt32 = 0
    private var octetsSent: UInt32 = 0
    private var sentSinceReport = false
    private var lastRTPTimestamp: UInt32 = 0
    private var lastSentTime: MediaTime?
    /// The middle 32 bits of the NTP time of the peer's last SR, and when it arrived (RFC 3550 6.4.1 LSR/DLSR).
    private var lastSenderReport: (compact: UInt32, arrival: MediaTime)?
    private var random: UInt64

    /// - Parameters:
    ///   - interval: the mean report interval; each is randomised over [0.5, 1.5] of it (RFC 3550 6.2).
    ///   - seed: for the randomisation (tests pass a fixed one).
    public init(
        ssrc: UInt32, cname: String, receiveClockRate: UInt32, sendClockRate: UInt32,
        interval: Duration = .seconds(5), seed: UInt64 = UInt64.random(in: 1...UInt64.max)
    ) {
        self.ssrc = ssrc
        self.cname = cname
        self.receiveClockRate = receiveClockRate
        self.sendClockRate = sendClockRate
        self.interval = interval
        self.random = seed
    }

    /// Starts the report timer.
    public mutating func start(now: MediaTime) {
        if nextReport == nil { nextReport = now + randomizedInterval() }
    }

    /// An RTP packet arrived from the peer.
    public mutating func received(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, now: MediaTime) {
        if ssrc != remoteSSRC {
            remoteSSRC = ssrc
            reception = RTPReceiveStatistics()
        }
        // Arrival in the RTP clock of the stream, for the jitter estimate (RFC 3550 A.8).
        let arrival = UInt32(truncatingIfNeeded: now.nanoseconds / 1000 * Int64(receiveClockRate) / 1_000_000)
        _ = reception?.record(sequenceNumber: sequence, rtpTimestamp: timestamp, arrival: arrival)
        if let reception {
            figures.lost = reception.cumulativeLost
            figures.jitterMilliseconds = Double(reception.jitter) * 1000 / Double(max(1, receiveClockRate))
        }
    }

    /// We sent an RTP packet with this timestamp and payload size.
    public mutating func sent(timestamp: UInt32, payloadOctets: Int, now: MediaTime) {
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: payloadOctets)
        lastRTPTimestamp = timestamp
        lastSentTime = now
        sentSinceReport = true
    }

    /// Reads a decrypted compound RTCP packet from the peer; malformed ones are ignored (counted by the caller).
    public mutating func receivedRTCP(_ bytes: UnsafeRawBufferPointer, now: MediaTime, wallClock: Duration) {
        // Read in place, without decoding into packet values: this runs for every RTCP packet of every call and
        // allocates nothing. Only SR and RR matter here; a compound packet whose headers or SR/RR lengths are
        // malformed is ignored whole (RFC 3550 appendix A.2).
        guard (try? Self.reportBlocks(in: bytes, { _, _, _ in })) != nil else { return }
        figures.reportsReceived += 1
        let arrival = NTPTimestamp(unixTime: wallClock)
        let ssrc = self.ssrc
        var figures = self.figures
        var senderReport: UInt32?
        let sendClockRate = self.sendClockRate
        try? Self.reportBlocks(in: bytes) { view, body, blocksOffset in
            if view.packetType == RTCPSenderReport.packetType {
                senderReport = NTPTimestamp(rawValue: body.uint64(at: 4)).compact
            }
            for index in 0..<Int(view.count) {
                let block = RTCPReportBlock(reading: body, at: blocksOffset + index * RTCPReportBlock.encodedLength)
                guard block.ssrc == ssrc else { continue }
                if let rtt = block.roundTripTime(arrival: arrival) { figures.roundTripTime = rtt }
                figures.remoteFractionLost = Double(block.fractionLost) / 256
                figures.remoteJitterMilliseconds = Double(block.jitter) * 1000 / Double(max(1, sendClockRate))
            }
        }
        self.figures = figures
        if let senderReport { lastSenderReport = (senderReport, now) }
    }

    /// Calls `body` for each SR and RR of a compound packet with its body and the offset of its report blocks,
    /// after checking that the blocks fit; throws on the first malformed packet.
    private static func reportBlocks(
        in bytes: UnsafeRawBufferPointer,
        _ body: (RTCPPacketView, UnsafeRawBufferPointer, Int) -> Void
    ) throws(MediaError) {
        guard !bytes.isEmpty else { throw MediaError(.truncated, "empty RTCP packet") }
        var reader = RTCPCompoundReader(bytes)
        while let view = try reader.next() {
            let blocksOffset: Int
            switch view.packetType {
            case RTCPSenderReport.packetType: blocksOffset = 24
            case RTCPReceiverReport.packetType: blocksOffset = 4
            default: continue
            }
            let packetBody = view.body
            guard packetBody.count >= blocksOffset + Int(view.count) * RTCPReportBlock.encodedLength else {
                throw MediaError(.truncated, "SR or RR with more report blocks than bytes")
            }
            body(view, packetBody, blocksOffset)
        }
    }

    /// When the report is due: the compound packet to send (SR if we sent since the last report, else RR,
    /// then SDES CNAME, RFC 3550 section 6.1), or nil before the deadline.
    public mutating func pollReport(now: MediaTime, wallClock: Duration) -> [UInt8]? {
        guard let due = nextReport, now >= due else { return nil }
        nextReport = now + randomizedInterval()
        var blocks: [RTCPReportBlock] = []
        if let remoteSSRC, var reception {
            var lsr: UInt32 = 0
            var dlsr: UInt32 = 0
            if let last = lastSenderReport {
                lsr = last.compact
                dlsr = NTPTimestamp.compactUnits(of: now - last.arrival)
            }
            if let block = reception.makeReportBlock(
                ssrc: remoteSSRC, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
            {
                blocks.append(block)
            }
            self.reception = reception
        }
        let report: RTCPPacket
        if sentSinceReport, let lastSentTime {
            // The RTP timestamp that corresponds to the NTP time of the report (RFC 3550 6.4.1).
            let elapsed = now - lastSentTime
            let ticks = UInt32(truncatingIfNeeded: elapsed.mediaNanoseconds / 1000 * Int64(sendClockRate) / 1_000_000)
            report = .senderReport(
                RTCPSenderReport(
                    ssrc: ssrc, ntpTimestamp: NTPTimestamp(unixTime: wallClock),
                    rtpTimestamp: lastRTPTimestamp &+ ticks,
                    packetCount: packetsSent, octetCount: octetsSent, reports: blocks))
        } else {
            report = .receiverReport(RTCPReceiverReport(ssrc: ssrc, reports: blocks))
        }
        sentSinceReport = false
        figures.reportsSent += 1
        return try? RTCPPacket.encodeCompound([report, .sourceDescription(.cname(cname, ssrc: ssrc))])
    }

    /// A BYE for our SSRC, to send when the leg ends (RFC 3550 section 6.6).
    public func bye() -> [UInt8]? {
        let report = RTCPPacket.receiverReport(RTCPReceiverReport(ssrc: ssrc))
        return try? RTCPPacket.encodeCompound([report, .bye(RTCPBye(sources: [ssrc]))])
    }

    private mutating func randomizedInterval() -> Duration {
        // xorshift64: cheap, and deterministic under a test seed.
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        let factor = 0.5 + Double(random % 1000) / 1000
        return .nanoseconds(Int64(Double(interval.mediaNanoseconds) * factor))
    }
}
