import NIOCore
import Testing

@testable import SIP

/// The per-connection state machine of TCP and TLS, alone, in virtual time.
@Suite struct SIPStreamConnectionTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func delivered(_ actions: [SIPStreamConnection.Action]) -> [SIPMessage] {
        actions.compactMap { if case .deliver(let message) = $0 { message } else { nil } }
    }

    func written(_ actions: [SIPStreamConnection.Action]) -> [String] {
        actions.compactMap { if case .write(let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { nil } }
    }

    func closes(_ actions: [SIPStreamConnection.Action]) -> Bool {
        actions.contains { if case .close = $0 { true } else { false } }
    }

    @Test func splitAndCoalescedMessagesAreFramedByContentLength() {
        let stream = Samples.invite() + Samples.ok + Samples.invite(branch: "z9hG4bKsecond", body: "")
        // Coalesced: three messages in one read.
        var whole = SIPStreamConnection(idleTimeout: .seconds(120), now: start)
        let all = delivered(whole.received(stream, now: start))
        #expect(all.map(\.method) == [.invite, nil, .invite])
        #expect(all.map(\.statusCode) == [nil, 200, nil])
        // Split: every chunking gives the same messages, none early.
        var rng = SplitMix64(state: 7)
        for _ in 0..<20 {
            var connection = SIPStreamConnection(idleTimeout: .seconds(120), now: start)
            var got: [SIPMessage] = []
            var offset = 0
            while offset < stream.count {
                let size = Int.random(in: 1...97, using: &rng)
                let chunk = stream[offset..<min(stream.count, offset + size)]
                offset += chunk.count
                got += delivered(connection.received(chunk, now: start))
            }
            #expect(got == all)
        }
    }

    @Test func pingIsAnsweredWithPong() {
        var connection = SIPStreamConnection(idleTimeout: .seconds(120), now: start)
        let actions = connection.received(Array("\r\n\r\n".utf8), now: start)
        #expect(actions == [.write([0x0D, 0x0A])])
        // A pong (single CRLF) followed by a message is no ping.
        let next = connection.received(Array("\r\n".utf8) + Samples.ok, now: start)
        #expect(written(next).isEmpty)
        #expect(delivered(next).count == 1)
    }

    @Test func missingContentLengthGets400AndCloses() {
        let text = String(decoding: Samples.invite(body: ""), as: UTF8.self)
            .replacingOccurrences(of: "Content-Length: 0\r\n", with: "")
        var connection = SIPStreamConnection(idleTimeout: .seconds(120), now: start)
        let actions = connection.received(Array(text.utf8) + Samples.ok, now: start)
        #expect(delivered(actions).isEmpty)
        #expect(written(actions).count == 1)
        #expect(written(actions).first?.hasPrefix("SIP/2.0 400 ") == true)
        #expect(written(actions).first?.contains("Content-Length") == true)
        #expect(closes(actions))
        #expect(connection.nextDeadline == nil)
        // Closed: nothing more is read.
        #expect(connection.received(Samples.ok, now: start).isEmpty)
    }

    @Test func oversizeMessageCloses() {
        var connection = SIPStreamConnection(
            idleTimeout: .seconds(120), limits: SIPLimits(maxMessageSize: 600), now: start)
        let actions = connection.received(Samples.invite(body: String(repeating: "a", count: 400)), now: start)
        #expect(delivered(actions).isEmpty)
        #expect(written(actions).first?.hasPrefix("SIP/2.0 ") == true)
        #expect(closes(actions))
    }

    @Test func badHeaderInAFramedMessageGets400AndTheStreamGoesOn() {
        var connection = SIPStreamConnection(idleTimeout: .seconds(120), now: start)
        let actions = connection.received(Samples.badVia + Samples.ok, now: start)
        #expect(written(actions).first?.hasPrefix("SIP/2.0 400 ") == true)
        #expect(!closes(actions))
        #expect(delivered(actions).map(\.statusCode) == [200])
    }

    @Test func idleConnectionClosesAfterTheTimeout() {
        var connection = SIPStreamConnection(idleTimeout: .seconds(30), now: start)
        #expect(connection.nextDeadline == start + .seconds(30))
        // Traffic either way pushes the deadline.
        _ = connection.received(Samples.ok, now: start + .seconds(10))
        connection.sent(now: start + .seconds(20))
        #expect(connection.nextDeadline == start + .seconds(50))
        #expect(connection.timerFired(now: start + .seconds(30)).isEmpty)
        let actions = connection.timerFired(now: start + .seconds(50))
        #expect(closes(actions))
        #expect(connection.nextDeadline == nil)
    }
}
