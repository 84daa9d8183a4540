import NIOCore

/// What the NIO handlers of a call's legs share: they hand each datagram to the call and own nothing else.
/// The call is held weakly: it owns the channels, and a call dropped without `close()` must not stay alive.
class LegChannelHandler {
    weak var media: CallMedia?
    let leg: CallMedia.Leg

    init(media: CallMedia, leg: CallMedia.Leg) {
        self.media = media
        self.leg = leg
    }
}

/// The handler of a leg's own socket (or a plain leg's separate RTCP socket): every datagram, with its source.
final class LegSocketHandler: LegChannelHandler, ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// Whether this is a plain leg's separate RTCP socket.
    private let rtcp: Bool

    init(media: CallMedia, leg: CallMedia.Leg, rtcp: Bool) {
        self.rtcp = rtcp
        super.init(media: media, leg: leg)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        media?.received(&envelope, on: leg)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // NIO closed the descriptor; its number may be reused by the next socket opened.
        if rtcp { leg.rtcpSocket.invalidate() } else { leg.socket.invalidate() }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar: the peer is gone or not there yet; inactivity handles it.
    }
}

/// The handler of a leg's fast path, a socket connected to the peer: datagrams come without a source address,
/// since the kernel delivers only the peer's.
final class LegFastPathHandler: LegChannelHandler, ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let peer: TransportAddress

    init(media: CallMedia, leg: CallMedia.Leg, peer: TransportAddress) {
        self.peer = peer
        super.init(media: media, leg: leg)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        media?.receivedFast(unwrapInboundIn(data), from: peer, on: leg)
    }

    func channelInactive(context: ChannelHandlerContext) {
        media?.fastPathClosed(context.channel, on: leg)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ECONNREFUSED from an ICMP error, end of file from an empty datagram: NIO closes the channel and the
        // leg's own socket takes over.
    }
}
