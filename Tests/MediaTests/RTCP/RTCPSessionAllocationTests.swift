import CAllocationCounter
import Testing

@testable import Media

/// Reading the peer's reports allocates nothing: every call receives them every few seconds per leg.
@Suite(.enabled(if: jsb_allocation_counting_available() == 1, "needs glibc's allocator entry points"))
struct RTCPSessionAllocationTests {
    @Test func receivingReportsAllocatesNothing() throws {
        let start = MediaTime.milliseconds(1000)
        var (a, b) = RTCPSessionTests.startedPair(at: start)
        let wall = Duration.seconds(1_700_000_000)
        // B receives A's media, so B's report carries a block about A; A sent, so A's report is an SR.
        for index in 0..<100 {
            let now = start + .milliseconds(Int64(index) * 20)
            a.sent(timestamp: UInt32(index) * 160, payloadOctets: 160, now: now)
            b.received(ssrc: 0xA, sequence: UInt16(index), timestamp: UInt32(index) * 160, now: now)
        }
        let later = start + .seconds(10)
        let polledA = a.pollReport(now: later, wallClock: wall + (later - .zero))
        let polledB = b.pollReport(now: later, wallClock: wall + (later - .zero))
        let senderReport = try #require(polledA)
        let receiverReport = try #require(polledB)
        let arrival = later + .milliseconds(30)
        let arrivalWall = wall + (arrival - .zero)

        // The first call instantiates generic metadata in debug builds; count the next hundred.
        senderReport.withUnsafeBytes { b.receivedRTCP($0, now: arrival, wallClock: arrivalWall) }
        receiverReport.withUnsafeBytes { a.receivedRTCP($0, now: arrival, wallClock: arrivalWall) }
        let before = jsb_thread_allocations()
        for _ in 0..<100 {
            senderReport.withUnsafeBytes { b.receivedRTCP($0, now: arrival, wallClock: arrivalWall) }
            receiverReport.withUnsafeBytes { a.receivedRTCP($0, now: arrival, wallClock: arrivalWall) }
        }
        let count = jsb_thread_allocations() - before
        #expect(count == 0)
        #expect(a.figures.reportsReceived == 101 && b.figures.reportsReceived == 101)
        // B's block about A was read: A knows the loss (none) B saw.
        #expect(a.figures.remoteFractionLost == 0)

        // A truncated SR makes the whole compound packet count for nothing.
        let truncated = Array(senderReport.prefix(20))
        truncated.withUnsafeBytes { b.receivedRTCP($0, now: arrival, wallClock: arrivalWall) }
        #expect(b.figures.reportsReceived == 101)
    }
}
