// relay-bench: CPU per relayed packet, calls per core, heap allocations per packet and memory per call of the
// bridge's media relay (DTLS-SRTP <-> plain RTP pass-through), next to a C baseline doing the same job.
// Build with `-c release`:
//
//     swift run -c release relay-bench [--calls N] [--seconds S] [--warmup S] [--profiles cm,gcm] [--no-baseline]
//
// For each SRTP profile:
// - ours: `--calls` bridge calls (`CallMedia` in `.relay` mode, a secure leg with ICE + DTLS-SRTP and a plain RTP
//   leg) run on one dedicated NIO event loop thread. A child process (this executable with --endpoint-process)
//   plays every call's WebRTC client (a `CallMedia` sending 20 ms G.711 packets with `sendRTP`) and SIP peer (a
//   UDP socket sending plain RTP and counting what arrives): 50 packets/s per stream per direction, all on
//   127.0.0.1. After every call has keys and a warm-up, the bridge thread reads its own CPU time
//   (CLOCK_THREAD_CPUTIME_ID) and allocation count at the start and end of the window; relayed packets come from
//   `CallMedia.statistics()`. Memory per call is VmRSS before and after creating the calls (the endpoints live in
//   the other process), divided by the calls.
// - baseline: the C relay of Benchmarks/relay-baseline (epoll, recvfrom/sendto, one socket per stream, EVP
//   AES-CM + HMAC-SHA1-80 or AES-GCM), same calls, rates and window, its relay thread measured the same way.
//
// calls per core = 1e6 us / (us per packet * 100 packets/s per call).
// Heap allocations are counted by malloc, calloc, realloc and the aligned allocators defined in this executable
// (relay-baseline/alloc_counter.c), on the measured thread only.

import Media
import RelayBaseline

#if canImport(Glibc)
    import Glibc
#endif

let options: BenchOptions
do {
    options = try BenchOptions(arguments: CommandLine.arguments.dropFirst())
} catch {
    let message = String(describing: error)
    writeError(message)
    exit(message == BenchOptions.usage ? 0 : 2)
}
signal(SIGPIPE, SIG_IGN)
if options.endpointProcess { exit(EndpointProcess.run(options)) }

do {
    try RelayBenchmark(options: options).run()
} catch {
    writeError("relay-bench: \(error)")
    exit(1)
}
