internal import COpenSSL

/// HMAC-SHA1 (RFC 2104) with the keyed inner and outer SHA-1 states computed once, for the SRTP and SRTCP
/// authentication transform (RFC 3711 section 4.2.1), and for STUN MESSAGE-INTEGRITY (`STUNCrypto`).
///
/// Per packet the two states are copied by value and finished, so nothing is allocated; keying allocates
/// nothing either (the padded key lives in a temporary stack buffer). OpenSSL 3's EVP_MAC
/// and HMAC_CTX re-initialise by duplicating a provider digest context, a malloc and a free per packet, which is
/// why this type sits on OpenSSL's plain-struct `SHA_CTX` interface instead.
struct SRTPHMACSHA1 {
    /// Octets of an HMAC-SHA1 output; SRTP sends the first 4 or 10 of them.
    static let outputLength = 20

    private var inner = SHA_CTX()
    private var outer = SHA_CTX()

    /// Keys the two states. SRTP session authentication keys are 20 octets (RFC 3711 section 8.2); any key up to
    /// one SHA-1 block (64 octets) is taken as is, longer ones are hashed first (RFC 2104 section 2).
    init(key: [UInt8]) {
        var inner = SHA_CTX()
        var outer = SHA_CTX()
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > 64 {
                var context = SHA_CTX()
                Self.sha1.initialize(&context)
                key.withUnsafeBytes { Self.sha1.update(&context, $0.baseAddress!, $0.count) }
                Self.sha1.final(block.baseAddress!, &context)
            } else {
                key.withUnsafeBytes { block.copyMemory(from: $0) }
            }
            for index in 0..<64 { block[index] ^= 0x36 }
            Self.sha1.initialize(&inner)
            Self.sha1.update(&inner, block.baseAddress!, 64)
            for index in 0..<64 { block[index] ^= 0x36 ^ 0x5C }
            Self.sha1.initialize(&outer)
            Self.sha1.update(&outer, block.baseAddress!, 64)
            // The pads are secrets too.
            OPENSSL_cleanse(block.baseAddress, 64)
        }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC over `message` followed by `suffix` (SRTP appends the rollover counter, RFC 3711 section 4.2), written
    /// as 20 octets at `output`.
    @inline(__always)
    func authenticate(
        _ message: UnsafeRawBufferPointer, suffix: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer
    ) {
        var context = inner
        if message.count > 0 { Self.sha1.update(&context, message.baseAddress!, message.count) }
        if suffix.count > 0 { Self.sha1.update(&context, suffix.baseAddress!, suffix.count) }
        Self.sha1.final(output, &context)
        context = outer
        Self.sha1.update(&context, UnsafeRawPointer(output), Self.outputLength)
        Self.sha1.final(output, &context)
    }

    /// HMAC over the concatenation of `parts`.
    func authenticate(_ parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        var context = inner
        for part in parts where part.count > 0 { Self.sha1.update(&context, part.baseAddress!, part.count) }
        var output = [UInt8](repeating: 0, count: Self.outputLength)
        output.withUnsafeMutableBytes { digest in
            Self.sha1.final(digest.baseAddress!, &context)
            context = outer
            Self.sha1.update(&context, UnsafeRawPointer(digest.baseAddress!), Self.outputLength)
            Self.sha1.final(digest.baseAddress!, &context)
        }
        return output
    }

    /// Overwrites the keyed states (called when the owning context goes away).
    mutating func clear() {
        OPENSSL_cleanse(&inner, MemoryLayout<SHA_CTX>.size)
        OPENSSL_cleanse(&outer, MemoryLayout<SHA_CTX>.size)
    }

    /// Reached through the protocol so that the deprecation of the low-level SHA-1 functions stays inside
    /// `LowLevelSHA1` (see there).
    private static let sha1: any SHA1Primitive = LowLevelSHA1()
}

/// The three SHA-1 steps HMAC needs.
private protocol SHA1Primitive: Sendable {
    func initialize(_ context: UnsafeMutablePointer<SHA_CTX>)
    func update(_ context: UnsafeMutablePointer<SHA_CTX>, _ bytes: UnsafeRawPointer, _ count: Int)
    func final(_ digest: UnsafeMutableRawPointer, _ context: UnsafeMutablePointer<SHA_CTX>)
}

/// OpenSSL's `SHA1_Init`/`SHA1_Update`/`SHA1_Final`. OpenSSL 3.0 deprecates them in favour of EVP_Digest, whose
/// contexts cannot be copied without a heap allocation; they remain part of OpenSSL 3's API (removed only with
/// `OPENSSL_NO_DEPRECATED_3_0`). The witnesses are marked deprecated so the compiler does not warn inside them,
/// and callers go through `SHA1Primitive`.
private struct LowLevelSHA1: SHA1Primitive {
    @available(*, deprecated, message: "OpenSSL 3 deprecates the low-level SHA-1 functions")
    func initialize(_ context: UnsafeMutablePointer<SHA_CTX>) { SHA1_Init(context) }

    @available(*, deprecated, message: "OpenSSL 3 deprecates the low-level SHA-1 functions")
    func update(_ context: UnsafeMutablePointer<SHA_CTX>, _ bytes: UnsafeRawPointer, _ count: Int) {
        SHA1_Update(context, bytes, count)
    }

    @available(*, deprecated, message: "OpenSSL 3 deprecates the low-level SHA-1 functions")
    func final(_ digest: UnsafeMutableRawPointer, _ context: UnsafeMutablePointer<SHA_CTX>) {
        SHA1_Final(digest.assumingMemoryBound(to: UInt8.self), context)
    }
}
