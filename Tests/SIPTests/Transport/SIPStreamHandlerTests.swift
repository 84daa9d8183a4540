import NIOCore
import NIOEmbedded
import Testing

@testable import SIP

/// The TCP/TLS channel handler on an `EmbeddedChannel`, with the endpoint on the same embedded
/// loop: pongs written back, messages reaching the transaction layer, the idle timer in virtual time.
@Suite struct SIPStreamHandlerTests {
    final class Recorder {
        var events: [String] = []
    }

    /// An accepted connection from 192.0.2.9:40000 and its endpoint.
    func accepted(idleTimeout: TimeAmount = .seconds(30)) throws -> (EmbeddedChannel, SIPEndpoint, Recorder) {
        let loop = EmbeddedEventLoop()
        let recorder = Recorder()
        let endpoint = SIPEndpoint(configuration: .init(host: "127.0.0.1", port: 0), eventLoop: loop) { event in
            switch event {
            case .request(let request, let source): recorder.events.append("request \(request.method!) \(source)")
            case .malformed(let reason, _): recorder.events.append("malformed \(reason.prefix(40))")
            default: recorder.events.append("other")
            }
        }
        let handler = SIPStreamHandler(
            endpoint: NIOLoopBound(endpoint, eventLoop: loop), transport: .tcp, isInbound: true,
            idleTimeout: idleTimeout, limits: .default)
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "192.0.2.9", port: 40000)).wait()
        return (channel, endpoint, recorder)
    }

    func readText(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func pingGetsPongAndRequestsReachTheEndpointWhoseAnswerGoesBack() throws {
        let (channel, endpoint, recorder) = try accepted()
        #expect(endpoint.connectionCount == 1)
        try channel.writeInbound(ByteBuffer(string: "\r\n\r\n"))
        #expect(try readText(channel) == "\r\n")
        // OPTIONS, split in two reads: answered by the endpoint on this same connection.
        let bytes = SIPEndpointStreamTests.options(transport: .tcp, port: 5060).serialized
        try channel.writeInbound(ByteBuffer(bytes: bytes.prefix(100)))
        #expect(try readText(channel).isEmpty)
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropFirst(100)))
        let answer = try readText(channel)
        #expect(answer.hasPrefix("SIP/2.0 200 OK\r\n"), "\(answer)")
        #expect(answer.contains("received=192.0.2.9") || answer.contains("rport=40000"))
        #expect(recorder.events.isEmpty)  // OPTIONS never reaches the TU
        _ = try? channel.finish()
    }

    @Test func idleConnectionIsClosedInVirtualTime() throws {
        let (channel, endpoint, _) = try accepted(idleTimeout: .seconds(30))
        channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        try channel.writeInbound(ByteBuffer(string: "\r\n\r\n"))  // activity at 20 s
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(endpoint.connectionCount == 0)
    }

    @Test func lostFramingGets400ThenClose() throws {
        let (channel, endpoint, recorder) = try accepted()
        var request = SIPEndpointStreamTests.options(transport: .tcp, port: 5060)
        request.headers.remove(.contentLength)
        try channel.writeInbound(ByteBuffer(bytes: request.serialized))
        #expect(try readText(channel).hasPrefix("SIP/2.0 400 "))
        #expect(!channel.isActive)
        #expect(endpoint.connectionCount == 0)
        #expect(recorder.events.count == 1 && recorder.events[0].hasPrefix("malformed"))
    }
}
