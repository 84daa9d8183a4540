internal import COpenSSL

/// One OpenSSL DTLS 1.2 connection over two memory BIOs: the small C wrapper under `DTLSSession`.
///
/// Datagrams go in with `feed(_:)` (one at a time, each fully processed before the next, so a memory BIO
/// read returns exactly one datagram as DTLS requires); what OpenSSL writes comes out of `takeOutput()`,
/// one element per datagram. No socket, no clock of ours.
///
/// ## Retransmission on the engine clock
/// OpenSSL decides whether its DTLS timer has expired by reading the wall clock (`gettimeofday`), and it
/// checks (and, if expired, retransmits) at the start of every record read. `DTLSv1_handle_timeout` called
/// when *our* deadline passes therefore does nothing under virtual time, and a timer that always reads as
/// expired would retransmit on every datagram fed in. So the timer callback (`DTLS_set_timer_cb`) is used
/// to make OpenSSL produce the retransmissions when we choose and to hold them until the engine clock says
/// they are due:
/// - when OpenSSL starts the timer for a new flight (callback with 0), we answer "1 µs", which OpenSSL's
///   15 ms rounding treats as already expired; the record read that follows in the same call then finds
///   the timer expired and retransmits the flight;
/// - each such retransmission (callback with the previous value) is captured into a *spare* instead of the
///   output, and we keep answering 1 µs until `spareBudget` spares exist, then `UInt32.max` µs (71 minutes),
///   so OpenSSL's own timer never fires again for this flight;
/// - `retransmit()` hands out the next spare when the session's deadline passes. Every spare is a real
///   OpenSSL retransmission with fresh record sequence numbers, so a peer that already has the flight
///   still sees a retransmitted Finished and resends its final flight (RFC 6347 section 4.2.4).
/// The budget is the number of retransmissions the session's schedule can make before its total timeout
/// (4 with the defaults), capped at 10 because OpenSSL fails a flight after 12 timeouts.
///
/// ## Ownership
/// `ssl` is owned and freed once in `deinit`; `SSL_set_bio` hands both BIOs to it, so `SSL_free` frees them
/// and they are only borrowed here. The SSL's app-data slot and the write BIO's callback argument hold an
/// *unretained* pointer to `self`: valid for as long as OpenSSL can call back, because OpenSSL calls back
/// only from calls this object makes and from the `SSL_free` in `deinit` (the BIO free notification, which
/// the callback ignores without dereferencing the pointer).
final class DTLSConnection {
    /// How a handshake step ended.
    enum Progress {
        case inProgress
        case completed
        case failed(MediaError)
    }

    /// How processing input after the handshake ended.
    enum ReadOutcome {
        case open
        case closedByPeer
        case failed(MediaError)
    }

    /// SSL_OP_NO_QUERY_MTU (bit 12): the MTU is ours (memory BIOs know none); also keeps OpenSSL from
    /// shrinking it after the retransmissions it makes for spares. SSL_OP_NO_TICKET (bit 14): no session
    /// tickets, nothing is resumed. SSL_OP_NO_RENEGOTIATION (bit 30): DTLS-SRTP never renegotiates.
    static let contextOptions: UInt64 = 1 << 12 | 1 << 14 | 1 << 30

    /// Timer answer that OpenSSL treats as already expired (remaining time under 15 ms counts as zero).
    private static let expireImmediately: UInt32 = 1
    /// Timer answer that keeps OpenSSL's wall-clock timer from expiring during any handshake we allow.
    private static let neverExpire: UInt32 = .max
    /// Largest datagram accepted: a DTLS record is at most 2^14 + 2048 bytes of payload plus its header.
    static let maximumDatagram = 18_432

    let role: DTLSRole
    /// `SSL *`, owned.
    private let ssl: OpaquePointer
    /// `BIO *` OpenSSL reads from, owned by `ssl`.
    private let readBIO: OpaquePointer
    /// `BIO *` OpenSSL writes to, owned by `ssl`.
    private let writeBIO: OpaquePointer

    /// How many retransmissions of the next flight to prepare; the session sets it before each call.
    var spareBudget = 0
    /// Fingerprints the verify callback checks the peer's certificate against; empty until signalled.
    var expectedFingerprints: [DTLSFingerprint] = []

    /// Why the verify callback rejected the peer's certificate, if it did.
    private(set) var fingerprintFailure: MediaError?
    /// Whether OpenSSL started the retransmission timer for a new flight during the last call.
    private(set) var flightStarted = false

    private var output: [[UInt8]] = []
    private var spares: [[[UInt8]]] = []
    private var sparesMade = 0
    private var writingSpare = false
    private var recordingFlight = false
    /// The last copy of the current flight that went out, resent as is if no fresh copy is left.
    private var lastFlight: [[UInt8]] = []
    private var alertsReceived: [DTLSAlert] = []
    private var lastAlertSent: DTLSAlert?

    /// Creates the connection in client (connect) or server (accept) state, offering `profiles` in `use_srtp`.
    init(certificate: DTLSCertificate, role: DTLSRole, profiles: [SRTPProfile], mtu: Int) throws(MediaError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(certificate.context) else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "SSL_new failed")
        }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "BIO_new failed")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "BIO_new failed")
        }
        // An empty memory BIO reports "retry" rather than end of file (BIO_s_mem(3)).
        _ = BIO_ctrl(readBIO, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        _ = BIO_ctrl(writeBIO, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        SSL_set_bio(ssl, readBIO, writeBIO)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.role = role

        let unretained = Unmanaged.passUnretained(self).toOpaque()
        _ = SSL_set_ex_data(ssl, 0, unretained)
        BIO_set_callback_arg(writeBIO, unretained.assumingMemoryBound(to: CChar.self))
        BIO_set_callback_ex(writeBIO, Self.writeCallback)
        DTLS_set_timer_cb(ssl, Self.timerCallback)
        SSL_set_info_callback(ssl, Self.infoCallback)
        SSL_set_options(ssl, Self.contextOptions)

        let profileList = profiles.map(\.openSSLName).joined(separator: ":")
        // SSL_set_tlsext_use_srtp returns 0 on success (SSL_CTX_set_tlsext_use_srtp(3)).
        guard !profiles.isEmpty, SSL_set_tlsext_use_srtp(ssl, profileList) == 0 else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "cannot offer use_srtp profiles '\(profileList)'")
        }
        guard SSL_ctrl(ssl, SSL_CTRL_SET_MTU, mtu, nil) > 0 else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "MTU \(mtu) rejected")
        }
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    // MARK: - Driving OpenSSL

    /// Queues one datagram for OpenSSL to read. Bytes a previous datagram left unread are dropped first,
    /// so records of two datagrams never run together.
    func feed(_ datagram: [UInt8]) {
        if BIO_ctrl_pending(readBIO) > 0 { _ = BIO_ctrl(readBIO, BIO_CTRL_RESET, 0, nil) }
        datagram.withUnsafeBytes { raw in
            _ = BIO_write(readBIO, raw.baseAddress, Int32(raw.count))
        }
    }

    /// Runs the handshake as far as the queued input allows.
    func handshake() -> Progress {
        begin()
        defer { end() }
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .completed }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .inProgress
        default:
            return .failed(failure(during: "handshake"))
        }
    }

    /// After the handshake: lets OpenSSL process the queued input, which answers a peer's retransmitted
    /// final flight with ours (RFC 6347 section 4.2.4) and notices alerts and close_notify. Application
    /// data has no use in DTLS-SRTP and is discarded.
    func readAfterHandshake() -> ReadOutcome {
        begin()
        defer { end() }
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let result = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if result > 0 { continue }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return .open
            case SSL_ERROR_ZERO_RETURN:
                OpenSSLErrorQueue.clear()
                return .closedByPeer
            default:
                return .failed(failure(during: "read"))
            }
        }
    }

    /// Datagrams for one retransmission of the flight awaiting an answer: the next spare OpenSSL prepared;
    /// failing that, whatever `DTLSv1_handle_timeout` produces; failing that, the last copy again.
    /// Returns a failure if OpenSSL gives up on the flight.
    func retransmit() -> (datagrams: [[UInt8]], failure: MediaError?) {
        if !spares.isEmpty {
            lastFlight = spares.removeFirst()
            return (lastFlight, nil)
        }
        begin()
        let result = SSL_ctrl(ssl, DTLS_CTRL_HANDLE_TIMEOUT, 0, nil)
        end()
        if result < 0 { return ([], failure(during: "retransmission")) }
        if !spares.isEmpty {
            lastFlight = spares.removeFirst()
        }
        return (lastFlight, nil)
    }

    /// Sends close_notify (RFC 5246 section 7.2.1). OpenSSL refuses during the handshake; then nothing is sent.
    func shutdown() {
        begin()
        defer { end() }
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    /// Datagrams OpenSSL wrote since the last call, in order.
    func takeOutput() -> [[UInt8]] {
        defer { output.removeAll() }
        return output
    }

    /// Alerts the peer sent since the last call, in order.
    func takeAlertsReceived() -> [DTLSAlert] {
        defer { alertsReceived.removeAll() }
        return alertsReceived
    }

    /// Whether OpenSSL has a flight awaiting the peer's answer (its timer runs until the answer is complete).
    var awaitsAnswer: Bool {
        var remaining = timeval()
        return SSL_ctrl(ssl, DTLS_CTRL_GET_TIMEOUT, 0, &remaining) == 1
    }

    /// Whether OpenSSL holds records of an earlier datagram it has not processed yet.
    var hasUnprocessedRecords: Bool { SSL_has_pending(ssl) == 1 }

    /// The profile `use_srtp` settled on, if any and if it is one we know.
    var selectedProfile: SRTPProfile? {
        guard let profile = SSL_get_selected_srtp_profile(ssl) else { return nil }
        return SRTPProfile(dtlsProfileID: UInt16(truncatingIfNeeded: profile.pointee.id))
    }

    /// Keying material for `profile` from the exporter with RFC 5764 section 4.2's label and no context.
    func exportSRTPKeyingMaterial(for profile: SRTPProfile) -> [UInt8]? {
        let label = DTLSSRTPKeyingMaterial.exporterLabel
        var material = [UInt8](repeating: 0, count: DTLSSRTPKeyingMaterial.exportedLength(for: profile))
        let ok = material.withUnsafeMutableBufferPointer { out in
            SSL_export_keying_material(ssl, out.baseAddress, out.count, label, label.utf8.count, nil, 0, 0) == 1
        }
        return ok ? material : nil
    }

    /// Digests of the peer's certificate in every supported hash function; empty if it sent none.
    func peerCertificateDigests() -> [DTLSFingerprint.Algorithm: [UInt8]] {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return [:] }
        defer { X509_free(certificate) }
        var digests: [DTLSFingerprint.Algorithm: [UInt8]] = [:]
        for algorithm in DTLSFingerprint.Algorithm.allCases {
            digests[algorithm] = DTLSCertificate.digest(of: certificate, algorithm)
        }
        return digests
    }

    // MARK: - Per-call bookkeeping

    private func begin() {
        OpenSSLErrorQueue.clear()
        flightStarted = false
        writingSpare = false
        recordingFlight = false
    }

    private func end() {
        writingSpare = false
        recordingFlight = false
        // Every written datagram was copied by the write callback; drop the BIO's own copy.
        _ = BIO_ctrl(writeBIO, BIO_CTRL_RESET, 0, nil)
        // A datagram OpenSSL gave up on part-way must not run into the next one.
        if BIO_ctrl_pending(readBIO) > 0 { _ = BIO_ctrl(readBIO, BIO_CTRL_RESET, 0, nil) }
    }

    /// The error for a failed call: the fingerprint rejection if that caused it, else the peer's fatal
    /// alert, else OpenSSL's reason, with OpenSSL giving up after its own timeout count mapped to a timeout.
    private func failure(during step: String) -> MediaError {
        let firstError = ERR_peek_error()
        let detail = OpenSSLErrorQueue.drain()
        if let fingerprintFailure { return fingerprintFailure }
        if let alert = alertsReceived.last(where: { $0.level != .warning }) {
            return MediaError(.dtlsAlertReceived, "peer sent fatal alert \(alert.name) during the \(step)")
        }
        if firstError != 0, ERR_GET_REASON(firstError) == SSL_R_READ_TIMEOUT_EXPIRED {
            return MediaError(.dtlsHandshakeTimeout, "OpenSSL gave up retransmitting the flight")
        }
        var reason = "DTLS \(step) failed"
        if let lastAlertSent { reason += ", sent alert \(lastAlertSent.name)" }
        if let detail { reason += ": \(detail)" }
        return MediaError(.dtlsHandshakeFailed, reason)
    }

    // MARK: - Callbacks from OpenSSL

    private static func owner(of ssl: OpaquePointer?) -> DTLSConnection? {
        guard let ssl, let pointer = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<DTLSConnection>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// A datagram OpenSSL wrote: to the output, or into the spare being prepared. Alerts always go out.
    private func wrote(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let datagram = Array(bytes)
        let isAlert = datagram[0] == DTLSRecordHeader.ContentType.alert.rawValue
        if writingSpare, !isAlert, !spares.isEmpty {
            spares[spares.count - 1].append(datagram)
            return
        }
        output.append(datagram)
        if recordingFlight, !isAlert { lastFlight.append(datagram) }
    }

    /// OpenSSL asks how long the retransmission timer should run; see the type's documentation.
    private func timerInterval(previous: UInt32) -> UInt32 {
        if previous == 0 {
            // The timer starts for a new flight, about to be written: earlier spares are obsolete.
            flightStarted = true
            spares.removeAll()
            sparesMade = 0
            writingSpare = false
            recordingFlight = true
            lastFlight = []
            return spareBudget > 0 ? Self.expireImmediately : Self.neverExpire
        }
        // OpenSSL retransmits the flight as soon as this returns: keep that copy as a spare.
        spares.append([])
        sparesMade += 1
        writingSpare = true
        recordingFlight = false
        return sparesMade < spareBudget ? Self.expireImmediately : Self.neverExpire
    }

    private func verify(_ store: OpaquePointer) -> Int32 {
        // The fingerprint covers the end-entity certificate (RFC 8122 section 5); whatever else the peer
        // sends is neither trusted nor needed.
        guard X509_STORE_CTX_get_error_depth(store) == 0, !expectedFingerprints.isEmpty else { return 1 }
        guard let certificate = X509_STORE_CTX_get_current_cert(store) else { return 0 }
        var digests: [DTLSFingerprint.Algorithm: [UInt8]] = [:]
        for algorithm in DTLSFingerprint.Algorithm.allCases {
            digests[algorithm] = DTLSCertificate.digest(of: certificate, algorithm)
        }
        switch DTLSFingerprint.verify(digests: digests, against: expectedFingerprints) {
        case .success:
            return 1
        case .failure(let error):
            fingerprintFailure = error
            // Makes OpenSSL send bad_certificate (RFC 5246 section 7.2.2).
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
            return 0
        }
    }

    /// `DTLS_timer_cb`.
    private static let timerCallback: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { ssl, previous in
        guard let connection = DTLSConnection.owner(of: ssl) else { return 1_000_000 }
        return connection.timerInterval(previous: previous)
    }

    /// `SSL_CTX_set_verify` callback, installed on every context by `DTLSCertificate`: accepts any issuer
    /// (self-signed is the norm) and checks the leaf against the signalled fingerprints when known.
    static let verifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store,
            let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
            let connection = DTLSConnection.owner(of: OpaquePointer(ssl))
        else { return 0 }
        return connection.verify(store)
    }

    /// `SSL_set_info_callback`: records alerts in both directions.
    private static let infoCallback: @convention(c) (OpaquePointer?, Int32, Int32) -> Void = { ssl, location, value in
        guard let connection = DTLSConnection.owner(of: ssl) else { return }
        if location == SSL_CB_READ_ALERT {
            connection.alertsReceived.append(DTLSAlert(openSSLValue: value))
        } else if location == SSL_CB_WRITE_ALERT {
            connection.lastAlertSent = DTLSAlert(openSSLValue: value)
        }
    }

    /// `BIO_callback_fn_ex` on the write BIO: after each successful write, the bytes are one datagram.
    private static let writeCallback:
        @convention(c) (
            OpaquePointer?, Int32, UnsafePointer<CChar>?, Int, Int32, Int, Int32, UnsafeMutablePointer<Int>?
        ) -> Int = { bio, operation, data, length, _, _, result, processed in
            guard operation == BIO_CB_WRITE | BIO_CB_RETURN, result > 0, let bio, let data,
                let argument = BIO_get_callback_arg(bio)
            else { return Int(result) }
            let connection = Unmanaged<DTLSConnection>.fromOpaque(UnsafeRawPointer(argument)).takeUnretainedValue()
            connection.wrote(UnsafeRawBufferPointer(start: data, count: processed?.pointee ?? length))
            return Int(result)
        }
}
