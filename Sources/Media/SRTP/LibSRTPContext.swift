internal import CSRTP

/// SRTP and SRTCP through libsrtp2, the reference implementation the EVP one is checked against, for the same
/// three profiles (AES_CM_128_HMAC_SHA1_80/_32 and AEAD_AES_128_GCM).
///
/// Two libsrtp sessions back one context, because a libsrtp session takes only one wildcard policy: an
/// `ssrc_any_outbound` session keyed with the outbound master key and an `ssrc_any_inbound` session keyed with
/// the inbound one, both with a 128-packet replay window and repeated transmissions refused. libsrtp adds a
/// stream (a heap allocation) the first time it sees an SSRC; `configuration.streamCapacity` does not apply.
///
/// Ownership: both `srtp_t` sessions are created in `init` and released exactly once with `srtp_dealloc` in
/// `deinit`. libsrtp copies the key while deriving its session keys, so the key arrays need not outlive `init`.
/// Not thread-safe (libsrtp sessions are not).
public final class LibSRTPContext: SRTPProtector {
    public let profile: SRTPProfile
    /// The settings given at creation.
    public let configuration: SRTPConfiguration

    private let outboundSession: OpaquePointer
    private let inboundSession: OpaquePointer

    /// libsrtp's process-wide set-up, run once (Swift initialises static properties exactly once, atomically).
    private static let initialization: srtp_err_status_t = srtp_init()

    /// libsrtp's version string (for the status command and benchmarks).
    public static var libraryVersion: String { String(cString: srtp_get_version_string()) }

    /// The replay window libsrtp keeps per stream, equal to `SRTPReplayWindow.size`.
    private static let windowSize: UInt = 128

    /// A context that protects with `outbound` and unprotects with `inbound`, both of the same profile.
    public init(
        outbound: SRTPMasterKey, inbound: SRTPMasterKey, configuration: SRTPConfiguration = SRTPConfiguration()
    ) throws(MediaError) {
        guard outbound.profile == inbound.profile else {
            throw MediaError(
                .srtpInvalidKey, "outbound key is for \(outbound.profile), inbound key for \(inbound.profile)")
        }
        guard Self.initialization == srtp_err_status_ok else {
            throw MediaError(.srtpCryptoFailure, "srtp_init failed with status \(Self.initialization.rawValue)")
        }
        profile = outbound.profile
        self.configuration = configuration
        let outboundSession = try Self.createSession(
            key: outbound, type: ssrc_any_outbound, encryptRTCP: configuration.encryptsRTCP)
        do {
            inboundSession = try Self.createSession(
                key: inbound, type: ssrc_any_inbound, encryptRTCP: configuration.encryptsRTCP)
        } catch {
            srtp_dealloc(outboundSession)
            throw error
        }
        self.outboundSession = outboundSession
    }

    deinit {
        srtp_dealloc(outboundSession)
        srtp_dealloc(inboundSession)
    }

    private static func createSession(
        key: SRTPMasterKey, type: srtp_ssrc_type_t, encryptRTCP: Bool
    ) throws(MediaError) -> OpaquePointer {
        var policy = srtp_policy_t()
        switch key.profile {
        case .aes128CMHMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aes128CMHMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp)
            // RFC 5764 section 4.1.2: SRTCP keeps its 80-bit tag.
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        if !encryptRTCP { policy.rtcp.sec_serv = sec_serv_auth }
        policy.ssrc.type = type
        policy.window_size = windowSize
        policy.allow_repeat_tx = 0
        var material = key.concatenated
        defer { material.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        var session: OpaquePointer?
        let status = material.withUnsafeMutableBufferPointer { material in
            policy.key = material.baseAddress
            return srtp_create(&session, &policy)
        }
        guard status == srtp_err_status_ok, let session else {
            throw MediaError(.srtpCryptoFailure, "srtp_create failed for \(key.profile) with status \(status.rawValue)")
        }
        return session
    }

    // MARK: SRTPProtector

    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try call(buffer, length: length, overhead: profile.rtpOverhead, what: "SRTP protect") {
            srtp_protect(outboundSession, $0, $1)
        }
    }

    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try call(buffer, length: length, overhead: 0, what: "SRTP unprotect") {
            srtp_unprotect(inboundSession, $0, $1)
        }
    }

    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try call(buffer, length: length, overhead: profile.rtcpOverhead, what: "SRTCP protect") {
            srtp_protect_rtcp(outboundSession, $0, $1)
        }
    }

    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try call(buffer, length: length, overhead: 0, what: "SRTCP unprotect") {
            srtp_unprotect_rtcp(inboundSession, $0, $1)
        }
    }

    public func removeInboundStream(ssrc: UInt32) { _ = srtp_remove_stream(inboundSession, ssrc.bigEndian) }

    public func removeOutboundStream(ssrc: UInt32) { _ = srtp_remove_stream(outboundSession, ssrc.bigEndian) }

    /// Checks the buffer, runs a libsrtp call on it and maps its status to a `MediaError`.
    @inline(__always)
    private func call(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, overhead: Int, what: StaticString,
        _ body: (UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(MediaError) -> Int {
        guard let base = buffer.baseAddress, length >= 0, length <= buffer.count, length <= Int(Int32.max) else {
            throw MediaError(.invalidLength, "packet length \(length) outside a buffer of \(buffer.count) octets")
        }
        guard buffer.count - length >= overhead else {
            throw MediaError(
                .bufferTooSmall,
                "SRTP needs \(overhead) octets after the packet, the buffer has \(buffer.count - length)")
        }
        // libsrtp reads a fixed header before checking the length; refuse what cannot hold one.
        guard length >= 8 else { throw MediaError(.truncated, "\(what): packet of \(length) octets") }
        var newLength = Int32(length)
        let status = body(base, &newLength)
        guard status == srtp_err_status_ok else { throw Self.error(status, what) }
        return Int(newLength)
    }

    private static func error(_ status: srtp_err_status_t, _ what: StaticString) -> MediaError {
        switch status {
        case srtp_err_status_auth_fail: MediaError(.srtpAuthenticationFailed, "\(what): libsrtp tag mismatch")
        case srtp_err_status_replay_fail: MediaError(.srtpReplayed, "\(what): libsrtp saw the index before")
        case srtp_err_status_replay_old: MediaError(.srtpTooOld, "\(what): libsrtp index behind the replay window")
        case srtp_err_status_key_expired: MediaError(.srtpIndexExhausted, "\(what): libsrtp key usage limit")
        case srtp_err_status_bad_param, srtp_err_status_parse_err:
            MediaError(.invalidField, "\(what): libsrtp rejected the packet (status \(status.rawValue))")
        default: MediaError(.srtpCryptoFailure, "\(what): libsrtp status \(status.rawValue)")
        }
    }
}
