import COpenSSL

/// The digest algorithms of RFC 7616 3.3 (which RFC 8760 brings to SIP), hashed with OpenSSL EVP.
public enum DigestAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// MD5, the RFC 2617 default when no algorithm is given.
    case md5 = "MD5"
    /// MD5 with the session variant of A1 (RFC 2617 3.2.2.2).
    case md5Session = "MD5-sess"
    /// SHA-256 (RFC 7616, RFC 8760).
    case sha256 = "SHA-256"
    /// SHA-256 session variant.
    case sha256Session = "SHA-256-sess"
    /// SHA-512/256 (RFC 7616, RFC 8760).
    case sha512_256 = "SHA-512-256"
    /// SHA-512/256 session variant.
    case sha512_256Session = "SHA-512-256-sess"

    /// The algorithm named by an `algorithm` token, compared case-insensitively; nil for an
    /// unknown one.
    public init?(token: String) {
        guard let match = Self.allCases.first(where: { SIPGrammar.equalsIgnoringCase($0.rawValue, token) }) else {
            return nil
        }
        self = match
    }

    /// True for the "-sess" variants, whose A1 includes the nonce and cnonce.
    public var isSession: Bool { rawValue.hasSuffix("-sess") }

    /// The digest of `bytes`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        let md: OpaquePointer? =
            switch self {
            case .md5, .md5Session: EVP_md5()
            case .sha256, .sha256Session: EVP_sha256()
            case .sha512_256, .sha512_256Session: EVP_sha512_256()
            }
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        let ok =
            EVP_DigestInit_ex(ctx, md, nil) == 1
            && bytes.withUnsafeBytes { EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) } == 1
            && EVP_DigestFinal_ex(ctx, &out, &length) == 1
        guard ok else { fatalError("OpenSSL digest \(rawValue) failed") }
        return Array(out.prefix(Int(length)))
    }

    /// The lowercase hex digest of the UTF-8 bytes of `text` (RFC 7616 3.4 `H`).
    public func hexHash(_ text: String) -> String {
        Self.hex(hash(Array(text.utf8)))
    }

    /// The lowercase hex digest of `bytes`.
    public func hexHash(_ bytes: [UInt8]) -> String {
        Self.hex(hash(bytes))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 0xF)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` random bytes from OpenSSL, hex encoded: cnonces and nonces.
    static func randomHex(_ count: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("RAND_bytes failed") }
        return hex(bytes)
    }

    /// Equality that takes the same time wherever the strings differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
