import NIOCore
import NIOWebSocket

/// Thin handler of an upgraded SIP WebSocket connection (RFC 7118): each text or binary
/// WebSocket message is one SIP message (parsed as a datagram: Content-Length is optional,
/// section 5.2); a malformed request is answered with 400; pings get pongs; a close is echoed.
/// What the endpoint writes (SIP messages as bytes) leaves as one text message each.
final class SIPWebSocketHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private let endpoint: NIOLoopBound<SIPEndpoint>
    private let transport: SIPTransport
    private let limits: SIPLimits
    private var remote: SocketAddress?

    init(endpoint: NIOLoopBound<SIPEndpoint>, transport: SIPTransport, limits: SIPLimits) {
        self.endpoint = endpoint
        self.transport = transport
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Added by the upgrade, on an active channel.
        remote = context.channel.remoteAddress
        endpoint.value.streamAccepted(context.channel, transport: transport)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            received(frame.unmaskedData, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            // RFC 6455 5.5.1: answer with a close, then the connection ends.
            let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func received(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        guard let remote else { return }
        do {
            guard let message = try SIPMessageParser.parse(datagram: bytes.readableBytesView, limits: limits) else {
                return  // a keepalive
            }
            endpoint.value.received(message, fromStream: remote)
        } catch let error as SIPParseError {
            endpoint.value.receivedMalformed(reason: error.description, fromStream: remote)
            if let response = SIPMessage.makeErrorResponse(for: error) {
                let frame = WebSocketFrame(
                    fin: true, opcode: .text, data: context.channel.allocator.buffer(bytes: response.serialized))
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            }
        } catch {
            endpoint.value.receivedMalformed(reason: "\(error)", fromStream: remote)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = WebSocketFrame(fin: true, opcode: .text, data: unwrapOutboundIn(data))
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        endpoint.value.streamClosed(context.channel, remote: remote)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
