extension MediaError.Code {
    /// OpenSSL could not build a DTLS context, certificate or key, or read a PEM file.
    public static let dtlsSetupFailed = MediaError.Code("dtls-setup-failed")
    /// The peer's certificate matches none of the fingerprints signalled for it (RFC 8122 section 5,
    /// RFC 5763 section 5), or no fingerprint with a supported hash function was signalled.
    public static let dtlsFingerprintMismatch = MediaError.Code("dtls-fingerprint-mismatch")
    /// No handshake progress within the configured total (RFC 6347 section 4.2.4 leaves the limit to us).
    public static let dtlsHandshakeTimeout = MediaError.Code("dtls-handshake-timeout")
    /// The peer sent a fatal alert (RFC 5246 section 7.2); the reason names it.
    public static let dtlsAlertReceived = MediaError.Code("dtls-alert-received")
    /// The handshake failed locally (OpenSSL's reason is in the error's reason); we sent a fatal alert.
    public static let dtlsHandshakeFailed = MediaError.Code("dtls-handshake-failed")
    /// The handshake finished without a `use_srtp` profile both sides support (RFC 5764 section 4.1.2).
    public static let dtlsNoSRTPProfile = MediaError.Code("dtls-no-srtp-profile")
    /// Signalling assigned a role that contradicts the one the peer's traffic already fixed
    /// (a ClientHello arrived, so we are the server, but the answer made us the client).
    public static let dtlsRoleConflict = MediaError.Code("dtls-role-conflict")
    /// A datagram that is not a DTLS record (RFC 7983 section 7 first-byte range, RFC 6347 section 4.1 header).
    public static let dtlsNotARecord = MediaError.Code("dtls-not-a-record")
}
