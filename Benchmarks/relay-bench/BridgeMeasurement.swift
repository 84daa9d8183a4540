import Foundation
import Media
import NIOCore
import NIOPosix
import RelayBaseline

/// One profile's measurement of the bridge: spawns the endpoint process, creates the bridge's calls on a
/// dedicated one-thread event loop, waits for keys and the warm-up, and reads that thread's CPU time and
/// allocations around the window.
enum BridgeMeasurement {
    /// Longest wait for the endpoint process's lines and for every call to be keyed.
    static let setupTimeout = 60.0

    static func run(profile: SRTPProfile, options: BenchOptions, certificate: DTLSCertificate) throws -> RelayFigures {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = options.endpointArguments(profile: profile)
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        var pipe = LinePipe(
            input: fromChild.fileHandleForReading.fileDescriptor, output: toChild.fileHandleForWriting.fileDescriptor)

        // The clients' and peers' facts, as their signalling would bring them.
        var clientFingerprint: DTLSFingerprint?
        var clients: [CallEndpoint] = []
        receiving: while true {
            guard let line = try pipe.receive(timeout: setupTimeout) else {
                throw BenchError("the endpoint process ended during set-up")
            }
            switch line {
            case .fingerprint(let value): clientFingerprint = value
            case .call(let call): clients.append(call)
            case .ready: break receiving
            default: throw BenchError("unexpected line from the endpoint process: \(line.text)")
            }
        }
        guard let clientFingerprint, clients.count == options.calls else {
            throw BenchError("the endpoint process listed \(clients.count) of \(options.calls) calls")
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let cpu = options.measuredCPU
        let threadID = try loop.submit { () -> Int32 in
            if cpu >= 0 { _ = relay_pin_thread(Int32(cpu)) }
            return relay_thread_id()
        }.wait()
        writeError("relay-bench: \(profile) bridge thread id \(threadID) (for perf record -t)")

        // The loop's one-off buffers (NIO allocates its datagram write buffers on a loop's first write) are not per
        // call: create them before the first reading.
        let warmUp = try DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).wait()
        try warmUp.writeAndFlush(AddressedEnvelope(remoteAddress: warmUp.localAddress!, data: ByteBuffer(bytes: [0])))
            .wait()
        try warmUp.close().wait()

        // Memory before the bridge's calls exist; the loop counts its allocations from here on.
        relay_release_free_memory()
        let residentBefore = relay_resident_bytes()
        let setupTraces = options.traceSetupAllocations
        let heapBefore = try loop.submit { () -> Int64 in
            relay_alloc_counting(1)
            if setupTraces > 0 { relay_alloc_trace(Int32(setupTraces), 1024) }
            return relay_alloc_read().net_bytes
        }.wait()
        let setupStart = monotonicSeconds()
        let bridge = try loop.submit {
            NIOLoopBound(BridgeSide(loop: loop, certificate: certificate, profile: profile), eventLoop: loop)
        }.wait()
        let offers = clients
        let answers = try loop.flatSubmit { bridge.value.open(clients: offers, fingerprint: clientFingerprint) }.wait()
        try pipe.send([.fingerprint(certificate.fingerprint)] + answers.map { .call($0) } + [.go])

        // Every call keyed.
        while true {
            let (secured, failure) = try loop.submit { (bridge.value.securedCount, bridge.value.failure) }.wait()
            if let failure { throw BenchError(failure) }
            if secured == options.calls { break }
            if monotonicSeconds() - setupStart > setupTimeout {
                throw BenchError("only \(secured) of \(options.calls) calls got SRTP keys in \(setupTimeout) s")
            }
            pause(seconds: 0.02)
        }
        let setupSeconds = monotonicSeconds() - setupStart
        // Then media flowing both ways on every call (a client may still wait for its ICE pair), then the warm-up.
        while true {
            let flowing = try loop.submit { bridge.value.flowingCount }.wait()
            if flowing == options.calls { break }
            if monotonicSeconds() - setupStart > setupTimeout {
                throw BenchError("only \(flowing) of \(options.calls) calls relayed both ways in \(setupTimeout) s")
            }
            pause(seconds: 0.05)
        }
        pause(seconds: options.warmup)
        let residentPeak = relay_resident_bytes()
        // Memory the handshakes used and freed goes back to the system, as it would between waves of calls.
        relay_release_free_memory()
        let residentAfter = relay_resident_bytes()
        let heapAfter = try loop.submit { () -> Int64 in
            relay_alloc_trace(0, 0)
            return relay_alloc_read().net_bytes
        }.wait()

        let traces = options.traceAllocations
        let begin = try loop.submit { () -> BridgeSide.Mark in
            let mark = bridge.value.beginWindow()
            if traces > 0 { relay_alloc_trace(Int32(traces), 0) }
            return mark
        }.wait()
        pause(seconds: options.seconds)
        let end = try loop.submit { () -> BridgeSide.Mark in
            let mark = bridge.value.endWindow()
            relay_alloc_trace(0, 0)
            return mark
        }.wait()
        let dropped = try loop.submit { bridge.value.droppedPackets() }.wait()

        // Memory of transcoding: every call switches, runs a second, and what it added is read the same way.
        var transcoding: (resident: Double?, heap: Double)?
        if options.transcodingMemory {
            let residentBeforeTranscoding = relay_resident_bytes()
            let heapBeforeTranscoding = try loop.submit { () -> Int64 in
                let heap = relay_alloc_read().net_bytes
                try bridge.value.startTranscoding()
                return heap
            }.wait()
            pause(seconds: 1)
            let heapTranscoding = try loop.submit { relay_alloc_read().net_bytes }.wait()
            relay_release_free_memory()
            let residentTranscoding = relay_resident_bytes()
            transcoding = (
                residentBeforeTranscoding >= 0 && residentTranscoding >= 0
                    ? Double(residentTranscoding - residentBeforeTranscoding) / Double(options.calls) : nil,
                Double(heapTranscoding - heapBeforeTranscoding) / Double(options.calls)
            )
        }

        try pipe.send(.stop)
        var totals: EndpointTotals?
        if case .done(let value) = try pipe.receive(timeout: setupTimeout) { totals = value }
        try loop.flatSubmit { bridge.value.close() }.wait()
        try loop.submit { relay_alloc_counting(0) }.wait()

        let calls = Double(options.calls)
        return RelayFigures(
            calls: options.calls, cpuSeconds: Double(end.cpuNanoseconds - begin.cpuNanoseconds) / 1e9,
            wallSeconds: end.wallSeconds - begin.wallSeconds, relayed: end.relayed - begin.relayed,
            allocations: end.allocations - begin.allocations, sleeps: Int(end.sleeps - begin.sleeps),
            residentBytesPerCall: residentBefore >= 0 && residentAfter >= 0
                ? Double(residentAfter - residentBefore) / calls : nil,
            residentPeakBytesPerCall: residentBefore >= 0 && residentPeak >= 0
                ? Double(residentPeak - residentBefore) / calls : nil,
            heapBytesPerCall: Double(heapAfter - heapBefore) / calls,
            transcodingResidentBytesPerCall: transcoding?.resident, transcodingHeapBytesPerCall: transcoding?.heap,
            setupSeconds: setupSeconds, dropped: dropped,
            endpointsSent: (totals?.clientsSent ?? 0) + (totals?.peersSent ?? 0),
            endpointsReceived: (totals?.clientsReceived ?? 0) + (totals?.peersReceived ?? 0),
            endpointsLoad: totals.map { Double($0.loadPerMille) / 1000 })
    }

    /// This executable, to start it again as the endpoint process.
    static func executablePath() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw BenchError("cannot read /proc/self/exe") }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
