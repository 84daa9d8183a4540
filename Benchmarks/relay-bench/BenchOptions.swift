import Media

/// The command line of relay-bench.
struct BenchOptions: Sendable {
    /// Concurrent calls per measurement.
    var calls = 300
    /// Length of each measurement window, seconds.
    var seconds = 5.0
    /// Traffic before each window, seconds (lets every call reach steady state).
    var warmup = 1.0
    /// SRTP profiles measured, in order.
    var profiles: [SRTPProfile] = [.aes128CMHMACSHA1_80, .aeadAES128GCM]
    /// Whether to run the C baseline after each profile.
    var baseline = true
    /// Backtraces of this many allocations on the bridge thread, written to standard error during the first
    /// window (to find where the per-packet allocations come from).
    var traceAllocations = 0
    /// Backtraces of this many allocations of 1 KiB or more on the bridge thread while the first profile's calls
    /// are created and keyed (to find what the memory per call is made of).
    var traceSetupAllocations = 0
    /// Whether to measure what transcoding adds to a call's memory, after the first profile's window.
    var transcodingMemory = true
    /// Whether to pin the measured thread and the endpoints' thread to two different CPUs.
    var pin = false
    /// The CPU of the measured thread and of the endpoints' event loop thread; -1 unpinned.
    var measuredCPU = -1
    var endpointCPU = -1
    /// Set in the child process that plays the WebRTC clients and the SIP peers.
    var endpointProcess = false

    static let usage = """
        usage: relay-bench [--calls N] [--seconds S] [--warmup S] [--profiles cm,gcm] [--no-baseline]
                           [--no-transcoding-memory]
                           [--pin] [--trace-allocations N] [--trace-setup-allocations N]
          --calls N              concurrent relayed calls (default 300)
          --seconds S            length of each measurement window (default 5)
          --warmup S             traffic before each window (default 1)
          --profiles LIST        cm (AES_CM_128_HMAC_SHA1_80), gcm (AEAD_AES_128_GCM), or both (default cm,gcm)
          --no-baseline          skip the C baseline
          --no-transcoding-memory
                                 skip switching the first profile's calls to transcoding to measure its memory
          --pin                  pin the measured relay thread to the last CPU and the endpoints to CPU 0
                                 (default: the scheduler places them; on 2 CPUs pinning costs cross-CPU wake-ups)
          --trace-allocations N  print backtraces of N allocations on the bridge thread (first window)
          --trace-setup-allocations N
                                 the same for allocations of 1 KiB or more while the first calls are set up
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the arguments after the program name.
    init(arguments: some Sequence<String>) throws(UsageError) {
        var iterator = arguments.makeIterator()
        func value(_ name: String) throws(UsageError) -> String {
            guard let value = iterator.next() else { throw UsageError(description: "\(name) needs a value") }
            return value
        }
        func number(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Double {
            let text = try value(name)
            guard let number = Double(text), range.contains(number) else {
                throw UsageError(description: "\(name) takes a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--calls": calls = Int(try number(argument, in: 1...5000))
            case "--seconds": seconds = try number(argument, in: 0.5...600)
            case "--warmup": warmup = try number(argument, in: 0...60)
            case "--profiles":
                profiles = []
                for name in try value(argument).split(separator: ",") {
                    switch name {
                    case "cm": profiles.append(.aes128CMHMACSHA1_80)
                    case "gcm": profiles.append(.aeadAES128GCM)
                    default: throw UsageError(description: "unknown profile \(name); use cm or gcm")
                    }
                }
                if profiles.isEmpty { throw UsageError(description: "--profiles needs at least one profile") }
            case "--no-baseline": baseline = false
            case "--no-transcoding-memory": transcodingMemory = false
            case "--pin": pin = true
            case "--endpoint-cpu": endpointCPU = Int(try number(argument, in: -1...4095))
            case "--trace-allocations": traceAllocations = Int(try number(argument, in: 0...10000))
            case "--trace-setup-allocations": traceSetupAllocations = Int(try number(argument, in: 0...10000))
            case "--endpoint-process": endpointProcess = true
            case "--help", "-h": throw UsageError(description: Self.usage)
            default: throw UsageError(description: "unknown argument \(argument)\n\(Self.usage)")
            }
        }
    }

    /// The arguments that make the child process play the endpoints for one profile.
    func endpointArguments(profile: SRTPProfile) -> [String] {
        [
            "--endpoint-process", "--calls", String(calls), "--profiles", profile.isAEAD ? "gcm" : "cm",
            "--endpoint-cpu", String(endpointCPU),
        ]
    }
}
