/// An adaptive jitter buffer for one RTP audio stream, sans-IO: packets go in with their arrival time, and
/// the reader asks, for an instant, what plays then: a packet, a loss to conceal, or nothing yet.
///
/// Playout follows a timeline anchored on the sender's timestamps: the packet with timestamp `t` plays at
/// `anchorTime + (t - anchorTimestamp) / clockRate`. The anchor is set when the stream starts (the first
/// packet's arrival plus the target delay) and again whenever it restarts after running dry (a new talk
/// spurt after DTX or silence suppression, a hold, a late packet), so a contiguous packet after a gap is
/// never "late" and silence is never counted as loss.
///
/// The target delay is `jitterMultiplier` times the interarrival jitter of RFC 3550 appendix A.8, within the
/// configured bounds. The delay actually kept (the mean time packets wait, measured per packet) follows it
/// one packet duration at a time: up by pausing playout for one packet's time, down by skipping a packet.
///
/// Packets wait in a fixed ring of `slotCount` slots with inline payload storage, indexed by extended
/// sequence number (so wrap-around at 65535 is seamless); it is allocated once and the per-packet path
/// allocates nothing. Reordered packets are put back in order, duplicates and packets after their playout
/// time are dropped and counted, and a jump in sequence number (confirmed by the next packet) or in timestamp
/// restarts the buffer.
public struct JitterBuffer {
    public let configuration: Configuration
    public private(set) var statistics = Statistics()

    private struct Slot {
        /// Extended sequence number, or -1 when empty.
        var sequence: Int64 = -1
        var timestamp: UInt32 = 0
        var duration: UInt32 = 0
        var length = 0
        var marker = false
        var arrival: Int64 = 0
    }

    /// `slotCount` ring slots, then one slot for the packet that may start a new sequence.
    private var slots: [Slot]
    private var payloads: [UInt8]
    private let pendingSlot: Int

    /// RFC 3550 appendix A.1 MAX_MISORDER: a packet further behind than this is a restart, not a late one.
    private static let maximumMisorder: Int64 = 100
    /// Extended sequence numbers start here so that reordering before the first packet stays positive.
    private static let sequenceBase: Int64 = 1 << 32

    // Timeline.
    private var started = false
    private var hasPlayed = false
    private var underrun = false
    private var highestSequence: Int64 = 0
    private var nextSequence: Int64 = 0
    /// Where the audio of `nextSequence` begins.
    private var expectedTimestamp: UInt32 = 0
    private var anchorTime: Int64 = 0
    private var anchorTimestamp: UInt32 = 0
    private var pendingSequence: UInt16?
    private var framesSinceDecrease = 0

    // Estimates, in nanoseconds.
    private var jitterNanoseconds: Double = 0
    private var meanWaitNanoseconds: Double = 0
    private var targetNanoseconds: Int64
    private var previousArrival: Int64?
    private var previousTimestamp: UInt32 = 0

    /// Duration of the stream's packets in RTP ticks: the last one given or seen.
    public private(set) var frameDuration: UInt32

    public init(configuration: Configuration) {
        // Through the initializer again: it clamps values set on the properties afterwards.
        let configuration = Configuration(
            clockRate: configuration.clockRate, minimumDelay: configuration.minimumDelay,
            maximumDelay: configuration.maximumDelay, jitterMultiplier: configuration.jitterMultiplier,
            slotCount: configuration.slotCount, maximumPayloadSize: configuration.maximumPayloadSize,
            maximumTimestampJump: configuration.maximumTimestampJump,
            defaultFrameDuration: configuration.defaultFrameDuration)
        self.configuration = configuration
        slots = [Slot](repeating: Slot(), count: configuration.slotCount + 1)
        payloads = [UInt8](repeating: 0, count: (configuration.slotCount + 1) * configuration.maximumPayloadSize)
        pendingSlot = configuration.slotCount
        targetNanoseconds = configuration.minimumDelay.mediaNanoseconds
        frameDuration = max(
            1,
            UInt32(
                clamping: configuration.defaultFrameDuration.mediaNanoseconds * Int64(configuration.clockRate)
                    / 1_000_000_000))
    }

    // MARK: Figures

    /// The interarrival jitter (RFC 3550 appendix A.8), as a duration.
    public var jitter: Duration { .nanoseconds(Int64(jitterNanoseconds)) }
    /// The delay the buffer aims at: `jitterMultiplier` × jitter within the configured bounds.
    public var targetDelay: Duration { .nanoseconds(targetNanoseconds) }
    /// The delay kept now: the mean time packets wait between arrival and playout.
    public var currentDelay: Duration { .nanoseconds(Int64(meanWaitNanoseconds)) }
    /// Packets waiting (not counting one held for a resynchronisation).
    public var bufferedPackets: Int {
        var count = 0
        for index in 0..<pendingSlot where slots[index].sequence >= 0 { count += 1 }
        return count
    }

    // MARK: Input

    /// Stores one received packet.
    ///
    /// - Parameters:
    ///   - duration: RTP ticks the payload covers, when the caller knows it (from the codec); otherwise the
    ///     buffer takes it from the timestamps of consecutive packets.
    public mutating func insert(
        sequence: UInt16, timestamp: UInt32, payload: UnsafeRawBufferPointer, arrival: MediaTime,
        marker: Bool = false, duration: UInt32? = nil
    ) -> InsertResult {
        statistics.received += 1
        guard payload.count <= configuration.maximumPayloadSize else {
            statistics.tooLarge += 1
            return .tooLarge
        }
        let now = arrival.nanoseconds
        guard started else {
            start(sequence: sequence, timestamp: timestamp, arrival: now)
            store(
                at: nextSequence, timestamp: timestamp, payload: payload, arrival: now, marker: marker,
                duration: duration)
            return .stored
        }
        let extended = extend(sequence)
        if extended < nextSequence {
            let behind = nextSequence - extended
            if !hasPlayed && behind < Int64(configuration.slotCount)
                && highestSequence - extended < Int64(configuration.slotCount)
            {
                // Reordered before playout began: playout starts from this earlier packet instead.
                nextSequence = extended
                expectedTimestamp = timestamp
            } else if behind <= Self.maximumMisorder {
                statistics.late += 1
                measureJitter(timestamp: timestamp, arrival: now)
                // Late packets waited less than nothing: they pull the delay measure down, and so the delay up.
                meanWaitNanoseconds += (Double(dueTime(timestamp) - now) - meanWaitNanoseconds) / 16
                return .late
            } else {
                return jump(
                    sequence: sequence, timestamp: timestamp, payload: payload, arrival: now, marker: marker,
                    duration: duration)
            }
        } else if extended >= nextSequence + Int64(configuration.slotCount) {
            return jump(
                sequence: sequence, timestamp: timestamp, payload: payload, arrival: now, marker: marker,
                duration: duration)
        }
        if slots[slotIndex(extended)].sequence == extended {
            statistics.duplicates += 1
            return .duplicate
        }
        // A packet in the stream's window: any packet held for a sequence jump was a stray.
        pendingSequence = nil
        if underrun {
            restart(at: extended, timestamp: timestamp, arrival: now)
        } else if let predicted = predictedTimestamp(for: extended),
            abs(Int64(Int32(bitPattern: timestamp &- predicted))) > ticks(configuration.maximumTimestampJump)
        {
            // RFC 3550 section 5.1 timestamps advance with the sampling clock; a big jump while packets
            // still flow means the source restarted its clock.
            statistics.resyncs += 1
            start(sequence: sequence, timestamp: timestamp, arrival: now)
            store(
                at: nextSequence, timestamp: timestamp, payload: payload, arrival: now, marker: marker,
                duration: duration)
            return .resynced
        }
        measureJitter(timestamp: timestamp, arrival: now)
        store(
            at: extended, timestamp: timestamp, payload: payload, arrival: now, marker: marker, duration: duration)
        return .stored
    }

    // MARK: Output

    /// What plays at `now`: the next packet once it is due (its payload copied into `buffer`, which must hold
    /// `configuration.maximumPayloadSize` octets), a loss to conceal, or `.notYet`.
    ///
    /// Call it whenever the reader needs the audio that starts at `now`; each `.frame` and `.lost` covers its
    /// `duration`, after which the reader asks again for the instant that follows.
    public mutating func pop(now: MediaTime, into buffer: UnsafeMutableRawBufferPointer) -> Output {
        guard started else { return .notYet }
        let now = now.nanoseconds
        while true {
            let index = slotIndex(nextSequence)
            guard slots[index].sequence == nextSequence else { return missing(now: now) }
            let slot = slots[index]
            let frameNanoseconds = nanoseconds(ticks: Int64(slot.duration))
            if hasPlayed && meanWaitNanoseconds < Double(targetNanoseconds - frameNanoseconds / 2) {
                // Jitter rose: hold playout back by one packet so later packets arrive in time.
                anchorTime += frameNanoseconds
                meanWaitNanoseconds += Double(frameNanoseconds)
                statistics.delayIncreases += 1
            }
            let due = dueTime(slot.timestamp)
            if due > now { return .notYet }
            framesSinceDecrease += 1
            if highestSequence > nextSequence && slots[slotIndex(nextSequence + 1)].sequence == nextSequence + 1 {
                // Jitter fell (delay well above target; at most every 10 packets, each skip is audible) or the
                // reader fell more than three packets behind: skip this packet, the next one takes its place.
                let tooMuchDelay =
                    meanWaitNanoseconds > Double(targetNanoseconds + frameNanoseconds) && framesSinceDecrease > 10
                if tooMuchDelay || now - due > 3 * frameNanoseconds {
                    if tooMuchDelay {
                        anchorTime -= frameNanoseconds
                        meanWaitNanoseconds -= Double(frameNanoseconds)
                        framesSinceDecrease = 0
                    }
                    statistics.discarded += 1
                    consume(index)
                    continue
                }
            }
            let frame = Frame(
                sequence: UInt16(truncatingIfNeeded: slot.sequence), timestamp: slot.timestamp,
                duration: slot.duration, length: slot.length, marker: slot.marker)
            copyPayload(of: index, length: slot.length, into: buffer)
            consume(index)
            hasPlayed = true
            statistics.played += 1
            return .frame(frame)
        }
    }

    /// The packet that plays next, if it is here, without taking it: after `.lost`, the packet that follows
    /// the lost one, whose Opus FEC data can rebuild it.
    public func peekNext(into buffer: UnsafeMutableRawBufferPointer) -> Frame? {
        guard started else { return nil }
        let index = slotIndex(nextSequence)
        let slot = slots[index]
        guard slot.sequence == nextSequence else { return nil }
        copyPayload(of: index, length: slot.length, into: buffer)
        return Frame(
            sequence: UInt16(truncatingIfNeeded: slot.sequence), timestamp: slot.timestamp, duration: slot.duration,
            length: slot.length, marker: slot.marker)
    }

    /// Drops every packet and the timeline (a new source the caller knows of, such as an SSRC change); the
    /// next packet starts the stream again. Statistics and the jitter estimate stay.
    public mutating func reset() {
        for index in slots.indices { slots[index].sequence = -1 }
        started = false
        hasPlayed = false
        underrun = false
        pendingSequence = nil
        previousArrival = nil
    }

    // MARK: Timeline

    private mutating func start(sequence: UInt16, timestamp: UInt32, arrival: Int64) {
        for index in slots.indices { slots[index].sequence = -1 }
        started = true
        hasPlayed = false
        underrun = false
        pendingSequence = nil
        highestSequence = Self.sequenceBase + Int64(sequence)
        nextSequence = highestSequence
        expectedTimestamp = timestamp
        previousArrival = nil
        anchor(timestamp: timestamp, arrival: arrival)
    }

    /// The stream resumes after running dry: packets before `sequence` are given up, and the timeline is
    /// anchored afresh so this packet waits the target delay, whatever its timestamp.
    private mutating func restart(at sequence: Int64, timestamp: UInt32, arrival: Int64) {
        statistics.lost += Int(sequence - nextSequence)
        nextSequence = sequence
        expectedTimestamp = timestamp
        underrun = false
        anchor(timestamp: timestamp, arrival: arrival)
    }

    private mutating func anchor(timestamp: UInt32, arrival: Int64) {
        anchorTimestamp = timestamp
        anchorTime = arrival + targetNanoseconds
        meanWaitNanoseconds = Double(targetNanoseconds)
    }

    /// A packet far from the stream's sequence numbers: held until its successor confirms a new sequence.
    private mutating func jump(
        sequence: UInt16, timestamp: UInt32, payload: UnsafeRawBufferPointer, arrival: Int64, marker: Bool,
        duration: UInt32?
    ) -> InsertResult {
        guard let pending = pendingSequence, sequence == pending &+ 1 else {
            pendingSequence = sequence
            var slot = Slot()
            slot.sequence = Int64(sequence)
            slot.timestamp = timestamp
            // 0: not given, taken from the timestamps once the next packet confirms the jump.
            slot.duration = duration ?? 0
            slot.length = payload.count
            slot.marker = marker
            slot.arrival = arrival
            slots[pendingSlot] = slot
            writePayload(payload, to: pendingSlot)
            return .resyncPending
        }
        let held = slots[pendingSlot]
        statistics.resyncs += 1
        start(sequence: pending, timestamp: held.timestamp, arrival: held.arrival)
        let first = slotIndex(nextSequence)
        payloads.withUnsafeMutableBytes { raw in
            let size = configuration.maximumPayloadSize
            guard let base = raw.baseAddress else { return }
            (base + first * size).copyMemory(from: base + pendingSlot * size, byteCount: held.length)
        }
        var slot = held
        slot.sequence = nextSequence
        if held.duration > 0 { frameDuration = held.duration }
        slot.duration = frameDuration
        slots[first] = slot
        previousArrival = held.arrival
        previousTimestamp = held.timestamp
        measureJitter(timestamp: timestamp, arrival: arrival)
        store(
            at: nextSequence + 1, timestamp: timestamp, payload: payload, arrival: arrival, marker: marker,
            duration: duration)
        if held.duration == 0 { slots[first].duration = frameDuration }
        return .resynced
    }

    private mutating func missing(now: Int64) -> Output {
        if dueTime(expectedTimestamp) > now { return .notYet }
        guard highestSequence > nextSequence else {
            // Nothing here at all: DTX, silence suppression, hold or a late packet. Not a loss until a later
            // packet proves one; the next packet restarts the timeline.
            if !underrun && hasPlayed { statistics.underruns += 1 }
            underrun = hasPlayed
            return .notYet
        }
        var duration = frameDuration
        var later = nextSequence + 1
        while later <= highestSequence && slots[slotIndex(later)].sequence != later { later += 1 }
        if later <= highestSequence {
            // Spread the timestamp gap up to the next packet over the packets missing before it.
            let gap = Int64(Int32(bitPattern: slots[slotIndex(later)].timestamp &- expectedTimestamp))
            let each = gap / (later - nextSequence)
            if each > 0 && each <= ticks(.milliseconds(120)) { duration = UInt32(each) }
        }
        let lost = Lost(
            sequence: UInt16(truncatingIfNeeded: nextSequence), timestamp: expectedTimestamp, duration: duration)
        statistics.lost += 1
        nextSequence += 1
        expectedTimestamp &+= duration
        return .lost(lost)
    }

    private func predictedTimestamp(for sequence: Int64) -> UInt32? {
        if sequence == nextSequence && hasPlayed { return expectedTimestamp }
        let previous = slots[slotIndex(sequence - 1)]
        guard previous.sequence == sequence - 1 else { return nil }
        return previous.timestamp &+ previous.duration
    }

    // MARK: Estimates

    /// RFC 3550 appendix A.8: J += (|D| - J) / 16, with D the change in transit time between consecutive
    /// arrivals. The target delay follows it.
    private mutating func measureJitter(timestamp: UInt32, arrival: Int64) {
        if let previousArrival {
            let sent = nanoseconds(ticks: Int64(Int32(bitPattern: timestamp &- previousTimestamp)))
            let difference = Double(abs((arrival - previousArrival) - sent))
            jitterNanoseconds += (difference - jitterNanoseconds) / 16
            let target = configuration.jitterMultiplier * jitterNanoseconds
            let bounds = (
                Double(configuration.minimumDelay.mediaNanoseconds), Double(configuration.maximumDelay.mediaNanoseconds)
            )
            targetNanoseconds = Int64(min(max(target, bounds.0), bounds.1))
        }
        previousArrival = arrival
        previousTimestamp = timestamp
    }

    // MARK: Slots

    private mutating func store(
        at sequence: Int64, timestamp: UInt32, payload: UnsafeRawBufferPointer, arrival: Int64, marker: Bool,
        duration: UInt32?
    ) {
        let index = slotIndex(sequence)
        if let duration, duration > 0 {
            frameDuration = duration
        } else {
            let previous = slots[slotIndex(sequence - 1)]
            if previous.sequence == sequence - 1 {
                let step = Int64(Int32(bitPattern: timestamp &- previous.timestamp))
                if step > 0 && step <= ticks(.milliseconds(120)) { frameDuration = UInt32(step) }
            }
        }
        slots[index] = Slot(
            sequence: sequence, timestamp: timestamp, duration: frameDuration, length: payload.count, marker: marker,
            arrival: arrival)
        writePayload(payload, to: index)
        highestSequence = max(highestSequence, sequence)
        let wait = Double(dueTime(timestamp) - arrival)
        meanWaitNanoseconds += (wait - meanWaitNanoseconds) / 16
    }

    private mutating func writePayload(_ payload: UnsafeRawBufferPointer, to index: Int) {
        guard !payload.isEmpty else { return }
        let size = configuration.maximumPayloadSize
        payloads.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[(index * size)..<(index * size + payload.count)])
                .copyMemory(from: payload)
        }
    }

    private func copyPayload(of index: Int, length: Int, into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= length, "pop buffer smaller than the payload")
        let size = configuration.maximumPayloadSize
        payloads.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(index * size)..<(index * size + length)]))
        }
    }

    private mutating func consume(_ index: Int) {
        expectedTimestamp = slots[index].timestamp &+ slots[index].duration
        slots[index].sequence = -1
        nextSequence += 1
        if abs(Int64(Int32(bitPattern: expectedTimestamp &- anchorTimestamp))) > 1 << 30 {
            // Keep timestamp differences far from the 32-bit wrap on long calls (12 hours at 48 kHz).
            anchorTime = dueTime(expectedTimestamp)
            anchorTimestamp = expectedTimestamp
        }
    }

    @inline(__always) private func slotIndex(_ sequence: Int64) -> Int {
        Int(sequence % Int64(configuration.slotCount))
    }

    /// The extended sequence number nearest the highest one seen (RFC 3550 appendix A.1 keeps a cycle count).
    @inline(__always) private func extend(_ sequence: UInt16) -> Int64 {
        highestSequence + Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highestSequence)))
    }

    @inline(__always) private func dueTime(_ timestamp: UInt32) -> Int64 {
        anchorTime + nanoseconds(ticks: Int64(Int32(bitPattern: timestamp &- anchorTimestamp)))
    }

    @inline(__always) private func nanoseconds(ticks: Int64) -> Int64 {
        ticks * 1_000_000_000 / Int64(configuration.clockRate)
    }

    @inline(__always) private func ticks(_ duration: Duration) -> Int64 {
        duration.mediaNanoseconds * Int64(configuration.clockRate) / 1_000_000_000
    }
}
