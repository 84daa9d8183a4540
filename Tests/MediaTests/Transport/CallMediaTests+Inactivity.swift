import NIOCore
import NIOPosix
import Testing

@testable import Media

extension CallMediaTests {
    /// The housekeeping timer is armed for the inactivity deadline itself, not polled every second. Times are
    /// the loop's, read when the leg is added and when the event comes, on a loop of the test's own.
    @Test("a silent leg is reported inactive once, at the timeout")
    func inactivityAtTheTimeout() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        final class Times: @unchecked Sendable {
            // Written and read on the loop only.
            var added: NIODeadline?
            var inactive: [NIODeadline] = []
        }
        let times = Times()
        let media = try await loop.submit { () -> NIOLoopBound<CallMedia> in
            let media = CallMedia(eventLoop: loop, inactivityTimeout: .milliseconds(300))
            media.onEvent = { event in
                if case .inactive(.sip) = event { times.inactive.append(loop.now) }
            }
            return NIOLoopBound(media, eventLoop: loop)
        }.get()
        _ = try await loop.flatSubmit {
            times.added = loop.now
            return media.value.addLeg(.sip, transport: .plain(PlainRTPTransport()), bindAddress: "127.0.0.1", port: 0)
        }.get()
        try await waitUntil(loop) { !times.inactive.isEmpty }
        try await Task.sleep(for: .milliseconds(400))
        let (added, inactive) = try await loop.submit { (times.added, times.inactive) }.get()
        try await loop.flatSubmit { media.value.close() }.get()
        try await group.shutdownGracefully()

        let elapsed = try #require(inactive.first) - (try #require(added))
        #expect(elapsed >= .milliseconds(300))
        #expect(elapsed < .milliseconds(700), "armed for the deadline, not the next whole second")
        #expect(inactive.count == 1)
    }
}
