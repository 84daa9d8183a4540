import Testing

@testable import Media

@Suite("RTCP session")
struct RTCPSessionTests {
    /// Two started sessions on G.711's clock: A with SSRC 0xA, B with 0xB.
    static func startedPair(at now: MediaTime) -> (RTCPSession, RTCPSession) {
        var a = RTCPSession(ssrc: 0xA, cname: "a", receiveClockRate: 8000, sendClockRate: 8000, seed: 1)
        var b = RTCPSession(ssrc: 0xB, cname: "b", receiveClockRate: 8000, sendClockRate: 8000, seed: 2)
        a.start(now: now)
        b.start(now: now)
        return (a, b)
    }

    @Test("two legs exchange SR/RR: loss, jitter and RTT come out of real counters")
    func exchange() throws {
        var now = MediaTime.milliseconds(1000)
        var (a, b) = Self.startedPair(at: now)
        let wallOffset = Duration.seconds(1_700_000_000)
        // A sends 20 ms packets for 30 s; every 10th is lost on the way; the one-way delay is 25 ms.
        var sequence: UInt16 = 65000
        var timestamp: UInt32 = 0
        var reportsToB: [[UInt8]] = []
        var reportsToA: [[UInt8]] = []
        for index in 0..<1500 {
            now = MediaTime.milliseconds(1000 + Int64(index) * 20)
            a.sent(timestamp: timestamp, payloadOctets: 160, now: now)
            if index % 10 != 3 {
                b.received(ssrc: 0xA, sequence: sequence, timestamp: timestamp, now: now + .milliseconds(25))
            }
            sequence &+= 1
            timestamp &+= 160
            if let report = a.pollReport(now: now, wallClock: wallOffset + (now - .zero)) { reportsToB.append(report) }
            if let report = b.pollReport(now: now, wallClock: wallOffset + (now - .zero)) { reportsToA.append(report) }
            for report in reportsToB {
                report.withUnsafeBytes {
                    b.receivedRTCP(
                        $0, now: now + .milliseconds(25), wallClock: wallOffset + (now + .milliseconds(25) - .zero))
                }
            }
            reportsToB.removeAll()
            for report in reportsToA {
                report.withUnsafeBytes {
                    a.receivedRTCP(
                        $0, now: now + .milliseconds(25), wallClock: wallOffset + (now + .milliseconds(25) - .zero))
                }
            }
            reportsToA.removeAll()
        }
        #expect(a.figures.reportsSent >= 1 && b.figures.reportsSent >= 1)
        #expect(b.figures.lost == 150)
        let fraction = try #require(a.figures.remoteFractionLost)
        #expect(abs(fraction - 0.1) < 0.02)
        let rtt = try #require(a.figures.roundTripTime)
        // 25 ms each way; the compact NTP format has 1/65536 s resolution.
        #expect(abs(Double(rtt.components.attoseconds) / 1e18 + Double(rtt.components.seconds) - 0.050) < 0.002)
        #expect(b.figures.jitterMilliseconds < 1)
        let bye = try #require(a.bye())
        let packets = try RTCPPacket.decodeCompound(bye)
        #expect(packets.contains(.bye(RTCPBye(sources: [0xA]))))
    }
}
