import NIOCore
import NIOPosix
import Testing

@testable import Media

extension CallMediaTests {
    /// The housekeeping timer is armed for the inactivity deadline itself, not polled every second.
    @Test("a silent leg is reported inactive once, at the timeout")
    func inactivityAtTheTimeout() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let observed = Observed()
        let media = try await loop.submit { () -> NIOLoopBound<CallMedia> in
            let media = CallMedia(eventLoop: loop, inactivityTimeout: .milliseconds(300))
            media.onEvent = { observed.events[.sip, default: []].append($0) }
            return NIOLoopBound(media, eventLoop: loop)
        }.get()
        let started = ContinuousClock.now
        _ = try await loop.flatSubmit {
            media.value.addLeg(.sip, transport: .plain(PlainRTPTransport()), bindAddress: "127.0.0.1", port: 0)
        }.get()
        @Sendable func inactiveCount() -> Int {
            observed.events[.sip, default: []].filter {
                if case .inactive(.sip) = $0 { return true }
                return false
            }.count
        }
        try await waitUntil(loop) { inactiveCount() > 0 }
        let elapsed = ContinuousClock.now - started
        try await Task.sleep(for: .milliseconds(400))
        let count = try await loop.submit { inactiveCount() }.get()
        try await loop.flatSubmit { media.value.close() }.get()
        #expect(elapsed >= .milliseconds(300))
        #expect(elapsed < .milliseconds(1000), "armed for the deadline, not the next whole second")
        #expect(count == 1)
    }
}
