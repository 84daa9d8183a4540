internal import COpenSSL

/// One OpenSSL `EVP_CIPHER_CTX`, keyed once with an SRTP session key, so the AES key schedule and GHASH
/// tables are computed once per session and nothing is allocated per packet.
///
/// AES-GCM is re-initialised per packet with only a new IV (`EVP_*Init_ex` with a NULL cipher and key). AES-CM
/// is not: OpenSSL 3's IV reset goes through provider parameter lookups (about 800 instructions a call, measured
/// with callgrind), so the context runs AES-128-ECB over counter blocks built here (RFC 3711 section 4.1.1:
/// block j of the keystream is E(k_e, IV + j)) and XORs that keystream in, 16 blocks at a time.
///
/// Ownership: the context is created in `init` and freed exactly once in `deinit` (which also cleanses the key
/// schedule); the counter/keystream buffer likewise. The type is non-copyable so no second owner can exist.
struct SRTPCipher: ~Copyable {
    /// The transforms SRTP uses.
    enum Mode {
        /// AES-128 in counter mode with a 16-octet IV (RFC 3711 section 4.1.1).
        case aes128CounterMode
        /// AES-128-GCM with a 12-octet IV and a 16-octet tag (RFC 7714 section 8).
        case aes128GCMEncrypt
        /// AES-128-GCM, decrypting and verifying.
        case aes128GCMDecrypt
    }

    /// Octets of a GCM tag: 16 for AEAD_AES_128_GCM (RFC 7714).
    static let gcmTagLength = 16

    /// Counter blocks encrypted per ECB call: an audio packet's payload in one call, 256 octets per context.
    private static let keystreamBlocks = 16

    private let context: OpaquePointer
    /// AES-CM only: `keystreamBlocks` blocks of counters, encrypted in place into keystream.
    private let keystream: UnsafeMutableRawPointer?

    /// Creates and keys the context; `key` is a 16-octet AES key.
    init(mode: Mode, key: [UInt8]) throws(MediaError) {
        guard key.count == 16 else { throw MediaError(.srtpInvalidKey, "AES-128 takes a 16-octet key") }
        guard let context = EVP_CIPHER_CTX_new() else {
            throw MediaError(.srtpCryptoFailure, "EVP_CIPHER_CTX_new failed")
        }
        let ok = key.withUnsafeBufferPointer { key -> Bool in
            switch mode {
            case .aes128CounterMode:
                return EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), nil, key.baseAddress, nil) == 1
                    && EVP_CIPHER_CTX_set_padding(context, 0) == 1
            case .aes128GCMEncrypt:
                return EVP_EncryptInit_ex(context, EVP_aes_128_gcm(), nil, key.baseAddress, nil) == 1
            case .aes128GCMDecrypt:
                return EVP_DecryptInit_ex(context, EVP_aes_128_gcm(), nil, key.baseAddress, nil) == 1
            }
        }
        guard ok else {
            EVP_CIPHER_CTX_free(context)
            throw MediaError(.srtpCryptoFailure, "OpenSSL has no usable AES-128 (\(mode)) implementation")
        }
        // GCM's default IV length is already 12 octets, the length RFC 7714 section 8.1 forms.
        self.context = context
        if mode == .aes128CounterMode {
            keystream = .allocate(byteCount: Self.keystreamBlocks * 16, alignment: 16)
        } else {
            keystream = nil
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
        if let keystream {
            OPENSSL_cleanse(keystream, Self.keystreamBlocks * 16)
            keystream.deallocate()
        }
    }

    /// AES-CM: XORs the keystream that starts at counter block `iv` (16 octets) into `count` octets at `data`.
    @inline(__always)
    borrowing func applyKeystream(iv: UnsafeRawPointer, to data: UnsafeMutableRawPointer, count: Int) -> Bool {
        guard let keystream else { return false }
        // The counter as two big-endian halves; block j is IV + j modulo 2^128.
        var high = UInt64(bigEndian: iv.loadUnaligned(as: UInt64.self))
        var low = UInt64(bigEndian: iv.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        var done = 0
        while done < count {
            let blocks = min(Self.keystreamBlocks, (count - done + 15) / 16)
            for block in 0..<blocks {
                keystream.storeBytes(of: high.bigEndian, toByteOffset: block * 16, as: UInt64.self)
                keystream.storeBytes(of: low.bigEndian, toByteOffset: block * 16 + 8, as: UInt64.self)
                low &+= 1
                if low == 0 { high &+= 1 }
            }
            var written: Int32 = 0
            let bytes = keystream.assumingMemoryBound(to: UInt8.self)
            guard EVP_EncryptUpdate(context, bytes, &written, bytes, Int32(blocks * 16)) == 1,
                Int(written) == blocks * 16
            else { return false }
            let chunk = min(blocks * 16, count - done)
            let target = data + done
            var offset = 0
            while offset + 8 <= chunk {
                let word =
                    target.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    ^ keystream.load(fromByteOffset: offset, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            while offset < chunk {
                let byte =
                    target.load(fromByteOffset: offset, as: UInt8.self)
                    ^ keystream.load(fromByteOffset: offset, as: UInt8.self)
                target.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
            done += chunk
        }
        return true
    }

    /// AES-GCM encryption: authenticates `aad` then `aadSuffix` (either may be empty), encrypts `data` in place
    /// and writes the 16-octet tag at `tag`.
    @inline(__always)
    borrowing func seal(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
        data: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawPointer
    ) -> Bool {
        guard EVP_EncryptInit_ex(context, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self)) == 1,
            addAAD(aad, encrypting: true), addAAD(aadSuffix, encrypting: true)
        else { return false }
        var written: Int32 = 0
        if data.count > 0 {
            guard data.count <= Int(Int32.max) else { return false }
            let bytes = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard EVP_EncryptUpdate(context, bytes, &written, bytes, Int32(data.count)) == 1 else { return false }
        }
        // GCM's final step emits no octets; `tag` is a valid place to point at.
        guard EVP_EncryptFinal_ex(context, tag.assumingMemoryBound(to: UInt8.self), &written) == 1 else {
            return false
        }
        return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(Self.gcmTagLength), tag) == 1
    }

    /// AES-GCM decryption: authenticates `aad` and `aadSuffix`, decrypts `data` in place and checks the tag at
    /// `tag`. Returns false on a tag mismatch, after `data` was overwritten.
    @inline(__always)
    borrowing func open(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
        data: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawPointer
    ) -> Bool {
        guard EVP_DecryptInit_ex(context, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self)) == 1,
            addAAD(aad, encrypting: false), addAAD(aadSuffix, encrypting: false)
        else { return false }
        var written: Int32 = 0
        if data.count > 0 {
            guard data.count <= Int(Int32.max) else { return false }
            let bytes = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard EVP_DecryptUpdate(context, bytes, &written, bytes, Int32(data.count)) == 1 else { return false }
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(Self.gcmTagLength), tag) == 1 else {
            return false
        }
        return EVP_DecryptFinal_ex(context, tag.assumingMemoryBound(to: UInt8.self), &written) == 1
    }

    @inline(__always)
    private borrowing func addAAD(_ aad: UnsafeRawBufferPointer, encrypting: Bool) -> Bool {
        guard aad.count > 0 else { return true }
        guard aad.count <= Int(Int32.max) else { return false }
        var written: Int32 = 0
        let bytes = aad.baseAddress!.assumingMemoryBound(to: UInt8.self)
        return encrypting
            ? EVP_EncryptUpdate(context, nil, &written, bytes, Int32(aad.count)) == 1
            : EVP_DecryptUpdate(context, nil, &written, bytes, Int32(aad.count)) == 1
    }
}
