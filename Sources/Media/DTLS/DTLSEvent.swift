/// What a `DTLSSession` reports to the call, besides datagrams to send.
public enum DTLSEvent: Hashable, Sendable {
    /// A ClientHello arrived before signalling fixed the role, so we are the server (RFC 5763 section 5: an
    /// `actpass` offerer must accept one before the answer). A later `setRole(.client)` is a conflict.
    case roleResolved(DTLSRole)
    /// The handshake completed and the peer's certificate matched the signalled fingerprint: SRTP may start,
    /// with `keys(for: session.role)`. Reported once; never before the fingerprint is known and verified.
    case connected(DTLSSRTPKeyingMaterial)
    /// The peer sent an alert (warning or fatal). A fatal one is followed by `failed`, close_notify by `closed`.
    case alertReceived(DTLSAlert)
    /// The peer closed the association with close_notify; we answered with ours.
    case closed
    /// The association is over without usable keys, or has to be abandoned: the error's code says why
    /// (`dtlsFingerprintMismatch`, `dtlsHandshakeTimeout`, `dtlsAlertReceived`, `dtlsHandshakeFailed`,
    /// `dtlsNoSRTPProfile`, `dtlsRoleConflict`, `dtlsSetupFailed`) and its reason gives the detail.
    case failed(MediaError)
}
