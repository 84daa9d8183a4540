/// What one measurement window of one relay (the bridge's or the C baseline) gave.
struct RelayFigures: Sendable {
    /// Packets per second each call carries through the relay: 50 per stream per direction, two directions.
    static let packetsPerSecondPerCall = 100.0

    var calls: Int
    /// CPU time of the relay thread in the window.
    var cpuSeconds: Double
    var wallSeconds: Double
    /// RTP packets relayed in the window, both directions.
    var relayed: Int
    /// Heap allocations on the relay thread in the window.
    var allocations: UInt64
    /// Times the relay thread slept (and so was woken) in the window.
    var sleeps: Int
    /// Resident memory growth per call from before the relay's calls existed to the end of the warm-up, after
    /// returning free heap pages to the system (what the calls hold, not the peak of setting them all up at once).
    var residentBytesPerCall: Double?
    /// The same before returning free pages: includes what the simultaneous DTLS handshakes used and freed.
    var residentPeakBytesPerCall: Double?
    /// Live heap allocated by the relay thread per call over the same span (bridge only).
    var heapBytesPerCall: Double?
    /// What switching every call from relay to transcoding (Opus <-> PCMU) added per call, resident and heap
    /// (bridge only, first profile).
    var transcodingResidentBytesPerCall: Double?
    var transcodingHeapBytesPerCall: Double?
    /// From creating the calls to every call having SRTP keys (bridge only).
    var setupSeconds: Double?
    /// Packets dropped by the relay in the window or, for the bridge, over its whole life.
    var dropped: Int
    /// Packets the endpoints sent and received over the whole run, to show nothing was lost on the way.
    var endpointsSent: Int
    var endpointsReceived: Int
    /// CPU load of the endpoints (bridge: the endpoint process, over its traffic time), share of one core.
    var endpointsLoad: Double?

    var microsecondsPerPacket: Double { cpuSeconds * 1e6 / Double(max(relayed, 1)) }
    /// How many calls one core could relay at this CPU cost per packet.
    var callsPerCore: Double { 1e6 / (microsecondsPerPacket * Self.packetsPerSecondPerCall) }
    /// Packets relayed per wake-up of the relay thread: the more, the more the wake-up cost is shared.
    var packetsPerWakeUp: Double { Double(relayed) / Double(max(sleeps, 1)) }
    var allocationsPerPacket: Double { Double(allocations) / Double(max(relayed, 1)) }
    /// Relayed packets against what the endpoints offered in the window.
    var relayedShare: Double { Double(relayed) / (Double(calls) * Self.packetsPerSecondPerCall * wallSeconds) }
    /// Share of one core the relay thread used.
    var load: Double { cpuSeconds / wallSeconds }
}
