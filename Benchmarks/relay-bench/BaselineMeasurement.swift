import Media
import RelayBaseline

/// Runs the C baseline (RelayBaseline.h) with the same calls, rates and window as the bridge.
enum BaselineMeasurement {
    static func run(profile: SRTPProfile, options: BenchOptions) throws -> RelayFigures {
        var config = relay_baseline_config()
        config.calls = Int32(options.calls)
        config.payload_length = Int32(EndpointSide.payload.count)
        config.packets_per_second = 50
        config.warmup_ms = Int32(options.warmup * 1000)
        config.window_ms = Int32(options.seconds * 1000)
        config.aead = profile.isAEAD ? 1 : 0
        config.relay_cpu = Int32(options.measuredCPU)
        config.endpoint_cpu = Int32(options.endpointCPU)
        var result = relay_baseline_result()
        guard relay_baseline_run(&config, &result) == 0 else {
            let reason = withUnsafeBytes(of: result.error) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw BenchError("C baseline failed: \(reason)")
        }
        guard result.auth_failures == 0 else {
            throw BenchError("C baseline: \(result.auth_failures) packets failed authentication")
        }
        return RelayFigures(
            calls: options.calls, cpuSeconds: Double(result.cpu_ns) / 1e9,

            wallSeconds: Double(result.wall_ns) / 1e9,
            relayed: Int(result.relayed), allocations: result.allocations, sleeps: Int(result.sleeps),
            residentBytesPerCall: result.rss_per_call >= 0 ? Double(result.rss_per_call) : nil,
            heapBytesPerCall: nil, setupSeconds: nil, dropped: Int(result.dropped),
            endpointsSent: Int(result.peers_sent), endpointsReceived: Int(result.peers_received))
    }
}
