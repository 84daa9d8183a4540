internal import COpenSSL

/// The cryptographic transform of one direction for SRTP or for SRTCP: the session keys in an EVP cipher
/// context and keyed HMAC-SHA1 states, applied to packets in place. Index bookkeeping (rollover, replay) is the
/// caller's; this type only encrypts, decrypts, tags and verifies.
///
/// Ownership: `secrets` (the HMAC states and the session salt) is allocated once in `init`, cleansed and freed
/// exactly once in `deinit`; the type is non-copyable so nothing else frees it.
struct SRTPTransform: ~Copyable {
    /// The key-derived values kept outside OpenSSL.
    private struct Secrets {
        var hmac: SRTPHMACSHA1
        /// The session salt, zero-padded to 16 octets.
        var salt: (UInt64, UInt64)
    }

    let profile: SRTPProfile
    /// Octets of the tag this transform writes or checks.
    let tagLength: Int
    private let cipher: SRTPCipher
    private let secrets: UnsafeMutablePointer<Secrets>

    /// Keys the transform. `sealing` selects GCM encryption rather than decryption (AES-CM is symmetric).
    init(profile: SRTPProfile, keys: SRTPSessionKeys, forRTCP rtcp: Bool, sealing: Bool) throws(MediaError) {
        guard keys.encryptionKey.count == 16, keys.salt.count == profile.sessionSaltLength,
            profile.isAEAD || keys.authenticationKey.count == SRTPHMACSHA1.outputLength
        else { throw MediaError(.srtpInvalidKey, "session keys of the wrong length for \(profile)") }
        let mode: SRTPCipher.Mode =
            profile.isAEAD ? (sealing ? .aes128GCMEncrypt : .aes128GCMDecrypt) : .aes128CounterMode
        let cipher = try SRTPCipher(mode: mode, key: keys.encryptionKey)
        self.cipher = cipher
        self.profile = profile
        tagLength = rtcp ? profile.rtcpTagLength : profile.rtpTagLength
        var salt: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &salt) { $0.copyBytes(from: keys.salt) }
        secrets = .allocate(capacity: 1)
        secrets.initialize(to: Secrets(hmac: SRTPHMACSHA1(key: keys.authenticationKey), salt: salt))
    }

    deinit {
        secrets.pointee.hmac.clear()
        OPENSSL_cleanse(secrets, MemoryLayout<Secrets>.size)
        secrets.deinitialize(count: 1)
        secrets.deallocate()
    }

    // MARK: SRTP (RFC 3711 section 3.1, RFC 7714 section 8)

    /// Encrypts the payload `header..<length` and writes the tag at `length`.
    @inline(__always)
    borrowing func sealRTP(
        _ buffer: UnsafeMutableRawBufferPointer, header: Int, length: Int, ssrc: UInt32, index: UInt64
    ) throws(MediaError) {
        let base = buffer.baseAddress!
        if profile.isAEAD {
            // RFC 7714 section 8.2: the AAD is the whole RTP header, the plaintext the payload with padding.
            let sealed = withGCMIV(ssrc: ssrc, index: index) { iv in
                cipher.seal(
                    iv: iv, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<header]),
                    aadSuffix: UnsafeRawBufferPointer(start: nil, count: 0),
                    data: UnsafeMutableRawBufferPointer(rebasing: buffer[header..<length]), tag: base + length)
            }
            guard sealed else { throw MediaError(.srtpCryptoFailure, "AES-GCM encryption of an RTP packet failed") }
        } else {
            let encrypted = withCounterModeIV(ssrc: ssrc, index: index) { iv in
                cipher.applyKeystream(iv: iv, to: base + header, count: length - header)
            }
            guard encrypted else { throw MediaError(.srtpCryptoFailure, "AES-CM encryption of an RTP packet failed") }
            // RFC 3711 section 4.2: the tag covers the header, the encrypted payload and the ROC.
            writeTag(
                over: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), rolloverCounter: index >> 16,
                at: base + length)
        }
    }

    /// Verifies the tag at `end` and decrypts `header..<end` in place.
    @inline(__always)
    borrowing func openRTP(
        _ buffer: UnsafeMutableRawBufferPointer, header: Int, end: Int, ssrc: UInt32, index: UInt64
    ) throws(MediaError) {
        let base = buffer.baseAddress!
        if profile.isAEAD {
            let opened = withGCMIV(ssrc: ssrc, index: index) { iv in
                cipher.open(
                    iv: iv, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<header]),
                    aadSuffix: UnsafeRawBufferPointer(start: nil, count: 0),
                    data: UnsafeMutableRawBufferPointer(rebasing: buffer[header..<end]), tag: base + end)
            }
            guard opened else { throw MediaError(.srtpAuthenticationFailed, "SRTP AES-GCM tag mismatch") }
        } else {
            guard
                tagMatches(
                    over: UnsafeRawBufferPointer(rebasing: buffer[0..<end]), rolloverCounter: index >> 16,
                    at: base + end)
            else { throw MediaError(.srtpAuthenticationFailed, "SRTP HMAC-SHA1 tag mismatch") }
            let decrypted = withCounterModeIV(ssrc: ssrc, index: index) { iv in
                cipher.applyKeystream(iv: iv, to: base + header, count: end - header)
            }
            guard decrypted else { throw MediaError(.srtpCryptoFailure, "AES-CM decryption of an RTP packet failed") }
        }
    }

    // MARK: SRTCP (RFC 3711 section 3.4, RFC 7714 section 9)

    /// Protects the compound RTCP packet in `0..<length`: appends E || index and the tag in the order the
    /// profile uses, returns the SRTCP length.
    @inline(__always)
    borrowing func sealRTCP(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, ssrc: UInt32, index: UInt32, encrypt: Bool
    ) throws(MediaError) -> Int {
        let base = buffer.baseAddress!
        let clear = SRTPPacketLayout.rtcpClearHeaderLength
        let word = (encrypt ? 0x8000_0000 : 0) | index
        if profile.isAEAD {
            // RFC 7714 section 9: header || ciphertext || tag || E || SRTCP index; the AAD is the clear header
            // (or, unencrypted, the whole packet) followed by E || SRTCP index.
            let wordOffset = length + SRTPCipher.gcmTagLength
            buffer.store(word, at: wordOffset)
            let trailer = UnsafeRawBufferPointer(rebasing: buffer[wordOffset..<(wordOffset + 4)])
            let aadEnd = encrypt ? clear : length
            let sealed = withGCMIV(ssrc: ssrc, index: UInt64(index)) { iv in
                cipher.seal(
                    iv: iv, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<aadEnd]), aadSuffix: trailer,
                    data: UnsafeMutableRawBufferPointer(rebasing: buffer[aadEnd..<length]), tag: base + length)
            }
            guard sealed else { throw MediaError(.srtpCryptoFailure, "AES-GCM encryption of an RTCP packet failed") }
            return wordOffset + 4
        }
        // RFC 3711 section 3.4: header || encrypted portion || E || SRTCP index || tag, the tag over all before it.
        if encrypt {
            let encrypted = withCounterModeIV(ssrc: ssrc, index: UInt64(index)) { iv in
                cipher.applyKeystream(iv: iv, to: base + clear, count: length - clear)
            }
            guard encrypted else { throw MediaError(.srtpCryptoFailure, "AES-CM encryption of an RTCP packet failed") }
        }
        buffer.store(word, at: length)
        writeTag(
            over: UnsafeRawBufferPointer(rebasing: buffer[0..<(length + 4)]), rolloverCounter: nil,
            at: base + length + 4)
        return length + 4 + tagLength
    }

    /// Where an SRTCP packet's E flag and index word is, for the caller to read before the replay check.
    @inline(__always)
    func rtcpTrailerOffset(length: Int) -> Int {
        profile.isAEAD ? length - 4 : length - tagLength - 4
    }

    /// Verifies and (when the E flag says so) decrypts an SRTCP packet whose E || index word is at `wordOffset`;
    /// returns the RTCP length.
    @inline(__always)
    borrowing func openRTCP(
        _ buffer: UnsafeMutableRawBufferPointer, wordOffset: Int, ssrc: UInt32, index: UInt32, encrypted: Bool
    ) throws(MediaError) -> Int {
        let base = buffer.baseAddress!
        let clear = SRTPPacketLayout.rtcpClearHeaderLength
        if profile.isAEAD {
            let end = wordOffset - SRTPCipher.gcmTagLength
            let trailer = UnsafeRawBufferPointer(rebasing: buffer[wordOffset..<(wordOffset + 4)])
            let aadEnd = encrypted ? clear : end
            let opened = withGCMIV(ssrc: ssrc, index: UInt64(index)) { iv in
                cipher.open(
                    iv: iv, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<aadEnd]), aadSuffix: trailer,
                    data: UnsafeMutableRawBufferPointer(rebasing: buffer[aadEnd..<end]), tag: base + end)
            }
            guard opened else { throw MediaError(.srtpAuthenticationFailed, "SRTCP AES-GCM tag mismatch") }
            return end
        }
        guard
            tagMatches(
                over: UnsafeRawBufferPointer(rebasing: buffer[0..<(wordOffset + 4)]), rolloverCounter: nil,
                at: base + wordOffset + 4)
        else { throw MediaError(.srtpAuthenticationFailed, "SRTCP HMAC-SHA1 tag mismatch") }
        if encrypted {
            let decrypted = withCounterModeIV(ssrc: ssrc, index: UInt64(index)) { iv in
                cipher.applyKeystream(iv: iv, to: base + clear, count: wordOffset - clear)
            }
            guard decrypted else { throw MediaError(.srtpCryptoFailure, "AES-CM decryption of an RTCP packet failed") }
        }
        return wordOffset
    }

    // MARK: Helpers

    @inline(__always)
    private borrowing func withCounterModeIV(ssrc: UInt32, index: UInt64, _ body: (UnsafeRawPointer) -> Bool) -> Bool {
        var iv: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &iv) { iv in
            withUnsafeBytes(of: secrets.pointee.salt) { salt in
                SRTPPacketLayout.counterModeIV(into: iv.baseAddress!, salt: salt.baseAddress!, ssrc: ssrc, index: index)
            }
            return body(UnsafeRawPointer(iv.baseAddress!))
        }
    }

    @inline(__always)
    private borrowing func withGCMIV(ssrc: UInt32, index: UInt64, _ body: (UnsafeRawPointer) -> Bool) -> Bool {
        var iv: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &iv) { iv in
            withUnsafeBytes(of: secrets.pointee.salt) { salt in
                SRTPPacketLayout.gcmIV(into: iv.baseAddress!, salt: salt.baseAddress!, ssrc: ssrc, index: index)
            }
            return body(UnsafeRawPointer(iv.baseAddress!))
        }
    }

    /// HMAC-SHA1 over `message` (and the ROC for SRTP), truncated to `tagLength`, written at `tag`.
    @inline(__always)
    private borrowing func writeTag(
        over message: UnsafeRawBufferPointer, rolloverCounter: UInt64?, at tag: UnsafeMutableRawPointer
    ) {
        withDigest(over: message, rolloverCounter: rolloverCounter) { digest in
            tag.copyMemory(from: digest, byteCount: tagLength)
        }
    }

    /// Whether the tag at `tag` equals the HMAC-SHA1 over `message` (and the ROC), compared in constant time.
    @inline(__always)
    private borrowing func tagMatches(
        over message: UnsafeRawBufferPointer, rolloverCounter: UInt64?, at tag: UnsafeRawPointer
    ) -> Bool {
        withDigest(over: message, rolloverCounter: rolloverCounter) { digest in
            CRYPTO_memcmp(digest, tag, tagLength) == 0
        }
    }

    @inline(__always)
    private borrowing func withDigest<Result>(
        over message: UnsafeRawBufferPointer, rolloverCounter: UInt64?, _ body: (UnsafeRawPointer) -> Result
    ) -> Result {
        // 20 octets of digest and 4 of ROC, on the stack.
        var scratch: (UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &scratch) { scratch in
            let digest = scratch.baseAddress!
            let rocOffset = SRTPHMACSHA1.outputLength
            var suffix = UnsafeRawBufferPointer(start: nil, count: 0)
            if let rolloverCounter {
                scratch.store(UInt32(truncatingIfNeeded: rolloverCounter), at: rocOffset)
                suffix = UnsafeRawBufferPointer(rebasing: scratch[rocOffset..<(rocOffset + 4)])
            }
            secrets.pointee.hmac.authenticate(message, suffix: suffix, into: digest)
            return body(UnsafeRawPointer(digest))
        }
    }
}
