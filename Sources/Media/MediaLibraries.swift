internal import COpenSSL
internal import COpus
internal import CSRTP
internal import CSpeexDSP

/// Versions of the C libraries the media engine runs on, for the status command and logs.
public enum MediaLibraries {
    public static var openSSL: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
    public static var srtp: String { String(cString: srtp_get_version_string()) }
    public static var opus: String { String(cString: opus_get_version_string()) }

    /// Proves speexdsp links and works: a resampler is created and destroyed.
    public static var speexDSPAvailable: Bool {
        var error: Int32 = 0
        guard let resampler = speex_resampler_init(1, 48_000, 8_000, 5, &error) else { return false }
        speex_resampler_destroy(resampler)
        return error == 0
    }

    public static var summary: String {
        "\(openSSL); \(srtp); \(opus); speexdsp \(speexDSPAvailable ? "available" : "unavailable")"
    }
}
