import Media
import NIOCore
import NIOPosix

/// The far ends of every call, in the child process: per call a WebRTC-like client (a `CallMedia` with a secure
/// leg that sends 20 ms packets with `sendRTP`) and a SIP peer (a bare UDP socket that sends plain RTP and counts
/// what arrives). Confined to one event loop.
final class EndpointSide {
    /// Payload type both sides use (PCMU) and its 20 ms frame.
    static let payloadType: UInt8 = 0
    static let payload = [UInt8](repeating: 0xD5, count: 160)
    static let samplesPerPacket: UInt32 = 160
    /// Ticks per packet interval: every millisecond one twentieth of the calls send, so the load is even.
    static let slots = 20

    let loop: any EventLoop
    let certificate: DTLSCertificate
    let profile: SRTPProfile

    private var clients: [CallMedia] = []
    private var peers: [(any Channel)?] = []
    private var peerDestinations: [SocketAddress?] = []
    private var peerSequence: [UInt16] = []
    private var peerTimestamp: [UInt32] = []
    private var peersSent = 0
    fileprivate var peersReceived = 0
    private var running = false
    private var start = NIODeadline.uptimeNanoseconds(0)
    private var nextTick = 0

    init(loop: any EventLoop, certificate: DTLSCertificate, profile: SRTPProfile) {
        self.loop = loop
        self.certificate = certificate
        self.profile = profile
    }

    /// Binds every client's secure leg and every peer's socket; returns their facts for the bridge.
    func open(calls: Int) -> EventLoopFuture<[CallEndpoint]> {
        loop.preconditionInEventLoop()
        let bound = NIOLoopBound(self, eventLoop: loop)
        var futures: [EventLoopFuture<CallEndpoint>] = []
        peers = Array(repeating: nil, count: calls)
        for index in 0..<calls {
            var ice = ICEConfiguration()
            ice.role = .controlling
            ice.pacingInterval = .milliseconds(20)
            let transport = SecureMediaTransport(
                ice: ice, certificate: certificate, dtls: DTLSSession.Configuration(srtpProfiles: [profile]))
            let client = CallMedia(eventLoop: loop, inactivityTimeout: nil)
            clients.append(client)
            peerDestinations.append(nil)
            peerSequence.append(UInt16(truncatingIfNeeded: index &* 7919))
            peerTimestamp.append(UInt32(truncatingIfNeeded: index &* 104_729))
            let peer = DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(PeerSink(side: bound.value))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
            let leg = client.addLeg(.jingle, transport: .secure(transport), bindAddress: "127.0.0.1", port: 0)
            futures.append(
                leg.and(peer).assumeIsolated().flatMapThrowing { _, channel -> CallEndpoint in
                    self.peers[index] = channel
                    guard let candidate = transport.ice.localCandidates.first,
                        let port = channel.localAddress?.port, let mediaPort = UInt16(exactly: port)
                    else { throw BenchError("endpoint \(index) has no address") }
                    return CallEndpoint(
                        index: index, credentials: transport.ice.localCredentials, candidate: candidate,
                        mediaPort: mediaPort)
                }.nonisolated())
        }
        return EventLoopFuture.whenAllSucceed(futures, on: loop)
    }

    /// Applies the bridge's facts: ICE credentials and candidate, fingerprint, DTLS role (the bridge is active),
    /// and where each SIP peer sends.
    func connect(_ bridge: [CallEndpoint], fingerprint: DTLSFingerprint) {
        loop.preconditionInEventLoop()
        let now = loop.now
        for call in bridge where call.index < clients.count {
            clients[call.index].withSecureTransport(.jingle) { transport in
                transport.setRemoteCredentials(call.credentials)
                transport.addRemoteCandidate(call.candidate)
                transport.setRemoteFingerprints([fingerprint], now: now)
                transport.setDTLSRole(.server, now: now)
            }
            peerDestinations[call.index] =
                TransportAddress(ip: CallEndpoint.loopback, port: call.mediaPort).socketAddress
        }
    }

    /// Starts the 20 ms streams: a tick every millisecond, at absolute deadlines so the rate does not drift.
    func startTraffic() {
        loop.preconditionInEventLoop()
        running = true
        start = loop.now
        nextTick = 0
        scheduleTick()
    }

    func stopTraffic() -> EndpointTotals {
        loop.preconditionInEventLoop()
        running = false
        var totals = EndpointTotals(
            clientsSent: 0, clientsReceived: 0, peersSent: peersSent, peersReceived: peersReceived)
        for client in clients {
            for leg in client.statistics() {
                totals.clientsSent += leg.packetsSent
                totals.clientsReceived += leg.packetsReceived
            }
        }
        return totals
    }

    func close() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        running = false
        let futures = clients.map { $0.close() } + peers.compactMap { $0?.close() }
        return EventLoopFuture.andAllComplete(futures, on: loop)
    }

    private func scheduleTick() {
        let deadline = start + .milliseconds(Int64(nextTick))
        loop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in self?.tick() }
    }

    private func tick() {
        guard running else { return }
        let due = Int((loop.now - start).nanoseconds / 1_000_000)
        while nextTick <= due {
            for index in stride(from: nextTick % Self.slots, to: clients.count, by: Self.slots) {
                Self.payload.withUnsafeBytes {
                    clients[index].sendRTP(
                        on: .jingle, payloadType: Self.payloadType, payload: $0, samples: Self.samplesPerPacket)
                }
                sendPeer(index)
            }
            nextTick += 1
        }
        scheduleTick()
    }

    private func sendPeer(_ index: Int) {
        guard let destination = peerDestinations[index], let channel = peers[index] else { return }
        peerSequence[index] &+= 1
        peerTimestamp[index] &+= Self.samplesPerPacket
        var buffer = channel.allocator.buffer(capacity: 12 + Self.payload.count)
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger(Self.payloadType)
        buffer.writeInteger(peerSequence[index])
        buffer.writeInteger(peerTimestamp[index])
        buffer.writeInteger(UInt32(0x5000_0000) &+ UInt32(index))
        buffer.writeBytes(Self.payload)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
        peersSent += 1
    }
}

/// Counts what reaches a SIP peer.
private final class PeerSink: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private weak var side: EndpointSide?

    init(side: EndpointSide) {
        self.side = side
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        side?.peersReceived += 1
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP unreachable while the bridge is not there yet: ignore.
    }
}

/// A benchmark failure with a message.
struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
