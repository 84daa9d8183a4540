import Testing

@testable import Media

@Suite struct RTPPortAllocatorTests {
    @Test func parsesRanges() throws {
        let range = try RTPPortRange(parsing: "20000-29999")
        #expect(range.lower == 20_000 && range.upper == 29_999)
        #expect(range.pairCount == 5_000)
        #expect(range == .default)
        let odd = try RTPPortRange(parsing: " 20001 - 20004 ")
        #expect(odd.firstRTPPort == 20_002)
        #expect(odd.pairCount == 1)
        #expect(try RTPPortRange(parsing: "65534-65535").pairCount == 1)
        for bad in ["", "20000", "5-4", "0-10", "x-y", "20000-20000", "65535-65535", "70000-80000", "1-2-3", "-5"] {
            #expect(throws: MediaError(.invalidConfiguration, ""), "\(bad)") { try RTPPortRange(parsing: bad) }
        }
    }

    @Test func exhaustionIsAnErrorAndReleaseRecovers() throws {
        var allocator = RTPPortAllocator(range: try RTPPortRange(lower: 10_000, upper: 10_009))
        let pairs = try (0..<5).map { _ in try allocator.allocate() }
        #expect(pairs.map(\.rtpPort) == [10_000, 10_002, 10_004, 10_006, 10_008])
        #expect(pairs.map(\.rtcpPort) == [10_001, 10_003, 10_005, 10_007, 10_009])
        #expect(throws: MediaError(.portsExhausted, "")) { try allocator.allocate() }
        try allocator.release(pairs[2])
        #expect(try allocator.allocate() == pairs[2])
        #expect(allocator.availableCount == 0)
    }

    @Test func detectsBadReleases() throws {
        var allocator = RTPPortAllocator(range: try RTPPortRange(lower: 10_000, upper: 10_009))
        let pair = try allocator.allocate()
        try allocator.release(pair)
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(pair) }  // double release
        // Never allocated, odd, below and above the range.
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(.init(rtpPort: 10_002)) }
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(.init(rtpPort: 10_001)) }
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(.init(rtpPort: 9_998)) }
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(.init(rtpPort: 10_010)) }
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.markUnusable(pair) }
        #expect(allocator.availableCount == 5 && allocator.allocatedCount == 0)
    }

    @Test func unusablePortsAreSkippedUntilRestored() throws {
        var allocator = RTPPortAllocator(range: try RTPPortRange(lower: 10_000, upper: 10_005))
        // Binding the first pair fails: mark it and take the next.
        let first = try allocator.allocate()
        try allocator.markUnusable(first)
        let second = try allocator.allocate()
        let third = try allocator.allocate()
        #expect([second.rtpPort, third.rtpPort] == [10_002, 10_004])
        #expect(throws: MediaError(.portsExhausted, "")) { try allocator.allocate() }
        #expect(throws: MediaError(.portNotAllocated, "")) { try allocator.release(first) }
        #expect(allocator.unusableCount == 1)
        #expect(allocator.restoreUnusable() == 1)
        #expect(try allocator.allocate() == first)
        #expect(allocator.unusableCount == 0)
    }

    /// Released pairs wait behind every other free pair (FIFO), so a port is reused as late as possible.
    @Test func reusesPortsLast() throws {
        var allocator = RTPPortAllocator(range: try RTPPortRange(lower: 10_000, upper: 10_007))
        let a = try allocator.allocate()
        try allocator.release(a)
        #expect(try (0..<4).map { _ in try allocator.allocate().rtpPort } == [10_002, 10_004, 10_006, 10_000])
    }

    /// 100,000 random allocations and releases keep the books exact: no pair handed out twice, counts add up,
    /// and everything is free again at the end.
    @Test func allocateAndRelease100000Times() throws {
        var generator = SeededGenerator(seed: 100_000)
        let range = try RTPPortRange(lower: 20_000, upper: 20_199)
        var allocator = RTPPortAllocator(range: range, using: &generator)
        var held: [RTPPortAllocator.Allocation] = []
        var heldSet = Set<UInt16>()
        var exhaustions = 0
        for _ in 0..<100_000 {
            if !held.isEmpty && (held.count == range.pairCount || Bool.random(using: &generator)) {
                let pair = held.remove(at: Int.random(in: 0..<held.count, using: &generator))
                heldSet.remove(pair.rtpPort)
                try allocator.release(pair)
            } else {
                do {
                    let pair = try allocator.allocate()
                    #expect(heldSet.insert(pair.rtpPort).inserted, "pair \(pair) handed out twice")
                    #expect(range.lower...range.upper ~= pair.rtcpPort && pair.rtpPort % 2 == 0)
                    held.append(pair)
                } catch {
                    exhaustions += 1
                }
            }
            #expect(allocator.allocatedCount == held.count)
        }
        for pair in held { try allocator.release(pair) }
        #expect(allocator.availableCount == range.pairCount)
        #expect(allocator.allocatedCount == 0)
        #expect(exhaustions == 0)
        // Plain allocate/release 100,000 times on a one-pair range.
        var tiny = RTPPortAllocator(range: try RTPPortRange(lower: 30_000, upper: 30_001))
        for _ in 0..<100_000 {
            let pair = try tiny.allocate()
            try tiny.release(pair)
        }
        #expect(tiny.availableCount == 1)
    }
}
