/// A TLS/DTLS alert (RFC 5246 section 7.2, used unchanged by RFC 6347 section 4.1).
public struct DTLSAlert: Hashable, Sendable, CustomStringConvertible {
    /// The alert level byte.
    public enum Level: Hashable, Sendable {
        case warning
        case fatal
        /// A level byte other than 1 or 2; OpenSSL treats the alert as a protocol error.
        case unknown(UInt8)

        init(_ byte: UInt8) {
            switch byte {
            case 1: self = .warning
            case 2: self = .fatal
            default: self = .unknown(byte)
            }
        }
    }

    public let level: Level
    /// The AlertDescription value.
    public let code: UInt8

    public init(level: Level, code: UInt8) {
        self.level = level
        self.code = code
    }

    /// From OpenSSL's info-callback form, `level << 8 | description`.
    init(openSSLValue value: Int32) {
        self.init(level: Level(UInt8(truncatingIfNeeded: value >> 8)), code: UInt8(truncatingIfNeeded: value))
    }

    /// Whether this is close_notify (RFC 5246 section 7.2.1).
    public var isCloseNotify: Bool { code == 0 }

    /// The registered name (RFC 5246 section 7.2, RFC 8446 section 6 for later additions).
    public var name: String {
        switch code {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 21: "decryption_failed"
        case 22: "record_overflow"
        case 30: "decompression_failure"
        case 40: "handshake_failure"
        case 41: "no_certificate"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 44: "certificate_revoked"
        case 45: "certificate_expired"
        case 46: "certificate_unknown"
        case 47: "illegal_parameter"
        case 48: "unknown_ca"
        case 49: "access_denied"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 60: "export_restriction"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 112: "unrecognized_name"
        case 115: "unknown_psk_identity"
        case 116: "certificate_required"
        case 120: "no_application_protocol"
        default: "alert_\(code)"
        }
    }

    public var description: String {
        switch level {
        case .warning: "warning \(name)"
        case .fatal: "fatal \(name)"
        case .unknown(let byte): "level-\(byte) \(name)"
        }
    }
}
