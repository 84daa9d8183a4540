extension MediaError.Code {
    /// An SRTP or SRTCP authentication tag (HMAC-SHA1 or the GCM tag) does not match: a tampered packet, a
    /// wrong key, or a packet for another session (RFC 3711 section 3.3 step 4, RFC 7714 section 8).
    public static let srtpAuthenticationFailed = Self("srtp-authentication-failed")
    /// A packet index that was already received (or, when sending, already protected): RFC 3711 section 3.3.2.
    public static let srtpReplayed = Self("srtp-replayed")
    /// A packet index behind the replay window, which can no longer be checked (RFC 3711 section 3.3.2).
    public static let srtpTooOld = Self("srtp-too-old")
    /// The 48-bit SRTP or 31-bit SRTCP index space of a key is used up; the session needs new keys
    /// (RFC 3711 section 9.2).
    public static let srtpIndexExhausted = Self("srtp-index-exhausted")
    /// Every slot of a context's fixed SSRC table is taken by an outbound stream.
    public static let srtpStreamLimit = Self("srtp-stream-limit")
    /// A master key or salt of the wrong length for the profile, or an unknown profile.
    public static let srtpInvalidKey = Self("srtp-invalid-key")
    /// RFC 4568 key-params (`inline:...`) that do not parse.
    public static let srtpInvalidKeyParams = Self("srtp-invalid-key-params")
    /// The crypto library failed (OpenSSL or libsrtp): out of memory, missing algorithm, internal error.
    public static let srtpCryptoFailure = Self("srtp-crypto-failure")
}
