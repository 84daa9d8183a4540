internal import COpenSSL

/// HMAC and MD5 through OpenSSL's EVP interfaces, for MESSAGE-INTEGRITY (HMAC-SHA1),
/// MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256) and the long-term credential key (MD5).
enum STUNCrypto {
    enum Digest {
        case sha1
        case sha256

        var name: StaticString {
            switch self {
            case .sha1: "SHA1"
            case .sha256: "SHA256"
            }
        }

        var length: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            }
        }
    }

    /// The HMAC implementation, fetched from the default provider once per process. Sharing it is safe:
    /// OpenSSL's fetched algorithm objects are immutable and reference-counted with atomics, and each call
    /// below uses its own EVP_MAC_CTX. It is never freed (one object for the process lifetime).
    private nonisolated(unsafe) static let hmacAlgorithm: OpaquePointer? = EVP_MAC_fetch(nil, "HMAC", nil)

    /// HMAC over the concatenation of `parts`; nil only if OpenSSL fails (no provider, out of memory).
    static func hmac(_ digest: Digest, key: [UInt8], parts: [UnsafeRawBufferPointer]) -> [UInt8]? {
        // SHA-1 (MESSAGE-INTEGRITY, every ICE check and consent check) on plain SHA-1 states: EVP_MAC would cost
        // about ten allocations per message.
        if case .sha1 = digest { return SRTPHMACSHA1(key: key).authenticate(parts) }
        guard let mac = hmacAlgorithm else { return nil }
        guard let context = EVP_MAC_CTX_new(mac) else { return nil }
        defer { EVP_MAC_CTX_free(context) }
        let initialised = digest.name.withUTF8Buffer { name in
            name.withMemoryRebound(to: CChar.self) { cName in
                "digest".withCString { paramName in
                    var params = [
                        OSSL_PARAM_construct_utf8_string(
                            paramName, UnsafeMutablePointer(mutating: cName.baseAddress), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    // An empty key still needs a valid pointer for OpenSSL.
                    return key.withUnsafeBufferPointer { keyBytes in
                        var zero: UInt8 = 0
                        return withUnsafePointer(to: &zero) { zeroPointer in
                            EVP_MAC_init(context, keyBytes.baseAddress ?? zeroPointer, keyBytes.count, &params) == 1
                        }
                    }
                }
            }
        }
        guard initialised else { return nil }
        for part in parts where part.count > 0 {
            guard EVP_MAC_update(context, part.baseAddress!.assumingMemoryBound(to: UInt8.self), part.count) == 1
            else { return nil }
        }
        var out = [UInt8](repeating: 0, count: digest.length)
        var written = 0
        let finished = out.withUnsafeMutableBufferPointer {
            EVP_MAC_final(context, $0.baseAddress, &written, $0.count) == 1
        }
        guard finished, written == digest.length else { return nil }
        return out
    }

    /// MD5 digest (RFC 8489 section 9.2.2 long-term key); nil if OpenSSL has no MD5 provider.
    static func md5(_ bytes: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_md5(), nil) == 1
            }
        }
        return ok && length == 16 ? out : nil
    }

    /// Comparison whose time does not depend on where the first difference is.
    static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
