import Media
import NIOCore
import NIOPosix
import RelayBaseline

#if canImport(Glibc)
    import Glibc
#endif

/// The child process (`relay-bench --endpoint-process`): plays every call's client and SIP peer for one profile,
/// so that the parent's memory and threads hold only the bridge side. Talks `SignalingLine`s on its standard
/// input and output; ends at `stop` or when its input closes (the parent is gone).
enum EndpointProcess {
    static func run(_ options: BenchOptions) -> Int32 {
        do {
            try runThrowing(options)
            return 0
        } catch {
            writeError("relay-bench endpoint process: \(error)")
            return 1
        }
    }

    private static func runThrowing(_ options: BenchOptions) throws {
        _ = relay_raise_descriptor_limit()
        let profile = options.profiles[0]
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let cpu = options.endpointCPU
        if cpu >= 0 { try loop.submit { _ = relay_pin_thread(Int32(cpu)) }.wait() }
        let certificate = try DTLSCertificate.generate(validFrom: Int64(time(nil)))
        let side = try loop.submit {
            NIOLoopBound(EndpointSide(loop: loop, certificate: certificate, profile: profile), eventLoop: loop)
        }.wait()
        let endpoints = try loop.flatSubmit { side.value.open(calls: options.calls) }.wait()
        var pipe = LinePipe(input: 0, output: 1)
        try pipe.send([.fingerprint(certificate.fingerprint)] + endpoints.map { .call($0) } + [.ready])

        var fingerprint: DTLSFingerprint?
        var bridge: [CallEndpoint] = []
        var started = false
        receiving: while let line = try pipe.receive(timeout: nil) {
            switch line {
            case .fingerprint(let value): fingerprint = value
            case .call(let call): bridge.append(call)
            case .go:
                started = true
                break receiving
            default: throw BenchError("unexpected line '\(line.text)'")
            }
        }
        guard started, let fingerprint else {
            try loop.flatSubmit { side.value.close() }.wait()
            return
        }
        let answers = bridge
        let startCPU = processCPUSeconds()
        let startWall = monotonicSeconds()
        try loop.submit {
            side.value.connect(answers, fingerprint: fingerprint)
            side.value.startTraffic()
        }.wait()
        let line = try pipe.receive(timeout: nil)
        var totals = try loop.submit { side.value.stopTraffic() }.wait()
        totals.loadPerMille = Int((processCPUSeconds() - startCPU) / max(monotonicSeconds() - startWall, 1e-3) * 1000)
        if line == .stop { try pipe.send(.done(totals)) }
        try loop.flatSubmit { side.value.close() }.wait()
    }
}

/// CPU time of the whole process, seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// One line to standard error.
func writeError(_ message: String) {
    var bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress!, $0.count) }
}
