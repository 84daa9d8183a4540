/// A fixed-capacity table of per-SSRC stream state, allocated once: lookups and inserts never allocate.
///
/// Tables are small (a call has a handful of SSRCs per direction), so a linear scan with a cache of the last
/// hit beats hashing.
struct SRTPStreamTable {
    /// The most streams the table holds.
    let capacity: Int
    private var streams: [SRTPStream]
    private var lastHit = 0
    private var useCounter: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "an SRTP stream table needs room for at least one SSRC")
        self.capacity = capacity
        streams = []
        streams.reserveCapacity(capacity)
    }

    /// How many streams are present.
    var count: Int { streams.count }

    /// The slot of `ssrc`, or nil; marks it used.
    @inline(__always)
    mutating func slot(of ssrc: UInt32) -> Int? {
        useCounter &+= 1
        if lastHit < streams.count, streams[lastHit].ssrc == ssrc {
            streams[lastHit].lastUse = useCounter
            return lastHit
        }
        for index in streams.indices where streams[index].ssrc == ssrc {
            lastHit = index
            streams[index].lastUse = useCounter
            return index
        }
        return nil
    }

    /// Adds a stream for an SSRC that is not present and returns its slot. When the table is full it replaces the
    /// least recently used stream if `evicting`, and otherwise throws `.srtpStreamLimit`.
    mutating func insert(_ stream: SRTPStream, evicting: Bool) throws(MediaError) -> Int {
        var stream = stream
        useCounter &+= 1
        stream.lastUse = useCounter
        if streams.count < capacity {
            streams.append(stream)  // Within the reserved capacity: no reallocation.
            lastHit = streams.count - 1
            return lastHit
        }
        guard evicting else {
            throw MediaError(.srtpStreamLimit, "all \(capacity) outbound SRTP stream slots are in use")
        }
        var oldest = 0
        for index in streams.indices where streams[index].lastUse < streams[oldest].lastUse { oldest = index }
        streams[oldest] = stream
        lastHit = oldest
        return oldest
    }

    /// The stream in `slot`, read or changed in place.
    subscript(slot: Int) -> SRTPStream {
        @inline(__always) get { streams[slot] }
        @inline(__always) set { streams[slot] = newValue }
    }

    /// Removes the stream of `ssrc`, if present.
    mutating func remove(ssrc: UInt32) {
        guard let index = streams.firstIndex(where: { $0.ssrc == ssrc }) else { return }
        streams.swapAt(index, streams.count - 1)
        streams.removeLast()
        lastHit = 0
    }
}
