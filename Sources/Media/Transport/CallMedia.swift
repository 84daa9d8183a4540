import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The media of one call on one event loop: up to two legs (the Jingle leg and the SIP leg, or one leg and
/// a built-in source), their sockets, and what joins them: relay, echo or nothing yet.
///
/// This is the thin driver over the sans-IO transports: it owns the channels, one timer for the transports'
/// deadlines and one for RTCP reports and inactivity, and carries the transports' transmits out. Every method
/// must be called on `eventLoop`; events come back on it through `onEvent`.
///
/// NIO reads the sockets. Once a datagram came from a leg's peer, the leg opens a fast path: a second socket
/// on its port, connected to the peer, read without a source address and sent on without one
/// (`MediaSocket.connectedTwin(to:)`); the leg's own socket keeps everything else and takes over if the fast
/// path closes. Received RTP is copied once into the call's receive buffer, decrypted, rewritten and
/// encrypted there and sent with one system call, so relaying a packet allocates nothing.
public final class CallMedia {
    public enum LegID: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// The XMPP client's leg (ICE + DTLS-SRTP).
        case jingle = 0
        /// The SIP peer's leg (RTP or SDES-SRTP).
        case sip = 1

        public var description: String { self == .jingle ? "jingle" : "sip" }
        public var other: LegID { self == .jingle ? .sip : .jingle }
    }

    /// How received media moves.
    public enum Mode: Hashable, Sendable {
        /// Received media is counted and dropped (ringing, before answer).
        case idle
        /// Each leg's RTP goes to the other leg, payload types mapped per `setPayloadTypeMap`.
        case relay
        /// A leg's RTP returns to it (the echo test).
        case echo(LegID)
        /// Each leg's audio is decoded and re-encoded in the other leg's codec (`startTranscoding`).
        case transcode
        /// A generated tone is sent on a leg; what it receives is counted and dropped (`startTone`).
        case tone(LegID)
    }

    public enum Event: Sendable {
        case transport(LegID, SecureMediaTransport.Event)
        /// No RTP from this leg for the inactivity timeout.
        case inactive(LegID)
        /// The peer started sending RTP from another address (symmetric RTP).
        case latched(LegID, TransportAddress)
    }

    public enum Transport {
        case secure(SecureMediaTransport)
        case plain(PlainRTPTransport)
    }

    /// Per-leg figures for the status commands.
    public struct LegStatistics: Sendable {
        public var leg: LegID
        public var localAddress: TransportAddress?
        public var remoteAddress: TransportAddress?
        public var packetsReceived = 0
        public var bytesReceived = 0
        public var packetsSent = 0
        public var bytesSent = 0
        public var rtcpReceived = 0
        public var dropped = 0
        public var lastDropReason: String?
        public var srtpProfile: SRTPProfile?
        public var iceState: ICEConnectionState?
        public var selectedPair: String?
        public var dtlsStatus: DTLSSession.Status?
        /// Loss, jitter and RTT from this leg's own RTCP.
        public var rtcp = RTCPSession.Figures()
    }

    final class Leg {
        let id: LegID
        let transport: Transport
        var channel: (any Channel)?
        var rtcpChannel: (any Channel)?
        var localAddress: TransportAddress?
        var rewriter: RTPStreamRewriter
        var rtcp: RTCPSession
        /// Payload type on this leg for each payload type arriving from the other leg; 0xFF drops it.
        var payloadTypeMap = [UInt8](repeating: 0xFF, count: 128)
        var lastReceived: NIODeadline
        var reportedInactive = false
        var packetsReceived = 0
        var bytesReceived = 0
        var packetsSent = 0
        var bytesSent = 0
        /// Sends from the leg's socket, and (plain legs without rtcp-mux) from its RTCP socket.
        var socket = MediaSocket()
        var rtcpSocket = MediaSocket()
        /// The fast path: a twin of `socket` connected to the peer, read without a source address per datagram.
        var fastChannel: (any Channel)?
        /// The peer the fast path is connected to (set once its channel exists).
        var fastPeer: TransportAddress?
        /// The fast path's socket, which the channel owns; datagrams to `fastPeer` go out on it.
        var fastDescriptor: CInt = -1
        var fastPending = false
        /// No new fast path before this (after one failed or was closed by an error).
        var fastRetry: NIODeadline = .uptimeNanoseconds(0)
        /// Datagrams that came through the fast path.
        var fastPathReceived = 0

        init(id: LegID, transport: Transport, rewriter: RTPStreamRewriter, cname: String, now: NIODeadline) {
            self.id = id
            self.transport = transport
            self.rewriter = rewriter
            self.rtcp = RTCPSession(
                ssrc: rewriter.ssrc, cname: cname, receiveClockRate: rewriter.clockRate,
                sendClockRate: rewriter.clockRate)
            self.lastReceived = now
        }
    }

    /// Room after a packet for the largest SRTP tag plus SRTCP's index.
    static let srtpRoom = 32
    /// Scratch buffers hold the largest datagram NIO reads (2048 octets) plus `srtpRoom`.
    static let scratchCapacity = 2048 + srtpRoom

    public let eventLoop: any EventLoop
    /// How long a leg may be silent before `.inactive`; nil never.
    public var inactivityTimeout: TimeAmount?
    public var onEvent: (Event) -> Void = { _ in }
    /// Sees every RTP packet received (decrypted) before it is relayed: the transcoder and built-in
    /// endpoints consume media here. Called on the loop; the pointer is valid only during the call.
    public var onRTP: ((LegID, RTPPacketView) -> Void)?
    public private(set) var mode: Mode = .idle
    /// The RTCP CNAME of both legs (RFC 7022: random per call).
    public let cname: String = String(UInt64.random(in: 0...UInt64.max), radix: 36) + "@jingle-sip-bridge"

    private var legs: [Leg?] = [nil, nil]
    /// By source leg: the transcoder from that leg to the other, and the payload type it decodes.
    private var transcoders: [AudioTranscoder?] = [nil, nil]
    private var transcoderInputTypes: [UInt8] = [0, 0]
    /// By target leg: the payload type of generated packets.
    private var outputPayloadTypes: [UInt8] = [0, 0]
    private var tone: (LegID, ToneGenerator, AudioTranscoder, UInt8)?
    /// By leg: its telephone-event payload type and clock rate, when negotiated (transcoding only; a relay
    /// maps telephone-event like any payload type).
    private var telephoneEvents: [(payloadType: UInt8, clockRate: UInt32)?] = [nil, nil]
    /// By source leg: the source timestamp of the event being forwarded, and the target timestamp it got.
    private var forwardedEvent: [(source: UInt32, target: UInt32)?] = [nil, nil]
    /// DTMF digits seen, for the bridge (RFC 4733 event codes 0-15), reported once per event.
    public var onDTMF: ((LegID, UInt8) -> Void)?
    /// Legs whose RFC 4733 events go only to `onDTMF` (the bridge signals them, e.g. as SIP INFO) and
    /// are not sent on to the other leg.
    public var eventsToSignalling: Set<LegID> = [] {
        didSet { signalledLegs = LegID.allCases.map { eventsToSignalling.contains($0) } }
    }
    /// `eventsToSignalling` by leg, read per packet.
    private var signalledLegs = [false, false]
    /// By source leg: the timestamp of the last event reported to signalling.
    private var signalledEvent: [UInt32?] = [nil, nil]
    private var ticker: NIOScheduledCallback?
    private var tickerNext: NIODeadline = .uptimeNanoseconds(0)
    private var tickerInterval = TimeAmount.milliseconds(20)
    /// Encoded frames of the transcoder or tone; allocated when one starts (a relayed call never needs it).
    private var payloadScratch: [UInt8] = []
    /// Where received packets are decrypted, rewritten and re-encrypted; one for both legs, as the loop handles
    /// one datagram at a time and nothing a datagram triggers receives another.
    private let receiveScratch = UnsafeMutableRawBufferPointer.allocate(
        byteCount: CallMedia.scratchCapacity, alignment: 16)
    /// Where generated packets (transcoder, tone, DTMF, RTCP) are built and protected before sending.
    private let sendScratch = UnsafeMutableRawBufferPointer.allocate(
        byteCount: CallMedia.scratchCapacity, alignment: 16)
    private var timer: NIOScheduledCallback?
    private var timerDeadline: NIODeadline?
    private var housekeeping: NIOScheduledCallback?
    /// What NIO calls back for the three timers. Scheduled callbacks, unlike `scheduleTask`, allocate no promise
    /// and no closure per arming, and these timers are armed several times a second per call.
    private lazy var timerHandlers = (
        transports: CallMediaTimer(media: self, kind: .transports),
        housekeeping: CallMediaTimer(media: self, kind: .housekeeping),
        ticker: CallMediaTimer(media: self, kind: .ticker)
    )
    private var housekeepingStarted = false
    private var closed = false

    public init(eventLoop: any EventLoop, inactivityTimeout: TimeAmount? = .seconds(60)) {
        self.eventLoop = eventLoop
        self.inactivityTimeout = inactivityTimeout
    }

    deinit {
        receiveScratch.deallocate()
        sendScratch.deallocate()
    }

    // MARK: Legs

    /// Binds the leg's socket (and, for a plain leg without rtcp-mux, the RTCP socket on `port + 1`).
    public func addLeg(
        _ id: LegID, transport: Transport, bindAddress: String, port: Int, rtcpPort: Int? = nil,
        advertisedAddress: TransportAddress? = nil
    ) -> EventLoopFuture<TransportAddress> {
        eventLoop.preconditionInEventLoop()
        var generator = SystemRandomNumberGenerator()
        let clockRate: UInt32 = id == .jingle ? 48000 : 8000
        let rewriter = RTPStreamRewriter(
            ssrc: generator.next(), clockRate: clockRate, initialSequence: generator.next(),
            initialTimestamp: generator.next())
        let leg = Leg(id: id, transport: transport, rewriter: rewriter, cname: cname, now: eventLoop.now)
        leg.rtcp.start(now: SecureMediaTransport.mediaTime(eventLoop.now))
        legs[id.rawValue] = leg
        let advertised = advertisedAddress
        return bind(leg, host: bindAddress, port: port, rtcp: false).assumeIsolated().flatMap {
            channel -> EventLoopFuture<TransportAddress> in
            leg.channel = channel
            guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
                return self.eventLoop.makeFailedFuture(MediaError(.invalidConfiguration, "socket has no address"))
            }
            leg.localAddress = local
            if case .secure(let secure) = transport {
                secure.addHostCandidate(
                    local, advertised: advertised.map { TransportAddress(ip: $0.ip, port: local.port) })
                self.pump(leg)
            }
            self.startHousekeeping()
            guard let rtcpPort else { return self.eventLoop.makeSucceededFuture(local) }
            return self.bind(leg, host: bindAddress, port: rtcpPort, rtcp: true).assumeIsolated().map { channel in
                leg.rtcpChannel = channel
                return local
            }.nonisolated()
        }.nonisolated()
    }

    public func transport(_ id: LegID) -> Transport? { legs[id.rawValue]?.transport }

    /// The leg itself, for tests that feed it datagrams directly.
    func leg(_ id: LegID) -> Leg? { legs[id.rawValue] }

    public func localAddress(_ id: LegID) -> TransportAddress? { legs[id.rawValue]?.localAddress }

    /// Tells the call which payload type to send on `leg` for each payload type arriving from the other leg
    /// (or, in echo mode, from the same leg). Unmapped types are dropped.
    public func setPayloadTypeMap(on id: LegID, _ map: [UInt8: UInt8]) {
        guard let leg = legs[id.rawValue] else { return }
        leg.payloadTypeMap = [UInt8](repeating: 0xFF, count: 128)
        for (incoming, outgoing) in map where incoming < 128 { leg.payloadTypeMap[Int(incoming)] = outgoing & 0x7F }
        leg.rewriter.resetSource()
    }

    /// The RTP clock rate of the codec a leg sends and receives (48000 for Opus, 8000 for G.711/G.722).
    public func setClockRate(on id: LegID, _ clockRate: UInt32) {
        guard let leg = legs[id.rawValue] else { return }
        leg.rewriter.clockRate = clockRate
        leg.rtcp.sendClockRate = clockRate
        leg.rtcp.receiveClockRate = clockRate
    }

    public func setMode(_ mode: Mode) {
        self.mode = mode
        for leg in legs.compactMap({ $0 }) { leg.rewriter.resetSource() }
    }

    /// Runs `body` on a leg's secure transport (signalling: candidates, fingerprints, DTLS role) and carries
    /// out whatever it produced.
    public func withSecureTransport(_ id: LegID, _ body: (SecureMediaTransport) -> Void) {
        guard let leg = legs[id.rawValue], case .secure(let secure) = leg.transport else { return }
        body(secure)
        pump(leg)
    }

    public func statistics() -> [LegStatistics] {
        legs.compactMap { $0 }.map { leg in
            var statistics = LegStatistics(leg: leg.id)
            statistics.localAddress = leg.localAddress
            statistics.packetsReceived = leg.packetsReceived
            statistics.bytesReceived = leg.bytesReceived
            statistics.packetsSent = leg.packetsSent
            statistics.bytesSent = leg.bytesSent
            statistics.rtcp = leg.rtcp.figures
            switch leg.transport {
            case .secure(let secure):
                statistics.remoteAddress = secure.mediaDestination
                statistics.rtcpReceived = secure.counters.srtcpReceived
                statistics.dropped = secure.counters.dropped
                statistics.lastDropReason = secure.lastDropReason?.description
                statistics.srtpProfile = secure.protector?.profile
                statistics.iceState = secure.ice.connectionState
                statistics.selectedPair = secure.ice.selectedPair?.description
                statistics.dtlsStatus = secure.dtls.status
            case .plain(let plain):
                statistics.remoteAddress = plain.rtpDestination
                statistics.rtcpReceived = plain.counters.rtcpReceived
                statistics.dropped = plain.counters.dropped
                statistics.lastDropReason = plain.lastDropReason?.description
                statistics.srtpProfile = plain.protector?.profile
            }
            return statistics
        }
    }

    /// Closes DTLS and every socket.
    public func close() -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        guard !closed else { return eventLoop.makeSucceededVoidFuture() }
        for leg in legs.compactMap({ $0 }) {
            if let bye = leg.rtcp.bye() { sendRTCP(bye, on: leg) }
            if case .secure(let secure) = leg.transport {
                secure.close(now: eventLoop.now)
                pump(leg)
            }
        }
        closed = true
        timer?.cancel()
        ticker?.cancel()
        housekeeping?.cancel()
        let channels = legs.compactMap { $0 }.flatMap {
            [$0.channel, $0.rtcpChannel, $0.fastChannel].compactMap { $0 }
        }
        let futures = channels.map { $0.close() }
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }

    // MARK: Receiving

    func received(_ envelope: inout AddressedEnvelope<ByteBuffer>, on leg: Leg) {
        guard !closed, let source = TransportAddress(envelope.remoteAddress) else { return }
        // NIO's receive buffer is shared with its pool, so decrypting in it would copy it (an allocation per
        // packet): the datagram is copied into the call's receive buffer instead, with room for an SRTP tag.
        let length = envelope.data.readableBytes
        guard length <= Self.scratchCapacity - Self.srtpRoom else { return }
        let scratch = receiveScratch
        envelope.data.withUnsafeReadableBytes { scratch.copyMemory(from: $0) }
        let now = eventLoop.now
        received(length: length, from: source, on: leg, now: now)
        // The peer is live at the leg's destination: read it on a connected socket from now on.
        if !closed, source == destination(of: leg), source != leg.fastPeer, !leg.fastPending, now >= leg.fastRetry {
            openFastPath(leg, to: source)
        }
    }

    /// A datagram from the peer a leg's fast path is connected to.
    func receivedFast(_ data: ByteBuffer, from peer: TransportAddress, on leg: Leg) {
        let length = data.readableBytes
        guard !closed, length <= Self.scratchCapacity - Self.srtpRoom else { return }
        let scratch = receiveScratch
        data.withUnsafeReadableBytes { scratch.copyMemory(from: $0) }
        leg.fastPathReceived &+= 1
        received(length: length, from: peer, on: leg, now: eventLoop.now)
    }

    /// Where the leg sends media now.
    private func destination(of leg: Leg) -> TransportAddress? {
        switch leg.transport {
        case .secure(let secure): secure.mediaDestination
        case .plain(let plain): plain.rtpDestination
        }
    }

    /// Replaces the leg's fast path with one connected to `peer`. Until it exists, and if it fails, the leg's
    /// own socket receives everything, so this only ever saves work.
    private func openFastPath(_ leg: Leg, to peer: TransportAddress) {
        closeFastPath(leg)
        let descriptor: CInt
        do {
            descriptor = try leg.socket.connectedTwin(to: peer)
        } catch {
            leg.fastRetry = eventLoop.now + Self.fastPathRetry
            return
        }
        leg.fastPending = true
        let target = NIOLoopBound((media: self, leg: leg), eventLoop: eventLoop)
        NIOPipeBootstrap(group: eventLoop)
            // A read returns one datagram; the buffer must hold the largest the leg's own socket would take.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = LegFastPathHandler(media: target.value.media, leg: target.value.leg, peer: peer)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .takingOwnershipOfDescriptor(input: descriptor)
            .assumeIsolated().whenComplete { result in
                leg.fastPending = false
                switch result {
                case .success(let channel):
                    if self.closed {
                        channel.close(promise: nil)
                    } else {
                        leg.fastChannel = channel
                        leg.fastPeer = peer
                        leg.fastDescriptor = descriptor
                    }
                case .failure:
                    // NIO did not take the descriptor.
                    MediaSocket.closeDescriptor(descriptor)
                    leg.fastRetry = self.eventLoop.now + Self.fastPathRetry
                }
            }
    }

    private func closeFastPath(_ leg: Leg) {
        leg.fastChannel?.close(promise: nil)
        leg.fastChannel = nil
        leg.fastPeer = nil
        leg.fastDescriptor = -1
    }

    /// The fast path's channel became inactive: closed by us, or by an error (an ICMP error, a zero-length
    /// datagram, which a pipe channel takes for end of file).
    func fastPathClosed(_ channel: any Channel, on leg: Leg) {
        guard leg.fastChannel === channel else { return }
        leg.fastChannel = nil
        leg.fastPeer = nil
        leg.fastDescriptor = -1
        leg.fastRetry = eventLoop.now + Self.fastPathRetry
    }

    /// How long after a fast path failed the leg tries again.
    static let fastPathRetry = TimeAmount.seconds(1)

    /// Handles the datagram of `length` octets at the start of `receiveScratch`, received on `leg`.
    private func received(length: Int, from source: TransportAddress, on leg: Leg, now: NIODeadline) {
        let buffer = receiveScratch
        let result: PlainRTPTransport.Received
        switch leg.transport {
        case .secure(let secure):
            switch secure.receive(buffer, length: length, from: source, now: now) {
            case .rtp(let plain): result = .rtp(length: plain)
            case .rtcp(let plain): result = .rtcp(length: plain)
            case .none:
                pump(leg)
                return
            }
        case .plain(let plain):
            let before = plain.counters.latches
            result = plain.receive(buffer, length: length, from: source, now: now)
            if plain.counters.latches != before, let destination = plain.rtpDestination {
                onEvent(.latched(leg.id, destination))
            }
        }
        let mediaTime = SecureMediaTransport.mediaTime(now)
        if case .rtcp(let plainLength) = result {
            leg.rtcp.receivedRTCP(
                UnsafeRawBufferPointer(rebasing: buffer[0..<plainLength]), now: mediaTime, wallClock: Self.wallClock())
            return
        }
        guard case .rtp(let plainLength) = result, plainLength >= RTPPacketView.fixedHeaderLength else { return }
        let packet = UnsafeRawBufferPointer(rebasing: buffer[0..<plainLength])
        leg.rtcp.received(
            ssrc: packet.uint32(at: 8), sequence: packet.uint16(at: 2), timestamp: packet.uint32(at: 4), now: mediaTime)
        leg.packetsReceived &+= 1
        leg.bytesReceived &+= plainLength
        leg.lastReceived = now
        leg.reportedInactive = false
        if let onRTP, let view = try? RTPPacketView(packet) {
            onRTP(leg.id, view)
        }
        if signalledLegs[leg.id.rawValue], let event = telephoneEvents[leg.id.rawValue],
            let view = try? RTPPacketView(packet), view.payloadType == event.payloadType
        {
            if signalledEvent[leg.id.rawValue] != view.timestamp,
                let decoded = try? TelephoneEvent(payload: UnsafeRawBufferPointer(rebasing: packet[view.payloadRange]))
            {
                signalledEvent[leg.id.rawValue] = view.timestamp
                onDTMF?(leg.id, decoded.event)
            }
            return
        }
        let target: Leg?
        switch mode {
        case .idle, .tone: target = nil
        case .relay: target = legs[leg.id.other.rawValue]
        case .echo(let id): target = id == leg.id ? leg : nil
        case .transcode:
            target = nil
            guard let view = try? RTPPacketView(packet) else { return }
            if let event = telephoneEvents[leg.id.rawValue], view.payloadType == event.payloadType {
                forwardEvent(view, from: leg.id, now: now)
            } else if let transcoder = transcoders[leg.id.rawValue],
                view.payloadType == transcoderInputTypes[leg.id.rawValue]
            {
                _ = try? transcoder.receive(
                    payload: UnsafeRawBufferPointer(rebasing: packet[view.payloadRange]),
                    sequence: view.sequenceNumber, timestamp: view.timestamp, marker: view.marker, now: mediaTime)
            }
        }
        guard let target else { return }
        relay(buffer, length: plainLength, on: target, now: mediaTime)
    }

    /// Rewrites the RTP packet of `length` octets at the start of `buffer` for `leg` and sends it there.
    private func relay(_ buffer: UnsafeMutableRawBufferPointer, length: Int, on leg: Leg, now: MediaTime) {
        let outgoingType = leg.payloadTypeMap[Int(buffer[1] & 0x7F)]
        guard outgoingType != 0xFF else { return }
        leg.rewriter.rewrite(
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), payloadType: outgoingType, now: now)
        guard transmit(buffer, length: length, on: leg, isRTCP: false) else { return }
        leg.rtcp.sent(
            timestamp: leg.rewriter.lastTimestamp, payloadOctets: length - RTPPacketView.fixedHeaderLength, now: now)
    }

    /// Protects the packet of `length` octets at the start of `buffer` for `leg` (SRTP/SRTCP, or as is on a
    /// plain leg) and sends it to the leg's current destination; `buffer` has `srtpRoom` octets to spare.
    /// False when the leg cannot send yet (no keys, no ICE pair, no address) or the datagram was not sent.
    @discardableResult
    private func transmit(_ buffer: UnsafeMutableRawBufferPointer, length: Int, on leg: Leg, isRTCP: Bool) -> Bool {
        guard !closed, buffer.count >= length + Self.srtpRoom else { return false }
        let room = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(length + Self.srtpRoom)])
        let sendLength: Int?
        let destination: TransportAddress?
        var viaRTCPSocket = false
        switch leg.transport {
        case .secure(let secure):
            destination = secure.mediaDestination
            sendLength = isRTCP ? secure.protectRTCP(room, length: length) : secure.protectRTP(room, length: length)
        case .plain(let plain):
            destination = isRTCP ? plain.rtcpDestination : plain.rtpDestination
            viaRTCPSocket = isRTCP && !plain.rtcpMux && leg.rtcpSocket.descriptor >= 0
            sendLength = isRTCP ? plain.prepareRTCP(room, length: length) : plain.prepareRTP(room, length: length)
        }
        guard let sendLength, let destination else { return false }
        let datagram = UnsafeRawBufferPointer(rebasing: buffer[0..<sendLength])
        let sent: Bool
        if viaRTCPSocket {
            sent = leg.rtcpSocket.send(datagram, to: destination)
        } else if leg.fastDescriptor >= 0, destination == leg.fastPeer {
            // The connected socket's route is cached: the kernel looks up nothing per datagram.
            sent = MediaSocket.send(datagram, connected: leg.fastDescriptor)
        } else {
            sent = leg.socket.send(datagram, to: destination)
        }
        if sent, !isRTCP {
            leg.packetsSent &+= 1
            leg.bytesSent &+= sendLength
        }
        return sent
    }

    /// Copies a packet this side built into the send scratch buffer and transmits it.
    @discardableResult
    private func transmit(_ packet: UnsafeRawBufferPointer, on leg: Leg, isRTCP: Bool) -> Bool {
        guard packet.count <= Self.scratchCapacity - Self.srtpRoom else { return false }
        sendScratch.copyMemory(from: packet)
        return transmit(sendScratch, length: packet.count, on: leg, isRTCP: isRTCP)
    }

    /// Builds an RTP header and payload for `leg` in the send scratch buffer and transmits it.
    @discardableResult
    private func transmitRTP(
        on leg: Leg, marker: Bool, payloadType: UInt8, sequence: UInt16, timestamp: UInt32,
        payload: UnsafeRawBufferPointer
    ) -> Bool {
        let length = RTPPacketView.fixedHeaderLength + payload.count
        guard length <= Self.scratchCapacity - Self.srtpRoom else { return false }
        sendScratch.storeBytes(of: UInt8(0x80), toByteOffset: 0, as: UInt8.self)
        sendScratch.storeBytes(of: (marker ? 0x80 : 0) | (payloadType & 0x7F), toByteOffset: 1, as: UInt8.self)
        sendScratch.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
        sendScratch.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        sendScratch.storeBytes(of: leg.rewriter.ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        if let base = payload.baseAddress {
            (sendScratch.baseAddress! + RTPPacketView.fixedHeaderLength).copyMemory(
                from: base, byteCount: payload.count)
        }
        return transmit(sendScratch, length: length, on: leg, isRTCP: false)
    }

    // MARK: Transcoding and generated media

    /// Decodes each leg's audio and re-encodes it in the other leg's codec, every `ptime` milliseconds.
    /// The SIP leg never goes quiet: when the client sends nothing (DTX, mute, hold) the transcoder
    /// conceals, then sends silence, so carriers' RTP timeouts and NAT bindings hold.
    public func startTranscoding(
        jingle: (codec: AudioCodec, payloadType: UInt8), sip: (codec: AudioCodec, payloadType: UInt8),
        opus: OpusEncoder.Configuration = OpusEncoder.Configuration(), ptime: Int = 20
    ) throws(MediaError) {
        let toSIP = try AudioTranscoder(
            configuration: .init(input: jingle.codec, output: sip.codec, outputPtime: ptime, opus: opus))
        let toJingle = try AudioTranscoder(
            configuration: .init(input: sip.codec, output: jingle.codec, outputPtime: ptime, opus: opus))
        transcoders = [toSIP, toJingle]
        allocatePayloadScratch()
        transcoderInputTypes = [jingle.payloadType, sip.payloadType]
        outputPayloadTypes = [jingle.payloadType, sip.payloadType]
        setClockRate(on: .jingle, UInt32(jingle.codec.rtpClockRate))
        setClockRate(on: .sip, UInt32(sip.codec.rtpClockRate))
        setMode(.transcode)
        startTicker(ptime: ptime)
    }

    /// RFC 4733 events in a transcoded call: forwarded to the other leg's telephone-event payload type,
    /// durations converted between the legs' clock rates (8000 <-> 48000), every packet of one event with the
    /// same timestamp on our outbound stream.
    public func setTelephoneEvents(jingle: (UInt8, UInt32)?, sip: (UInt8, UInt32)?) {
        telephoneEvents = [jingle.map { ($0.0, $0.1) }, sip.map { ($0.0, $0.1) }]
    }

    private func forwardEvent(_ view: RTPPacketView, from source: LegID, now: NIODeadline) {
        let target = source.other
        guard let sourceEvent = telephoneEvents[source.rawValue], let targetEvent = telephoneEvents[target.rawValue],
            let leg = legs[target.rawValue],
            let event = try? TelephoneEvent(payload: UnsafeRawBufferPointer(rebasing: view.bytes[view.payloadRange]))
        else { return }
        let converted = event.converted(from: sourceEvent.clockRate, to: targetEvent.clockRate)
        let mediaTime = SecureMediaTransport.mediaTime(now)
        var marker = false
        let timestamp: UInt32
        if let current = forwardedEvent[source.rawValue], current.source == view.timestamp {
            timestamp = current.target
        } else {
            // A new event: it starts at our stream's current position.
            timestamp = leg.rewriter.lastTimestamp
            forwardedEvent[source.rawValue] = (view.timestamp, timestamp)
            marker = true
            onDTMF?(source, event.event)
        }
        guard leg.channel != nil, let encoded = try? converted.encoded() else { return }
        _ = encoded.withUnsafeBytes { payload in
            transmitRTP(
                on: leg, marker: marker, payloadType: targetEvent.payloadType,
                sequence: leg.rewriter.nextSequence(now: mediaTime), timestamp: timestamp, payload: payload)
        }
    }

    /// Sends one DTMF digit as RFC 4733 events on `leg` (for digits that arrived by SIP INFO): updates every
    /// 50 ms for `duration`, then the end packet three times (RFC 4733 section 2.5.1.4). Needs the leg's
    /// telephone-event payload type (`setTelephoneEvents`); returns false without one.
    @discardableResult
    public func sendDTMF(on id: LegID, event code: UInt8, duration: TimeAmount = .milliseconds(160)) -> Bool {
        guard let event = telephoneEvents[id.rawValue], let leg = legs[id.rawValue], leg.channel != nil else {
            return false
        }
        let start = leg.rewriter.lastTimestamp
        let step = TimeAmount.milliseconds(50)
        let total = max(1, Int(duration.nanoseconds / step.nanoseconds))
        for index in 0...(total + 2) {
            let isEnd = index >= total
            let elapsed = min(index + 1, total)
            let units = UInt16(clamping: Int64(event.clockRate) * Int64(elapsed) * 50 / 1000)
            let packet = TelephoneEvent(event: code, isEnd: isEnd, volume: 10, duration: units)
            eventLoop.assumeIsolated().scheduleTask(in: step * Int64(min(index, total))) { [weak self] in
                guard let self, !self.closed, let leg = self.legs[id.rawValue], leg.channel != nil,
                    let encoded = try? packet.encoded()
                else { return }
                let now = SecureMediaTransport.mediaTime(self.eventLoop.now)
                _ = encoded.withUnsafeBytes { payload in
                    self.transmitRTP(
                        on: leg, marker: index == 0, payloadType: event.payloadType,
                        sequence: leg.rewriter.nextSequence(now: now), timestamp: start, payload: payload)
                }
            }
        }
        return true
    }

    /// Sends a tone on `leg` in `codec` (the `tone@` extension and diagnostics).
    public func startTone(
        on id: LegID, codec: AudioCodec, payloadType: UInt8, frequency: Double, ptime: Int = 20
    ) throws(MediaError) {
        let encoder = try AudioTranscoder(configuration: .init(input: codec, output: codec, outputPtime: ptime))
        allocatePayloadScratch()
        tone = (
            id, ToneGenerator(frequency: frequency, amplitude: 0.25, sampleRate: encoder.sampleRate), encoder,
            payloadType
        )
        setClockRate(on: id, UInt32(codec.rtpClockRate))
        setMode(.tone(id))
        startTicker(ptime: ptime)
    }

    private func allocatePayloadScratch() {
        if payloadScratch.isEmpty { payloadScratch = [UInt8](repeating: 0, count: 1500) }
    }

    private func startTicker(ptime: Int) {
        ticker?.cancel()
        tickerInterval = .milliseconds(Int64(ptime))
        tickerNext = eventLoop.now + tickerInterval
        ticker = try? eventLoop.assumeIsolated().scheduleCallback(at: tickerNext, handler: timerHandlers.ticker)
    }

    func tickerFired() {
        guard !closed else { return }
        tick()
        // Absolute deadlines: the packet rate does not drift with timer latency.
        tickerNext = tickerNext + tickerInterval
        let now = eventLoop.now
        if tickerNext < now { tickerNext = now + tickerInterval }
        ticker = try? eventLoop.assumeIsolated().scheduleCallback(at: tickerNext, handler: timerHandlers.ticker)
    }

    private func tick() {
        let now = SecureMediaTransport.mediaTime(eventLoop.now)
        switch mode {
        case .transcode:
            for source in [LegID.jingle, .sip] {
                guard let transcoder = transcoders[source.rawValue] else { continue }
                let target = source.other
                let payloadType = outputPayloadTypes[target.rawValue]
                payloadScratch.withUnsafeMutableBytes { out in
                    guard let frame = try? transcoder.produceFrame(now: now, into: out) else { return }
                    sendRTP(
                        on: target, payloadType: payloadType,
                        payload: UnsafeRawBufferPointer(rebasing: out[0..<frame.payloadLength]),
                        samples: frame.duration, marker: frame.marker)
                }
            }
        case .tone:
            guard let (id, initial, encoder, payloadType) = tone else { return }
            var generator = initial
            payloadScratch.withUnsafeMutableBytes { out in
                guard let frame = try? encoder.produceFrame(from: &generator, into: out) else { return }
                sendRTP(
                    on: id, payloadType: payloadType,
                    payload: UnsafeRawBufferPointer(rebasing: out[0..<frame.payloadLength]),
                    samples: frame.duration, marker: frame.marker)
            }
            tone = (id, generator, encoder, payloadType)
        default:
            break
        }
    }

    /// Sends a packet this side generates (tone, silence, transcoder output) on `leg`, continuing the leg's
    /// outbound stream; `samples` is the frame's duration in RTP clock units.
    public func sendRTP(
        on id: LegID, payloadType: UInt8, payload: UnsafeRawBufferPointer, samples: UInt32, marker: Bool = false
    ) {
        guard let leg = legs[id.rawValue], leg.channel != nil, !closed else { return }
        let now = SecureMediaTransport.mediaTime(eventLoop.now)
        let (sequence, timestamp) = leg.rewriter.next(samples: samples, now: now)
        guard
            transmitRTP(
                on: leg, marker: marker, payloadType: payloadType, sequence: sequence, timestamp: timestamp,
                payload: payload)
        else { return }
        leg.rtcp.sent(timestamp: timestamp, payloadOctets: payload.count, now: now)
    }

    /// Sends the leg's RTCP report when it is due.
    private func sendReport(on leg: Leg, now: NIODeadline) {
        guard let report = leg.rtcp.pollReport(now: SecureMediaTransport.mediaTime(now), wallClock: Self.wallClock())
        else { return }
        sendRTCP(report, on: leg)
    }

    private func sendRTCP(_ report: [UInt8], on leg: Leg) {
        _ = report.withUnsafeBytes { transmit($0, on: leg, isRTCP: true) }
    }

    /// Wall-clock time for NTP timestamps in RTCP; nothing else in the engine reads it.
    static func wallClock() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    // MARK: Control traffic and timers

    /// Sends what a secure transport queued, reports its events and re-arms the timer.
    func pump(_ leg: Leg) {
        guard case .secure(let secure) = leg.transport else { return }
        // Before the socket is bound, datagrams wait in the transport.
        if leg.channel != nil {
            while let transmit = secure.pollTransmit() {
                _ = transmit.datagram.withUnsafeBytes { leg.socket.send($0, to: transmit.destination) }
            }
        }
        while let event = secure.pollEvent() { onEvent(.transport(leg.id, event)) }
        armTimer()
    }

    private func armTimer() {
        guard !closed else { return }
        // A loop, not compactMap: this runs for every STUN and DTLS datagram and must not allocate.
        var deadline: NIODeadline?
        for case let leg? in legs {
            guard case .secure(let secure) = leg.transport, let next = secure.nextDeadline else { continue }
            deadline = deadline.map { min($0, next) } ?? next
        }
        guard deadline != timerDeadline else { return }
        timer?.cancel()
        timerDeadline = deadline
        guard let deadline else { return }
        timer = try? eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: timerHandlers.transports)
    }

    func transportTimerFired() {
        timerDeadline = nil
        timer = nil
        let now = eventLoop.now
        for case let leg? in legs {
            if case .secure(let secure) = leg.transport {
                secure.timerFired(now: now)
                pump(leg)
            }
        }
        armTimer()
    }

    private func startHousekeeping() {
        guard !housekeepingStarted else { return }
        housekeepingStarted = true
        scheduleHousekeeping()
    }

    /// RTCP reports and inactivity, each when due: the timer is armed for the earliest RTCP report or inactivity
    /// deadline of the legs (no later than `housekeepingInterval`, so a changed `inactivityTimeout` is seen),
    /// rather than every second.
    private func scheduleHousekeeping() {
        let now = eventLoop.now
        var next = now + Self.housekeepingInterval
        for case let leg? in legs {
            if let report = leg.rtcp.nextReport {
                next = min(next, .uptimeNanoseconds(UInt64(max(0, report.nanoseconds))))
            }
            if let timeout = inactivityTimeout, !leg.reportedInactive { next = min(next, leg.lastReceived + timeout) }
        }
        housekeeping = try? eventLoop.assumeIsolated().scheduleCallback(
            at: max(next, now), handler: timerHandlers.housekeeping)
    }

    func housekeepingFired() {
        guard !closed else { return }
        let now = eventLoop.now
        for case let leg? in legs { sendReport(on: leg, now: now) }
        if let timeout = inactivityTimeout {
            for case let leg? in legs where !leg.reportedInactive && now - leg.lastReceived >= timeout {
                leg.reportedInactive = true
                onEvent(.inactive(leg.id))
            }
        }
        scheduleHousekeeping()
    }

    /// The longest the housekeeping timer waits.
    static let housekeepingInterval = TimeAmount.seconds(5)

    /// Binds a socket for the leg (its RTP socket, or with `rtcp` its RTCP socket): NIO reads it, the leg
    /// sends on it directly.
    private func bind(_ leg: Leg, host: String, port: Int, rtcp: Bool) -> EventLoopFuture<any Channel> {
        let socket: MediaSocket
        do {
            socket = try MediaSocket.bound(host: host, port: port)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let target = NIOLoopBound((media: self, leg: leg), eventLoop: eventLoop)
        return DatagramBootstrap(group: eventLoop)
            // One datagram per read: epoll is level-triggered, and a second read would mostly return EAGAIN.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = LegSocketHandler(media: target.value.media, leg: target.value.leg, rtcp: rtcp)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .withBoundSocket(socket.descriptor).assumeIsolated().map { channel in
                if rtcp { leg.rtcpSocket = socket } else { leg.socket = socket }
                return channel
            }.nonisolated()
    }
}
