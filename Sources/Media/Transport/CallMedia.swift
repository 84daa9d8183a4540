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
/// deadlines and one periodic check for inactivity, and carries the transports' transmits out. Every method
/// must be called on `eventLoop`; events come back on it through `onEvent`. Received RTP is rewritten in the
/// read buffer itself and written on the other leg's channel, so relaying adds no copy.
public final class CallMedia {
    public enum LegID: Int, Hashable, Sendable, CustomStringConvertible {
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
        var destinationCache: (TransportAddress, SocketAddress)?
        /// Where received packets are decrypted and rewritten; reused for every packet.
        var scratch = ByteBufferAllocator().buffer(capacity: 2048)

        init(id: LegID, transport: Transport, rewriter: RTPStreamRewriter, cname: String, now: NIODeadline) {
            self.id = id
            self.transport = transport
            self.rewriter = rewriter
            self.rtcp = RTCPSession(
                ssrc: rewriter.ssrc, cname: cname, receiveClockRate: rewriter.clockRate,
                sendClockRate: rewriter.clockRate)
            self.lastReceived = now
        }

        func socketAddress(for address: TransportAddress) -> SocketAddress {
            if let (cached, socketAddress) = destinationCache, cached == address { return socketAddress }
            let socketAddress = address.socketAddress
            destinationCache = (address, socketAddress)
            return socketAddress
        }
    }

    /// Stands in for a leg's scratch buffer while it is in use, so the buffer stays uniquely referenced.
    private static let placeholder = ByteBuffer()

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
    public var eventsToSignalling: Set<LegID> = []
    /// By source leg: the timestamp of the last event reported to signalling.
    private var signalledEvent: [UInt32?] = [nil, nil]
    private var ticker: Scheduled<Void>?
    private var payloadScratch = [UInt8](repeating: 0, count: 1500)
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var housekeeping: Scheduled<Void>?
    private var housekeepingStarted = false
    private var closed = false

    public init(eventLoop: any EventLoop, inactivityTimeout: TimeAmount? = .seconds(60)) {
        self.eventLoop = eventLoop
        self.inactivityTimeout = inactivityTimeout
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
        return bind(leg, host: bindAddress, port: port).assumeIsolated().flatMap {
            channel -> EventLoopFuture<TransportAddress> in
            leg.channel = channel
            guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
                return self.eventLoop.makeFailedFuture(MediaError(.invalidConfiguration, "socket has no address"))
            }
            leg.localAddress = local
            if case .secure(let secure) = transport {
                secure.addHostCandidate(local, advertised: advertised.map { TransportAddress(ip: $0.ip, port: local.port) })
                self.pump(leg)
            }
            self.startHousekeeping()
            guard let rtcpPort else { return self.eventLoop.makeSucceededFuture(local) }
            return self.bind(leg, host: bindAddress, port: rtcpPort).assumeIsolated().map { channel in
                leg.rtcpChannel = channel
                return local
            }.nonisolated()
        }.nonisolated()
    }

    public func transport(_ id: LegID) -> Transport? { legs[id.rawValue]?.transport }

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
        let channels = legs.compactMap { $0 }.flatMap { [$0.channel, $0.rtcpChannel].compactMap { $0 } }
        let futures = channels.map { $0.close() }
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }

    // MARK: Receiving

    func received(_ envelope: inout AddressedEnvelope<ByteBuffer>, on leg: Leg) {
        guard !closed, let source = TransportAddress(envelope.remoteAddress) else { return }
        let now = eventLoop.now
        // NIO's receive buffer is shared with its pool, so decrypting in it would copy it (an allocation per
        // packet). The leg's own scratch buffer is uniquely referenced again once the previous write went out.
        var buffer = leg.scratch
        leg.scratch = Self.placeholder
        buffer.clear()
        buffer.writeBuffer(&envelope.data)
        defer { leg.scratch = buffer }
        let length = buffer.readableBytes
        let result: PlainRTPTransport.Received
        switch leg.transport {
        case .secure(let secure):
            let outcome = buffer.withUnsafeMutableReadableBytes {
                secure.receive($0, length: length, from: source, now: now)
            }
            switch outcome {
            case .rtp(let plain): result = .rtp(length: plain)
            case .rtcp(let plain): result = .rtcp(length: plain)
            case .none:
                pump(leg)
                return
            }
        case .plain(let plain):
            let before = plain.counters.latches
            result = buffer.withUnsafeMutableReadableBytes {
                plain.receive($0, length: length, from: source, now: now)
            }
            if plain.counters.latches != before, let destination = plain.rtpDestination {
                onEvent(.latched(leg.id, destination))
            }
        }
        if case .rtcp(let plainLength) = result {
            buffer.withUnsafeReadableBytes { bytes in
                leg.rtcp.receivedRTCP(
                    UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength]), now: SecureMediaTransport.mediaTime(now),
                    wallClock: Self.wallClock())
            }
            return
        }
        guard case .rtp(let plainLength) = result else { return }
        buffer.withUnsafeReadableBytes { bytes in
            let view = UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength])
            leg.rtcp.received(
                ssrc: view.uint32(at: 8), sequence: view.uint16(at: 2), timestamp: view.uint32(at: 4),
                now: SecureMediaTransport.mediaTime(now))
        }
        leg.packetsReceived &+= 1
        leg.bytesReceived &+= plainLength
        leg.lastReceived = now
        leg.reportedInactive = false
        if let onRTP {
            buffer.withUnsafeReadableBytes { bytes in
                if let view = try? RTPPacketView(UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength])) {
                    onRTP(leg.id, view)
                }
            }
        }
        if eventsToSignalling.contains(leg.id), let event = telephoneEvents[leg.id.rawValue] {
            let taken = buffer.withUnsafeReadableBytes { bytes -> Bool in
                let packet = UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength])
                guard let view = try? RTPPacketView(packet), view.payloadType == event.payloadType else { return false }
                if signalledEvent[leg.id.rawValue] != view.timestamp,
                    let decoded = try? TelephoneEvent(payload: UnsafeRawBufferPointer(rebasing: packet[view.payloadRange]))
                {
                    signalledEvent[leg.id.rawValue] = view.timestamp
                    onDTMF?(leg.id, decoded.event)
                }
                return true
            }
            if taken { return }
        }
        let target: Leg?
        switch mode {
        case .idle, .tone: target = nil
        case .relay: target = legs[leg.id.other.rawValue]
        case .echo(let id): target = id == leg.id ? leg : nil
        case .transcode:
            target = nil
            if let event = telephoneEvents[leg.id.rawValue], let view = try? buffer.withUnsafeReadableBytes({
                try RTPPacketView(UnsafeRawBufferPointer(rebasing: $0[0..<plainLength]))
            }), view.payloadType == event.payloadType {
                buffer.withUnsafeReadableBytes { bytes in
                    let packet = UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength])
                    guard let view = try? RTPPacketView(packet) else { return }
                    forwardEvent(view, from: leg.id, now: now)
                }
            } else if let transcoder = transcoders[leg.id.rawValue] {
                buffer.withUnsafeReadableBytes { bytes in
                    let packet = UnsafeRawBufferPointer(rebasing: bytes[0..<plainLength])
                    guard let view = try? RTPPacketView(packet), view.payloadType == transcoderInputTypes[leg.id.rawValue]
                    else { return }
                    _ = try? transcoder.receive(
                        payload: UnsafeRawBufferPointer(rebasing: packet[view.payloadRange]),
                        sequence: view.sequenceNumber, timestamp: view.timestamp, marker: view.marker,
                        now: SecureMediaTransport.mediaTime(now))
                }
            }
        }
        guard let target else { return }
        buffer.moveWriterIndex(to: buffer.readerIndex + plainLength)
        send(&buffer, on: target, now: now)
    }

    /// Rewrites and sends an RTP packet held in `buffer` on `leg`.
    private func send(_ buffer: inout ByteBuffer, on leg: Leg, now: NIODeadline) {
        let length = buffer.readableBytes
        guard length >= RTPPacketView.fixedHeaderLength else { return }
        let incomingType = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)! & 0x7F
        let outgoingType = leg.payloadTypeMap[Int(incomingType)]
        guard outgoingType != 0xFF else { return }
        let mediaTime = SecureMediaTransport.mediaTime(now)
        buffer.withUnsafeMutableReadableBytes { bytes in
            leg.rewriter.rewrite(bytes, payloadType: outgoingType, now: mediaTime)
        }
        guard transmit(&buffer, on: leg, isRTCP: false) else { return }
        leg.rtcp.sent(timestamp: leg.rewriter.lastTimestamp, payloadOctets: length - 12, now: mediaTime)
    }

    /// Protects the packet in `buffer` for `leg` (SRTP/SRTCP, or as is on a plain leg) and writes it to the
    /// leg's current destination. False when the leg cannot send yet: no keys, no ICE pair, no address.
    @discardableResult
    private func transmit(_ buffer: inout ByteBuffer, on leg: Leg, isRTCP: Bool) -> Bool {
        guard var channel = leg.channel else { return false }
        let length = buffer.readableBytes
        let overhead = 32  // the largest SRTP tag plus SRTCP's index
        if buffer.writableBytes < overhead { buffer.reserveCapacity(minimumWritableBytes: overhead) }
        buffer.moveWriterIndex(forwardBy: overhead)
        let sendLength: Int?
        let destination: TransportAddress?
        switch leg.transport {
        case .secure(let secure):
            destination = secure.mediaDestination
            sendLength = buffer.withUnsafeMutableReadableBytes {
                isRTCP ? secure.protectRTCP($0, length: length) : secure.protectRTP($0, length: length)
            }
        case .plain(let plain):
            destination = isRTCP ? plain.rtcpDestination : plain.rtpDestination
            if isRTCP, !plain.rtcpMux, let rtcpChannel = leg.rtcpChannel { channel = rtcpChannel }
            sendLength = buffer.withUnsafeMutableReadableBytes {
                isRTCP ? plain.prepareRTCP($0, length: length) : plain.prepareRTP($0, length: length)
            }
        }
        guard let sendLength, let destination else { return false }
        buffer.moveWriterIndex(to: buffer.readerIndex + sendLength)
        if !isRTCP {
            leg.packetsSent &+= 1
            leg.bytesSent &+= sendLength
        }
        channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: leg.socketAddress(for: destination), data: buffer), promise: nil)
        return true
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
        guard let channel = leg.channel, let encoded = try? converted.encoded() else { return }
        var buffer = channel.allocator.buffer(capacity: RTPPacketView.fixedHeaderLength + encoded.count + 32)
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger((marker ? 0x80 : 0) | (targetEvent.payloadType & 0x7F))
        buffer.writeInteger(leg.rewriter.nextSequence(now: mediaTime))
        buffer.writeInteger(timestamp)
        buffer.writeInteger(leg.rewriter.ssrc)
        buffer.writeBytes(encoded)
        transmit(&buffer, on: leg, isRTCP: false)
    }

    /// Sends one DTMF digit as RFC 4733 events on `leg` (for digits that arrived by SIP INFO): updates every
    /// 50 ms for `duration`, then the end packet three times (RFC 4733 section 2.5.1.4). Needs the leg's
    /// telephone-event payload type (`setTelephoneEvents`); returns false without one.
    @discardableResult
    public func sendDTMF(on id: LegID, event code: UInt8, duration: TimeAmount = .milliseconds(160)) -> Bool {
        guard let event = telephoneEvents[id.rawValue], let leg = legs[id.rawValue], leg.channel != nil else { return false }
        let start = leg.rewriter.lastTimestamp
        let step = TimeAmount.milliseconds(50)
        let total = max(1, Int(duration.nanoseconds / step.nanoseconds))
        for index in 0...(total + 2) {
            let isEnd = index >= total
            let elapsed = min(index + 1, total)
            let units = UInt16(clamping: Int64(event.clockRate) * Int64(elapsed) * 50 / 1000)
            let packet = TelephoneEvent(event: code, isEnd: isEnd, volume: 10, duration: units)
            eventLoop.assumeIsolated().scheduleTask(in: step * Int64(min(index, total))) { [weak self] in
                guard let self, !self.closed, let leg = self.legs[id.rawValue], let channel = leg.channel,
                    let encoded = try? packet.encoded()
                else { return }
                let now = SecureMediaTransport.mediaTime(self.eventLoop.now)
                var buffer = channel.allocator.buffer(capacity: RTPPacketView.fixedHeaderLength + encoded.count + 32)
                buffer.writeInteger(UInt8(0x80))
                buffer.writeInteger((index == 0 ? 0x80 : 0) | (event.payloadType & 0x7F))
                buffer.writeInteger(leg.rewriter.nextSequence(now: now))
                buffer.writeInteger(start)
                buffer.writeInteger(leg.rewriter.ssrc)
                buffer.writeBytes(encoded)
                self.transmit(&buffer, on: leg, isRTCP: false)
            }
        }
        return true
    }

    /// Sends a tone on `leg` in `codec` (the `tone@` extension and diagnostics).
    public func startTone(
        on id: LegID, codec: AudioCodec, payloadType: UInt8, frequency: Double, ptime: Int = 20
    ) throws(MediaError) {
        let encoder = try AudioTranscoder(configuration: .init(input: codec, output: codec, outputPtime: ptime))
        tone = (id, ToneGenerator(frequency: frequency, amplitude: 0.25, sampleRate: encoder.sampleRate), encoder, payloadType)
        setClockRate(on: id, UInt32(codec.rtpClockRate))
        setMode(.tone(id))
        startTicker(ptime: ptime)
    }

    private func startTicker(ptime: Int) {
        ticker?.cancel()
        let interval = TimeAmount.milliseconds(Int64(ptime))
        var next = eventLoop.now + interval
        func schedule() {
            ticker = eventLoop.assumeIsolated().scheduleTask(deadline: next) { [weak self] in
                guard let self, !self.closed else { return }
                self.tick()
                // Absolute deadlines: the packet rate does not drift with timer latency.
                next = next + interval
                let now = self.eventLoop.now
                if next < now { next = now + interval }
                schedule()
            }
        }
        schedule()
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
        guard let leg = legs[id.rawValue], let channel = leg.channel, !closed else { return }
        let now = eventLoop.now
        let (sequence, timestamp) = leg.rewriter.next(samples: samples, now: SecureMediaTransport.mediaTime(now))
        var buffer = channel.allocator.buffer(capacity: RTPPacketView.fixedHeaderLength + payload.count + 32)
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger((marker ? 0x80 : 0) | (payloadType & 0x7F))
        buffer.writeInteger(sequence)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(leg.rewriter.ssrc)
        buffer.writeBytes(payload)
        guard transmit(&buffer, on: leg, isRTCP: false) else { return }
        leg.rtcp.sent(timestamp: timestamp, payloadOctets: payload.count, now: SecureMediaTransport.mediaTime(now))
    }

    /// Sends the leg's RTCP report when it is due.
    private func sendReport(on leg: Leg, now: NIODeadline) {
        guard let report = leg.rtcp.pollReport(now: SecureMediaTransport.mediaTime(now), wallClock: Self.wallClock())
        else { return }
        sendRTCP(report, on: leg)
    }

    private func sendRTCP(_ report: [UInt8], on leg: Leg) {
        guard let channel = leg.channel else { return }
        var buffer = channel.allocator.buffer(capacity: report.count + 32)
        buffer.writeBytes(report)
        transmit(&buffer, on: leg, isRTCP: true)
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
        if let channel = leg.channel {
            while let transmit = secure.pollTransmit() {
                var buffer = channel.allocator.buffer(capacity: transmit.datagram.count)
                buffer.writeBytes(transmit.datagram)
                channel.writeAndFlush(
                    AddressedEnvelope(remoteAddress: leg.socketAddress(for: transmit.destination), data: buffer),
                    promise: nil)
            }
        }
        while let event = secure.pollEvent() { onEvent(.transport(leg.id, event)) }
        armTimer()
    }

    private func armTimer() {
        guard !closed else { return }
        let deadline = legs.compactMap { leg -> NIODeadline? in
            guard let leg, case .secure(let secure) = leg.transport else { return nil }
            return secure.nextDeadline
        }.min()
        guard deadline != timerDeadline else { return }
        timer?.cancel()
        timerDeadline = deadline
        guard let deadline else { return }
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            self.timerDeadline = nil
            let now = self.eventLoop.now
            for leg in self.legs.compactMap({ $0 }) {
                if case .secure(let secure) = leg.transport {
                    secure.timerFired(now: now)
                    self.pump(leg)
                }
            }
            self.armTimer()
        }
    }

    private func startHousekeeping() {
        guard !housekeepingStarted else { return }
        housekeepingStarted = true
        scheduleHousekeeping()
    }

    /// Once a second: inactivity.
    private func scheduleHousekeeping() {
        housekeeping = eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [weak self] in
            guard let self, !self.closed else { return }
            let now = self.eventLoop.now
            for leg in self.legs.compactMap({ $0 }) { self.sendReport(on: leg, now: now) }
            if let timeout = self.inactivityTimeout {
                for leg in self.legs.compactMap({ $0 }) where !leg.reportedInactive && now - leg.lastReceived > timeout {
                    leg.reportedInactive = true
                    self.onEvent(.inactive(leg.id))
                }
            }
            self.scheduleHousekeeping()
        }
    }

    private func bind(_ leg: Leg, host: String, port: Int) -> EventLoopFuture<any Channel> {
        let target = NIOLoopBound((media: self, leg: leg), eventLoop: eventLoop)
        return DatagramBootstrap(group: eventLoop)
            // One datagram per read: epoll is level-triggered, and a second read would mostly return EAGAIN.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = MediaDatagramHandler(media: target.value.media, leg: target.value.leg)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: host, port: port)
    }
}

/// Hands each datagram to the call; owns nothing else.
final class MediaDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private weak var media: CallMedia?
    private let leg: CallMedia.Leg

    init(media: CallMedia, leg: CallMedia.Leg) {
        self.media = media
        self.leg = leg
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        media?.received(&envelope, on: leg)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar: the peer is gone or not there yet; inactivity handles it.
    }
}
