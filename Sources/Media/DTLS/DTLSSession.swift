import NIOCore

/// One DTLS-SRTP association (RFC 5764) with one peer, sans-IO: datagrams, signalling facts and the current
/// time go in; datagrams to send, events and the next deadline come out. It never reads a clock, never
/// touches a socket and never schedules anything.
///
/// Driving it:
/// - create it when the call's media starts, with the process certificate;
/// - `setRole(_:now:)` once signalling fixes the role (`DTLSRole(answerSetup:localIsOfferer:)`): as
///   answerer right away, as offerer when the answer arrives. Datagrams that come first are buffered; a
///   ClientHello among them makes us the server on the spot (`.roleResolved(.server)`), since an `actpass`
///   offerer must accept one before the answer (RFC 5763 section 5);
/// - `setRemoteFingerprints(_:)` whenever the peer's fingerprint is known, before or after the handshake;
///   keys are released only after the peer's certificate matched it;
/// - `receive(_:now:)` for every datagram RFC 7983 classifies as DTLS, also after `.connected`: a peer whose
///   copy of our final flight was lost retransmits its own, and only our answer lets it finish;
/// - keep one timer armed for `nextDeadline` and call `timerFired(now:)` when it passes;
/// - `close()` to end the association with close_notify;
/// - `releaseConnection()` once the peer's authenticated SRTP or SRTCP arrived, to free OpenSSL's state.
///
/// Every call returns the actions to carry out in order. A class rather than a struct because it owns an
/// OpenSSL connection; it is not `Sendable` and belongs to the event loop of its call.
public final class DTLSSession {
    /// What the driver must do, in order.
    public enum Action: Hashable, Sendable {
        /// Send this datagram to the peer.
        case send([UInt8])
        /// Report this to the call.
        case event(DTLSEvent)
    }

    /// The session's phase, for statistics and logs.
    public enum Status: Hashable, Sendable {
        /// Signalling has not fixed the role yet and no ClientHello arrived; datagrams are buffered.
        case awaitingRole
        /// Flights are being exchanged (or, as server, the first ClientHello is awaited).
        case handshaking
        /// The handshake is complete but the peer's fingerprint is not known yet: keys are withheld.
        case awaitingFingerprint
        /// Verified and keyed; the session still answers retransmitted final flights and close_notify (until
        /// `releaseConnection()`).
        case connected
        /// Closed by either side with close_notify, or by `close()`.
        case closed
        /// See `failure`.
        case failed
    }

    /// Handshake results awaiting the fingerprint check.
    private struct Established {
        var keyingMaterial: DTLSSRTPKeyingMaterial
        var peerDigests: [DTLSFingerprint.Algorithm: [UInt8]]
    }

    /// What a verified association keeps.
    private struct Connected {
        var keyingMaterial: DTLSSRTPKeyingMaterial
        var remoteFingerprint: DTLSFingerprint
        var peerDigests: [DTLSFingerprint.Algorithm: [UInt8]]
    }

    private enum State {
        case awaitingRole(buffered: [[UInt8]])
        case handshaking(DTLSConnection)
        case awaitingFingerprint(DTLSConnection, Established)
        case connected(DTLSConnection, Connected)
        /// Connected, with the OpenSSL connection freed (`releaseConnection()`).
        case released(Connected)
        case closed
        case failed(MediaError)
    }

    /// The certificate we present.
    public let certificate: DTLSCertificate
    public let configuration: Configuration
    /// Our role, once signalling or a ClientHello fixed it.
    public private(set) var role: DTLSRole?
    /// The fingerprints signalled for the peer; empty until `setRemoteFingerprints(_:)`.
    public private(set) var remoteFingerprints: [DTLSFingerprint] = []

    private var state: State = .awaitingRole(buffered: [])
    private var retransmission: DTLSRetransmissionTimer
    /// When the handshake is abandoned: the configured total after the first flight went out or came in.
    private var handshakeDeadline: NIODeadline?

    public init(certificate: DTLSCertificate, configuration: Configuration = Configuration()) {
        self.certificate = certificate
        self.configuration = configuration
        self.retransmission = DTLSRetransmissionTimer(
            initial: configuration.initialRetransmissionTimeout, maximum: configuration.maximumRetransmissionTimeout)
    }

    // MARK: - Observing

    public var status: Status {
        switch state {
        case .awaitingRole: .awaitingRole
        case .handshaking: .handshaking
        case .awaitingFingerprint: .awaitingFingerprint
        case .connected, .released: .connected
        case .closed: .closed
        case .failed: .failed
        }
    }

    /// The SRTP keys, once `.connected` was reported; `keys(for: role)` gives ours and the peer's.
    public var keyingMaterial: DTLSSRTPKeyingMaterial? {
        switch state {
        case .connected(_, let connected), .released(let connected): connected.keyingMaterial
        default: nil
        }
    }

    /// The signalled fingerprint the peer's certificate matched, once `.connected` was reported.
    public var remoteFingerprint: DTLSFingerprint? {
        switch state {
        case .connected(_, let connected), .released(let connected): connected.remoteFingerprint
        default: nil
        }
    }

    /// Whether `releaseConnection()` freed the OpenSSL connection of this connected session.
    public var isConnectionReleased: Bool {
        if case .released = state { return true }
        return false
    }

    /// Why the session failed, if it did.
    public var failure: MediaError? {
        if case .failed(let error) = state { return error }
        return nil
    }

    /// When `timerFired(now:)` must next be called: the next retransmission or the handshake's total
    /// timeout, whichever is first; nil when no timer is needed.
    public var nextDeadline: NIODeadline? {
        guard case .handshaking = state else { return nil }
        switch (retransmission.deadline, handshakeDeadline) {
        case (let retransmit?, let giveUp?): return min(retransmit, giveUp)
        case (let retransmit?, nil): return retransmit
        case (nil, let giveUp): return giveUp
        }
    }

    // MARK: - Inputs

    /// Fixes our role from signalling and starts the handshake: as client, the ClientHello goes out now.
    /// Buffered datagrams are then processed. The same role again is a no-op; the other role once one is
    /// in effect fails the session with `dtlsRoleConflict`.
    public func setRole(_ role: DTLSRole, now: NIODeadline) -> [Action] {
        switch state {
        case .awaitingRole(let buffered):
            self.role = role
            let connection: DTLSConnection
            do {
                connection = try DTLSConnection(
                    certificate: certificate, role: role, profiles: configuration.srtpProfiles,
                    mtu: configuration.mtu)
            } catch {
                return fail(error, closing: nil)
            }
            connection.expectedFingerprints = remoteFingerprints
            state = .handshaking(connection)
            var actions: [Action] = []
            if role == .client {
                handshakeDeadline = now + configuration.handshakeTimeout
                actions += advanceHandshake(connection, now: now)
            }
            for datagram in buffered {
                actions += process(datagram, now: now)
            }
            return actions
        case .released:
            guard self.role != role else { return [] }
            return fail(
                MediaError(
                    .dtlsRoleConflict,
                    "signalling makes us the DTLS \(role), but the association already ran with us as "
                        + "\(self.role.map { "\($0)" } ?? "-")"),
                closing: nil)
        case .handshaking(let connection), .awaitingFingerprint(let connection, _), .connected(let connection, _):
            guard connection.role != role else { return [] }
            return fail(
                MediaError(
                    .dtlsRoleConflict,
                    "signalling makes us the DTLS \(role), but the association already runs with us as "
                        + "\(connection.role) (the peer sent a ClientHello before the answer)"),
                closing: connection)
        case .closed, .failed:
            return []
        }
    }

    /// The peer's fingerprints from signalling (all `a=fingerprint` lines, or the Jingle `<fingerprint/>`
    /// elements). Checked during the handshake when known by then (a mismatch aborts it with a
    /// bad_certificate alert to the peer), otherwise as soon as they arrive here. A certificate matching none,
    /// or no fingerprint with a supported hash function, fails the session with `dtlsFingerprintMismatch`.
    ///
    /// Once connected, new fingerprints are checked against the certificate in use: a changed certificate
    /// needs a new association (RFC 8842 section 5), that is a new session.
    public func setRemoteFingerprints(_ fingerprints: [DTLSFingerprint]) -> [Action] {
        remoteFingerprints = fingerprints
        switch state {
        case .awaitingRole, .closed, .failed:
            return []
        case .handshaking(let connection):
            connection.expectedFingerprints = fingerprints
            if fingerprints.isEmpty {
                return fail(
                    MediaError(.dtlsFingerprintMismatch, "no fingerprint with a supported hash function"),
                    closing: connection)
            }
            return []
        case .awaitingFingerprint(let connection, let established):
            connection.expectedFingerprints = fingerprints
            return verifyAndConnect(connection, established)
        case .connected(let connection, let connected):
            connection.expectedFingerprints = fingerprints
            if case .failure(let error) = DTLSFingerprint.verify(digests: connected.peerDigests, against: fingerprints)
            {
                return fail(error, closing: connection)
            }
            return []
        case .released(let connected):
            if case .failure(let error) = DTLSFingerprint.verify(digests: connected.peerDigests, against: fingerprints)
            {
                return fail(error, closing: nil)
            }
            return []
        }
    }

    /// A datagram from the peer that RFC 7983 classifies as DTLS. Throws `dtlsNotARecord` for one that
    /// does not even start like a DTLS record (count it and drop it); anything OpenSSL rejects is dropped by
    /// OpenSSL (RFC 6347 section 4.1.2.7) or ends the handshake with a `failed` event.
    public func receive(_ datagram: [UInt8], now: NIODeadline) throws(MediaError) -> [Action] {
        _ = try DTLSRecordHeader(datagram: datagram)
        guard datagram.count <= DTLSConnection.maximumDatagram else {
            throw MediaError(.dtlsNotARecord, "datagram of \(datagram.count) bytes exceeds any DTLS record")
        }
        switch state {
        case .awaitingRole(var buffered):
            if configuration.acceptsClientHelloBeforeRole, DTLSRecordHeader.startsWithClientHello(datagram) {
                var actions: [Action] = [.event(.roleResolved(.server))]
                actions += setRole(.server, now: now)
                actions += process(datagram, now: now)
                return actions
            }
            buffered.append(datagram)
            if buffered.count > configuration.maximumBufferedDatagrams { buffered.removeFirst() }
            state = .awaitingRole(buffered: buffered)
            return []
        case .handshaking, .awaitingFingerprint, .connected:
            return process(datagram, now: now)
        case .released, .closed, .failed:
            return []
        }
    }

    /// Frees the OpenSSL connection of a connected session (its record buffers and handshake state, most of a
    /// relayed call's memory). Call it once authenticated SRTP or SRTCP arrived from the peer: keys on the
    /// peer's side prove its handshake completed, so it will retransmit no final flight that needs our answer
    /// (RFC 6347 section 4.2.4; the rule that the side that finished keeps answering still holds until then).
    /// Afterwards DTLS datagrams are ignored, the peer's close_notify goes unnoticed (signalling and consent
    /// end the call) and `close()` sends none. Returns whether there was a connection to free.
    @discardableResult
    public func releaseConnection() -> Bool {
        guard case .connected(_, let connected) = state else { return false }
        state = .released(connected)
        return true
    }

    /// The deadline from `nextDeadline` passed: retransmit the flight awaiting an answer (RFC 6347 section
    /// 4.2.4), or give up on the handshake with `dtlsHandshakeTimeout` once the configured total is spent.
    public func timerFired(now: NIODeadline) -> [Action] {
        guard case .handshaking(let connection) = state else { return [] }
        if let handshakeDeadline, now >= handshakeDeadline {
            return fail(
                MediaError(
                    .dtlsHandshakeTimeout,
                    "no DTLS handshake within \(Self.seconds(configuration.handshakeTimeout)) "
                        + "(\(retransmission.retransmissions) retransmissions of the last flight)"),
                closing: nil)
        }
        guard let due = retransmission.deadline, now >= due else { return [] }
        connection.spareBudget = spareBudget(now: now)
        let (datagrams, failure) = connection.retransmit()
        if let failure { return fail(failure, closing: nil) }
        retransmission.backOff(now: now)
        return datagrams.map(Action.send)
    }

    /// Ends the association: close_notify once the handshake is complete (RFC 5246 section 7.2.1), nothing
    /// before. Further input is ignored.
    public func close() -> [Action] {
        var actions: [Action] = []
        switch state {
        case .awaitingFingerprint(let connection, _), .connected(let connection, _):
            connection.shutdown()
            actions = connection.takeOutput().map(Action.send)
        case .awaitingRole, .handshaking, .released:
            break
        case .closed, .failed:
            return []
        }
        state = .closed
        retransmission.stop()
        return actions
    }

    // MARK: - Internals

    private func process(_ datagram: [UInt8], now: NIODeadline) -> [Action] {
        switch state {
        case .handshaking(let connection):
            if handshakeDeadline == nil { handshakeDeadline = now + configuration.handshakeTimeout }
            connection.feed(datagram)
            return advanceHandshake(connection, now: now)
        case .awaitingFingerprint(let connection, _), .connected(let connection, _):
            connection.feed(datagram)
            return readEstablished(connection)
        case .awaitingRole, .released, .closed, .failed:
            return []
        }
    }

    /// How many retransmissions of a flight sent now fit before the total timeout; OpenSSL prepares them.
    private func spareBudget(now: NIODeadline) -> Int {
        guard let handshakeDeadline else { return 1 }
        return min(10, retransmission.retransmissions(from: now, before: handshakeDeadline))
    }

    private func advanceHandshake(_ connection: DTLSConnection, now: NIODeadline) -> [Action] {
        connection.spareBudget = spareBudget(now: now)
        let progress = connection.handshake()
        var actions = connection.takeOutput().map(Action.send)
        actions += connection.takeAlertsReceived().map { Action.event(.alertReceived($0)) }
        if connection.flightStarted { retransmission.start(now: now) }
        if !connection.awaitsAnswer { retransmission.stop() }
        switch progress {
        case .inProgress:
            return actions
        case .failed(let error):
            return actions + fail(error, closing: nil)
        case .completed:
            actions += handshakeCompleted(connection)
            // Records that came in the same datagram as the peer's last handshake message (an alert, say).
            switch state {
            case .awaitingFingerprint, .connected:
                if connection.hasUnprocessedRecords { actions += readEstablished(connection) }
            default:
                break
            }
            return actions
        }
    }

    /// RFC 5764 section 4.1.2: a profile must have been agreed; section 4.2: export the keys. They are
    /// released only once the certificate matches the signalled fingerprint.
    private func handshakeCompleted(_ connection: DTLSConnection) -> [Action] {
        retransmission.stop()
        guard let profile = connection.selectedProfile else {
            return fail(
                MediaError(
                    .dtlsNoSRTPProfile,
                    "handshake completed without a use_srtp profile from our offer "
                        + configuration.srtpProfiles.map(\.openSSLName).joined(separator: ":")),
                closing: connection)
        }
        let keyingMaterial: DTLSSRTPKeyingMaterial
        do throws(MediaError) {
            guard let exported = connection.exportSRTPKeyingMaterial(for: profile) else {
                throw OpenSSLErrorQueue.error(.dtlsHandshakeFailed, "keying material export failed")
            }
            keyingMaterial = try DTLSSRTPKeyingMaterial(profile: profile, exported: exported)
        } catch {
            return fail(error, closing: connection)
        }
        let digests = connection.peerCertificateDigests()
        guard !digests.isEmpty else {
            return fail(MediaError(.dtlsHandshakeFailed, "the peer presented no certificate"), closing: connection)
        }
        let established = Established(keyingMaterial: keyingMaterial, peerDigests: digests)
        guard !remoteFingerprints.isEmpty else {
            state = .awaitingFingerprint(connection, established)
            return []
        }
        return verifyAndConnect(connection, established)
    }

    private func verifyAndConnect(_ connection: DTLSConnection, _ established: Established) -> [Action] {
        switch DTLSFingerprint.verify(digests: established.peerDigests, against: remoteFingerprints) {
        case .failure(let error):
            return fail(error, closing: connection)
        case .success(let fingerprint):
            state = .connected(
                connection,
                Connected(
                    keyingMaterial: established.keyingMaterial, remoteFingerprint: fingerprint,
                    peerDigests: established.peerDigests))
            return [.event(.connected(established.keyingMaterial))]
        }
    }

    private func readEstablished(_ connection: DTLSConnection) -> [Action] {
        let outcome = connection.readAfterHandshake()
        var actions = connection.takeOutput().map(Action.send)
        actions += connection.takeAlertsReceived().map { Action.event(.alertReceived($0)) }
        switch outcome {
        case .open:
            return actions
        case .closedByPeer:
            connection.shutdown()
            actions += connection.takeOutput().map(Action.send)
            state = .closed
            return actions + [.event(.closed)]
        case .failed(let error):
            return actions + fail(error, closing: nil)
        }
    }

    /// Enters the failed state. With `closing`, sends close_notify so a peer that completed its side learns
    /// the association is over (after the handshake OpenSSL offers no other way to send an alert).
    private func fail(_ error: MediaError, closing connection: DTLSConnection?) -> [Action] {
        var actions: [Action] = []
        if let connection {
            connection.shutdown()
            actions = connection.takeOutput().map(Action.send)
        }
        state = .failed(error)
        retransmission.stop()
        return actions + [.event(.failed(error))]
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
