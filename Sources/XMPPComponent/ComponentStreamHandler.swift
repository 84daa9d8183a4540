import NIOCore
import XMPPCore

/// Thin NIO handler: bytes in, parsed stream events out to the component; strings out as bytes.
/// It owns the parser of one connection and nothing else.
final class ComponentStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let parser: XMLStreamParser
    private let component: XMPPComponent

    init(component: XMPPComponent, limits: XMLStreamLimits) {
        self.component = component
        self.parser = XMLStreamParser(limits: limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        component.channelActive(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { bytes throws(XMLStreamError) in try parser.append(bytes) }
        } catch {
            drainEvents(channel: context.channel)
            component.streamFailed(error, channel: context.channel)
            return
        }
        drainEvents(channel: context.channel)
    }

    private func drainEvents(channel: Channel) {
        while let event = parser.next() {
            component.streamEvent(event, channel: channel)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        component.channelInactive(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        component.channelError(error, channel: context.channel)
        context.close(promise: nil)
    }
}
