#if canImport(Glibc)
    import Glibc
#endif

/// Newline-separated text over two file descriptors (a child's standard input and output, seen from either
/// end), with a timeout on reads so a stuck peer cannot hang the benchmark.
struct LinePipe {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let input: Int32
    let output: Int32
    private var pending: [UInt8] = []

    init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Writes the lines, each followed by a newline, in one write where the pipe allows it.
    func send(_ lines: [SignalingLine]) throws(Failure) {
        var bytes = Array(lines.map { $0.text + "\n" }.joined().utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write to the pipe: errno \(errno)")
            }
            offset += written
        }
        bytes.removeAll()
    }

    func send(_ line: SignalingLine) throws(Failure) { try send([line]) }

    /// The next line; nil at end of file. Waits at most `timeout` seconds (nil: no limit).
    mutating func receive(timeout: Double?) throws(Failure) -> SignalingLine? {
        let deadline = timeout.map { monotonicSeconds() + $0 }
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                do {
                    return try SignalingLine(parsing: Substring(text))
                } catch {
                    throw Failure(description: String(describing: error))
                }
            }
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let remaining = deadline.map { max(0, Int32(($0 - monotonicSeconds()) * 1000)) } ?? -1
            let ready = poll(&descriptor, 1, remaining)
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "poll on the pipe failed: errno \(errno)")
            }
            if ready == 0 { throw Failure(description: "no line within \(timeout ?? 0) s") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read the pipe: errno \(errno)")
            }
            if count == 0 {
                guard pending.isEmpty else { throw Failure(description: "the pipe ended inside a line") }
                return nil
            }
            pending.append(contentsOf: chunk[..<count])
        }
    }
}

/// Sleeps the calling thread (never an event loop) for `seconds`.
func pause(seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// CLOCK_MONOTONIC in seconds, for timeouts.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
