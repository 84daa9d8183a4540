import NIOCore

/// The WebRTC-style transport of one leg: ICE, DTLS and SRTP multiplexed on one UDP port with rtcp-mux
/// (RFC 7983, RFC 5761, RFC 8842), sans-IO.
///
/// Datagrams, signalling facts and the time go in; datagrams to send, events and the next deadline come
/// out. Media is never sent before DTLS produced keys (no plain RTP leaks on this leg), and DTLS flights are
/// held until ICE knows where the peer is, then sent to the selected pair (or, before nomination, to the
/// address the peer's own DTLS came from). The driver owns the socket and one timer.
public final class SecureMediaTransport {
    /// What the call learns from the transport.
    public enum Event: Hashable, Sendable {
        case localCandidate(ICECandidate)
        case gatheringComplete
        case iceStateChanged(ICEConnectionState)
        case selectedPairChanged(ICECandidatePair)
        /// RFC 7675: the peer stopped answering consent checks; the call should end.
        case consentLost
        /// Keys exist: media flows from now on.
        case secured(SRTPProfile)
        /// DTLS failed (fingerprint mismatch, handshake timeout, alert): the call should end.
        case securityFailed(MediaError)
        /// The peer closed DTLS with close_notify.
        case closed
    }

    /// What a received datagram turned out to be, after decryption when it was media.
    public enum Received: Equatable {
        /// An RTP packet, decrypted in place: the first `length` octets of the buffer.
        case rtp(length: Int)
        /// A compound RTCP packet, decrypted in place.
        case rtcp(length: Int)
        /// Consumed by ICE or DTLS, or dropped (reason in `lastDropReason` and counted).
        case none
    }

    /// A datagram to send from the leg's socket.
    public struct Transmit: Hashable, Sendable {
        public var destination: TransportAddress
        public var datagram: [UInt8]
    }

    /// Counters for statistics; never reset.
    public struct Counters: Hashable, Sendable {
        public var stunReceived = 0
        public var dtlsReceived = 0
        public var srtpReceived = 0
        public var srtcpReceived = 0
        /// Media before keys, failed authentication, replays, unknown first bytes.
        public var dropped = 0
        public var srtpSent = 0
        public var srtcpSent = 0
    }

    public private(set) var ice: ICEAgent
    public let dtls: DTLSSession
    public let srtpImplementation: SRTPImplementation
    public private(set) var protector: (any SRTPProtector)?
    public private(set) var counters = Counters()
    /// Why the last datagram was dropped, for logs.
    public private(set) var lastDropReason: MediaError?

    private var events: [Event] = []
    private var transmits: [Transmit] = []
    private var heldDTLS: [[UInt8]] = []
    /// Where the peer's DTLS came from before ICE selected a pair.
    private var dtlsPeer: TransportAddress?
    private var localAddress: TransportAddress?
    /// Whether authenticated SRTP or SRTCP came from the peer (and the DTLS connection was released).
    private var peerKeyed = false

    public init(
        ice configuration: ICEConfiguration, certificate: DTLSCertificate,
        dtls dtlsConfiguration: DTLSSession.Configuration = DTLSSession.Configuration(),
        srtpImplementation: SRTPImplementation = .evp
    ) {
        self.ice = ICEAgent(configuration: configuration)
        self.dtls = DTLSSession(certificate: certificate, configuration: dtlsConfiguration)
        self.srtpImplementation = srtpImplementation
    }

    /// The address media goes to: the selected pair's remote address, or before nomination the valid pair
    /// of highest priority (RFC 8445 section 12.1.1: media may flow on a valid pair before selection).
    /// Kept up to date after every ICE input, so the per-packet path reads a stored address instead of copying
    /// the pair (its candidates' strings cost a retain and release each).
    public private(set) var mediaDestination: TransportAddress?

    /// Whether RTP may be sent.
    public var isSecured: Bool { protector != nil }

    // MARK: Signalling

    /// A local host (or public 1:1 NAT) address to advertise; the first one is also the socket's address.
    public func addHostCandidate(_ address: TransportAddress, advertised: TransportAddress? = nil) {
        if localAddress == nil { localAddress = address }
        if let advertised, advertised != address {
            // 1:1 NAT: advertise the public address with the socket as its base (RFC 8445 section 5.1.1.2).
            let candidate = ICECandidate(
                kind: .serverReflexive, address: advertised, base: address,
                priority: ICECandidate.priority(kind: .host, localPreference: 65535),
                foundation: ICECandidate.foundation(kind: .serverReflexive, base: address))
            ice.addLocalCandidate(candidate)
        } else {
            ice.addHostCandidate(address)
        }
        drainICE()
    }

    public func setRemoteCredentials(_ credentials: ICECredentials) {
        ice.setRemoteCredentials(credentials)
        drainICE()
    }

    public func addRemoteCandidate(_ candidate: ICECandidate) {
        ice.addRemoteCandidate(candidate)
        drainICE()
    }

    public func endOfRemoteCandidates() {
        ice.endOfRemoteCandidates()
        drainICE()
    }

    /// The DTLS role signalling decided (RFC 5763 section 5): the `active` end is the client.
    public func setDTLSRole(_ role: DTLSRole, now: NIODeadline) {
        apply(dtls.setRole(role, now: now), now: now)
    }

    /// The peer's fingerprints from signalling; keys are released only after the certificate matched.
    public func setRemoteFingerprints(_ fingerprints: [DTLSFingerprint], now: NIODeadline) {
        apply(dtls.setRemoteFingerprints(fingerprints), now: now)
    }

    // MARK: Datagrams

    /// Feeds a datagram received on the leg's socket. RTP and RTCP are decrypted in place in `buffer`, which
    /// must have room for nothing more than `length`.
    public func receive(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, from source: TransportAddress, now: NIODeadline
    ) -> Received {
        let packet = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        switch MediaPacketKind.classify(packet) {
        case .stun:
            counters.stunReceived += 1
            let local = localAddress ?? source
            ice.handleReceive(Array(packet), from: source, to: local, now: Self.mediaTime(now))
            drainICE()
            return .none
        case .dtls:
            counters.dtlsReceived += 1
            if ice.selectedPair == nil { dtlsPeer = source }
            do {
                apply(try dtls.receive(Array(packet), now: now), now: now)
            } catch {
                drop(error)
            }
            return .none
        case .rtp:
            guard let protector else { return drop(MediaError(.invalidField, "SRTP before DTLS keys")) }
            do {
                let plain = try protector.unprotectRTP(buffer, length: length)
                counters.srtpReceived += 1
                if !peerKeyed { peerProvedKeys() }
                return .rtp(length: plain)
            } catch {
                return drop(error)
            }
        case .rtcp:
            guard let protector else { return drop(MediaError(.invalidField, "SRTCP before DTLS keys")) }
            do {
                let plain = try protector.unprotectRTCP(buffer, length: length)
                counters.srtcpReceived += 1
                if !peerKeyed { peerProvedKeys() }
                return .rtcp(length: plain)
            } catch {
                return drop(error)
            }
        case .zrtp, .turnChannel, .unknown:
            return drop(MediaError(.invalidField, "not STUN, DTLS, RTP or RTCP (RFC 7983)"))
        }
    }

    /// Encrypts an RTP packet in place; returns the SRTP length, or nil (packet dropped) before keys exist or
    /// when ICE has no pair yet. `buffer` must have `profile.rtpOverhead` octets of room after `length`.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard let protector, mediaDestination != nil else { return nil }
        do {
            let protected = try protector.protectRTP(buffer, length: length)
            counters.srtpSent += 1
            return protected
        } catch {
            lastDropReason = error
            return nil
        }
    }

    /// Encrypts a compound RTCP packet in place; see `protectRTP`.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard let protector, mediaDestination != nil else { return nil }
        do {
            let protected = try protector.protectRTCP(buffer, length: length)
            counters.srtcpSent += 1
            return protected
        } catch {
            lastDropReason = error
            return nil
        }
    }

    // MARK: Time

    public var nextDeadline: NIODeadline? {
        let iceDeadline = ice.pollTimeout().map { NIODeadline.uptimeNanoseconds(UInt64(max(0, $0.nanoseconds))) }
        switch (iceDeadline, dtls.nextDeadline) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    public func timerFired(now: NIODeadline) {
        if let deadline = ice.pollTimeout(), deadline <= Self.mediaTime(now) {
            ice.handleTimeout(now: Self.mediaTime(now))
            drainICE()
        }
        if let deadline = dtls.nextDeadline, deadline <= now {
            apply(dtls.timerFired(now: now), now: now)
        }
    }

    /// Ends DTLS with close_notify.
    public func close(now: NIODeadline) {
        apply(dtls.close(), now: now)
    }

    // MARK: Output

    public func pollTransmit() -> Transmit? {
        transmits.isEmpty ? nil : transmits.removeFirst()
    }

    public func pollEvent() -> Event? {
        events.isEmpty ? nil : events.removeFirst()
    }

    // MARK: Internals

    static func mediaTime(_ deadline: NIODeadline) -> MediaTime {
        MediaTime(nanoseconds: Int64(truncatingIfNeeded: deadline.uptimeNanoseconds))
    }

    /// The peer's media authenticated with the DTLS keys: its handshake is complete, so OpenSSL's state can go.
    private func peerProvedKeys() {
        peerKeyed = true
        dtls.releaseConnection()
    }

    @discardableResult
    private func drop(_ error: any Error) -> Received {
        counters.dropped += 1
        lastDropReason = error as? MediaError ?? MediaError(.invalidField, "\(error)")
        return .none
    }

    private func drainICE() {
        mediaDestination = ice.selectedPair?.remote.address ?? validPairDestination
        while let transmit = ice.pollTransmit() {
            transmits.append(Transmit(destination: transmit.destination, datagram: transmit.datagram))
        }
        while let event = ice.pollEvent() {
            switch event {
            case .localCandidate(let candidate): events.append(.localCandidate(candidate))
            case .gatheringComplete: events.append(.gatheringComplete)
            case .roleChanged: break
            case .connectionStateChanged(let state): events.append(.iceStateChanged(state))
            case .selectedPairChanged(let pair):
                events.append(.selectedPairChanged(pair))
                flushDTLS()
            case .consentLost: events.append(.consentLost)
            }
        }
        flushDTLS()
    }

    private var dtlsDestination: TransportAddress? { mediaDestination ?? dtlsPeer }

    /// Before nomination a valid pair is enough to start the handshake (RFC 8842 section 4: DTLS may start
    /// once ICE has a working path).
    private var validPairDestination: TransportAddress? {
        // A loop rather than filter + max: this runs after every STUN datagram and must not allocate.
        var best: (priority: UInt64, address: TransportAddress)?
        for pair in ice.pairs where pair.isValid {
            let priority = pair.priority(role: ice.role)
            if best.map({ priority > $0.priority }) ?? true { best = (priority, pair.remote.address) }
        }
        return best?.address
    }

    private func flushDTLS() {
        guard let destination = dtlsDestination, !heldDTLS.isEmpty else { return }
        for datagram in heldDTLS { transmits.append(Transmit(destination: destination, datagram: datagram)) }
        heldDTLS.removeAll()
    }

    private func apply(_ actions: [DTLSSession.Action], now: NIODeadline) {
        for action in actions {
            switch action {
            case .send(let datagram):
                if let destination = dtlsDestination {
                    transmits.append(Transmit(destination: destination, datagram: datagram))
                } else {
                    // Retransmission timers resend the flight; keep only the latest copies.
                    heldDTLS.append(datagram)
                    if heldDTLS.count > 16 { heldDTLS.removeFirst(heldDTLS.count - 16) }
                }
            case .event(let event):
                handle(event)
            }
        }
    }

    private func handle(_ event: DTLSEvent) {
        switch event {
        case .roleResolved: break
        case .connected(let material):
            guard let role = dtls.role else { return }
            let keys = material.keys(for: role)
            do {
                protector = try srtpImplementation.makeProtector(outbound: keys.outbound, inbound: keys.inbound)
                events.append(.secured(material.profile))
            } catch {
                events.append(.securityFailed(error))
            }
        case .alertReceived: break
        case .closed:
            protector = nil
            events.append(.closed)
        case .failed(let error):
            protector = nil
            events.append(.securityFailed(error))
        }
    }
}
