import NIOCore
import NIOHTTP1
import NIOWebSocket

extension SIPEndpoint {
    /// An accepted ws or wss connection: HTTP until the WebSocket upgrade (RFC 6455), which must
    /// offer the `sip` subprotocol and gets it back (RFC 7118 5.1); then `SIPWebSocketHandler`
    /// behind a frame aggregator bounded by the message size limit. Other requests get 400.
    static func configureWebSocket(
        _ channel: Channel, endpoint: NIOLoopBound<SIPEndpoint>, transport: SIPTransport, limits: SIPLimits
    ) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: limits.maxMessageSize,
            shouldUpgrade: { channel, head in
                let offered = head.headers["Sec-WebSocket-Protocol"].flatMap {
                    $0.split(separator: ",").map { SIPGrammar.asciiLowercased(String($0.filter { $0 != " " })) }
                }
                guard offered.contains("sip") else { return channel.eventLoop.makeSucceededFuture(nil) }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders([("Sec-WebSocket-Protocol", "sip")]))
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // The upgrade succeeded: frames, not HTTP, follow.
                    channel.pipeline.syncOperations.removeHandler(name: SIPWebSocketRefusal.name, promise: nil)
                    try channel.pipeline.syncOperations.addHandlers([
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64,
                            maxAccumulatedFrameSize: limits.maxMessageSize),
                        SIPWebSocketHandler(endpoint: endpoint, transport: transport, limits: limits),
                    ])
                }
            })
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try channel.pipeline.syncOperations.addHandler(SIPWebSocketRefusal(), name: SIPWebSocketRefusal.name)
    }
}

/// Answers an HTTP request that was not upgraded (no WebSocket, or no `sip` subprotocol) with
/// 400 and closes; removed when the upgrade happens.
private final class SIPWebSocketRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    static let name = "sip-websocket-refusal"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(
            version: .http1_1, status: .badRequest,
            headers: HTTPHeaders([("Content-Length", "0"), ("Connection", "close")]))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
