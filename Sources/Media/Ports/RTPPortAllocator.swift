/// Bookkeeping of RTP/RTCP port pairs in an `RTPPortRange`: O(1) allocate and release, detection of
/// double or unknown releases, and ports marked unusable when binding them failed. Binding is the caller's
/// job; this type never touches sockets.
///
/// Released pairs go to the back of a FIFO queue, so a port is reused as late as possible and stray
/// packets of an ended call rarely reach the next one.
public struct RTPPortAllocator: Sendable {
    /// An allocated pair: RTP on an even port, RTCP on the next one (reserved even with rtcp-mux, so a
    /// re-negotiation without rtcp-mux can still bind it).
    public struct Allocation: Hashable, Sendable, CustomStringConvertible {
        /// The even RTP port.
        public let rtpPort: UInt16
        /// The RTCP port, `rtpPort + 1`.
        public var rtcpPort: UInt16 { rtpPort + 1 }

        public init(rtpPort: UInt16) { self.rtpPort = rtpPort }

        public var description: String { "\(rtpPort)/\(rtcpPort)" }
    }

    private enum SlotState: UInt8, Sendable {
        case free
        case allocated
        case unusable
    }

    /// The configured range.
    public let range: RTPPortRange
    private var states: [SlotState]
    /// Ring buffer of free slot indices.
    private var queue: [Int32]
    private var head = 0
    private var freeCount: Int
    /// Pairs currently allocated.
    public private(set) var allocatedCount = 0
    /// Pairs taken out of circulation by `markUnusable`.
    public private(set) var unusableCount = 0

    /// All pairs free, handed out in ascending order.
    public init(range: RTPPortRange) {
        self.range = range
        let count = range.pairCount
        states = [SlotState](repeating: .free, count: count)
        queue = (0..<count).map { Int32($0) }
        freeCount = count
    }

    /// All pairs free, handed out in an order shuffled by `generator` (harder to predict).
    public init(range: RTPPortRange, using generator: inout some RandomNumberGenerator) {
        self.init(range: range)
        queue.shuffle(using: &generator)
    }

    /// Pairs that can be allocated now.
    public var availableCount: Int { freeCount }

    /// Takes the next free pair; throws `.portsExhausted` when none is left (the call fails cleanly).
    public mutating func allocate() throws(MediaError) -> Allocation {
        guard freeCount > 0 else {
            throw MediaError(
                .portsExhausted,
                "no free RTP port pair in \(range) (\(allocatedCount) allocated, \(unusableCount) unusable)")
        }
        let slot = Int(queue[head])
        head = (head + 1) % queue.count
        freeCount -= 1
        states[slot] = .allocated
        allocatedCount += 1
        return Allocation(rtpPort: port(ofSlot: slot))
    }

    /// Returns a pair to the pool; throws `.portNotAllocated` if it is not currently allocated (double
    /// release, a port outside the range, or an odd port).
    public mutating func release(_ allocation: Allocation) throws(MediaError) {
        let slot = try allocatedSlot(allocation, action: "release")
        states[slot] = .free
        allocatedCount -= 1
        queue[(head + freeCount) % queue.count] = Int32(slot)
        freeCount += 1
    }

    /// Takes an allocated pair out of circulation because binding it failed (another process holds it);
    /// the caller then allocates again. `restoreUnusable()` gives such pairs another chance later.
    public mutating func markUnusable(_ allocation: Allocation) throws(MediaError) {
        let slot = try allocatedSlot(allocation, action: "mark unusable")
        states[slot] = .unusable
        allocatedCount -= 1
        unusableCount += 1
    }

    /// Returns every unusable pair to the free queue; returns how many. O(pairs), meant for a periodic retry.
    @discardableResult
    public mutating func restoreUnusable() -> Int {
        var restored = 0
        for slot in states.indices where states[slot] == .unusable {
            states[slot] = .free
            queue[(head + freeCount) % queue.count] = Int32(slot)
            freeCount += 1
            restored += 1
        }
        unusableCount -= restored
        return restored
    }

    /// Whether `allocation` is currently allocated.
    public func isAllocated(_ allocation: Allocation) -> Bool {
        slot(of: allocation.rtpPort).map { states[$0] == .allocated } ?? false
    }

    private func port(ofSlot slot: Int) -> UInt16 { range.firstRTPPort + UInt16(slot * 2) }

    private func slot(of port: UInt16) -> Int? {
        guard port >= range.firstRTPPort, port % 2 == 0 else { return nil }
        let slot = Int(port - range.firstRTPPort) / 2
        return slot < states.count ? slot : nil
    }

    private func allocatedSlot(_ allocation: Allocation, action: StaticString) throws(MediaError) -> Int {
        guard let slot = slot(of: allocation.rtpPort) else {
            throw MediaError(
                .portNotAllocated, "cannot \(action) port \(allocation.rtpPort): not an RTP port of \(range)")
        }
        guard states[slot] == .allocated else {
            throw MediaError(.portNotAllocated, "cannot \(action) port \(allocation.rtpPort): it is not allocated")
        }
        return slot
    }
}
