import Media
import RelayBaseline

#if canImport(Glibc)
    import Glibc
#endif

/// Runs every measurement in turn and prints the table.
struct RelayBenchmark {
    var options: BenchOptions

    init(options: BenchOptions) {
        self.options = options
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        if options.pin && cpus >= 2 {
            self.options.measuredCPU = cpus - 1
            self.options.endpointCPU = 0
        }
    }

    func run() throws {
        guard relay_alloc_counter_works() != 0 else {
            throw BenchError("the malloc counter is not the process's malloc (was the executable linked statically?)")
        }
        let limit = relay_raise_descriptor_limit()
        // Two sockets per call on the bridge, plus the loop's own descriptors and the baseline's four per call.
        guard limit < 0 || limit >= 4 * options.calls + 64 else {
            throw BenchError(
                "--calls \(options.calls) needs \(4 * options.calls + 64) open files; the limit is \(limit)")
        }
        let certificate = try DTLSCertificate.generate(validFrom: Int64(time(nil)))
        let started = monotonicSeconds()
        print(
            "relay-bench: \(options.calls) calls, G.711 160-octet payload, 50 packets/s per stream per direction "
                + "(100 relayed packets/s per call), \(format(options.warmup, 1)) s warm-up, "
                + "\(format(options.seconds, 1)) s window; \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs")
        if options.measuredCPU >= 0 {
            print("measured relay thread pinned to CPU \(options.measuredCPU), endpoints to CPU \(options.endpointCPU)")
        }
        print("\(EVPSRTPContext.libraryVersion)")
        if options.traceAllocations > 0 {
            print("(allocation traces on: the first window's CPU figures include writing them)")
        }
        var rows: [(SRTPProfile, RelayFigures, RelayFigures?)] = []
        for (index, profile) in options.profiles.enumerated() {
            var measured = options
            if index > 0 {
                measured.traceAllocations = 0
                measured.traceSetupAllocations = 0
                measured.transcodingMemory = false
            }
            let ours = try BridgeMeasurement.run(profile: profile, options: measured, certificate: certificate)
            let baseline = options.baseline ? try BaselineMeasurement.run(profile: profile, options: options) : nil
            rows.append((profile, ours, baseline))
            // Each table as soon as it is known, so a later failure keeps it.
            printTable(profile: profile, ours: ours, baseline: baseline)
        }
        if rows.count > 1 {
            print("")
            print("summary (us/packet, calls/core)")
            for (profile, ours, baseline) in rows {
                var line = pad("  \(profile.sdesName)", 28)
                line += "ours \(format(ours.microsecondsPerPacket, 2)) us, \(format(ours.callsPerCore, 0))"
                if let baseline {
                    line += "; C \(format(baseline.microsecondsPerPacket, 2)) us, \(format(baseline.callsPerCore, 0))"
                    line += "; ratio \(format(ours.microsecondsPerPacket / baseline.microsecondsPerPacket, 2))x"
                }
                print(line)
            }
        }
        print("total run time \(format(monotonicSeconds() - started, 1)) s")
    }

    private func printTable(profile: SRTPProfile, ours: RelayFigures, baseline: RelayFigures?) {
        print("")
        print("\(profile.sdesName) <-> plain RTP")
        print(
            pad("", 22) + pad("us/packet", 11) + pad("calls/core", 12) + pad("allocs/packet", 15)
                + pad("KiB/call (RSS)", 16) + pad("relayed in window", 26) + pad("thread load", 13) + "packets/wake-up")
        var named: [(String, RelayFigures)] = [("ours (CallMedia)", ours)]
        if let baseline { named.append(("C baseline", baseline)) }
        for (name, figures) in named {
            print(
                pad("  " + name, 22) + pad(format(figures.microsecondsPerPacket, 2), 11)
                    + pad(format(figures.callsPerCore, 0), 12)
                    + pad(format(figures.allocationsPerPacket, 2), 15)
                    + pad(figures.residentBytesPerCall.map { format($0 / 1024, 1) } ?? "-", 16)
                    + pad("\(figures.relayed) (\(format(figures.relayedShare * 100, 1)) %)", 26)
                    + pad("\(format(figures.load * 100, 1)) %", 13) + format(figures.packetsPerWakeUp, 1))
        }
        if let baseline {
            print(
                pad("  ratio ours/C", 22)
                    + pad(format(ours.microsecondsPerPacket / baseline.microsecondsPerPacket, 2) + "x", 11)
                    + pad(format(ours.callsPerCore / baseline.callsPerCore, 2) + "x", 12))
        }
        var notes = "  ours: set-up (bind, ICE, DTLS) \(format(ours.setupSeconds ?? 0, 2)) s"
        if let heap = ours.heapBytesPerCall { notes += "; bridge-thread heap \(format(heap / 1024, 1)) KiB/call" }
        if let peak = ours.residentPeakBytesPerCall { notes += "; RSS before trim \(format(peak / 1024, 1)) KiB/call" }
        notes += "; dropped \(ours.dropped); endpoints sent \(ours.endpointsSent), received \(ours.endpointsReceived)"
        if let load = ours.endpointsLoad { notes += ", their process's load \(format(load * 100, 0)) %" }
        print(notes)
        if let heap = ours.transcodingHeapBytesPerCall {
            let resident = ours.transcodingResidentBytesPerCall.map { format($0 / 1024, 1) } ?? "-"
            var line = "  ours transcoding (Opus <-> PCMU): adds \(resident) KiB/call (RSS), "
            line += "heap \(format(heap / 1024, 1)) KiB/call"
            if let relay = ours.residentBytesPerCall, let added = ours.transcodingResidentBytesPerCall {
                line += "; a transcoded call \(format((relay + added) / 1024, 1)) KiB"
            }
            print(line)
        }
        if let baseline {
            print(
                "  C: dropped \(baseline.dropped); endpoints sent \(baseline.endpointsSent), "
                    + "received \(baseline.endpointsReceived)")
        }
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// Fixed-point text without Foundation's formatter.
func format(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
    if decimals > 0 {
        let fraction = Int(scaled - Double(whole) * scale)
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return text
}
