internal import COpenSSL

/// The certificate and private key we present in DTLS handshakes, with the OpenSSL context every session
/// is created from.
///
/// WebRTC endpoints authenticate each other by the fingerprint exchanged in signalling, not by a CA
/// (RFC 5763 section 5, RFC 8827 section 6.5), so a self-signed ECDSA P-256 certificate made once per process
/// is enough: `generate(validFrom:)`. A deployment may instead load one from PEM.
///
/// Ownership: the `X509`, `EVP_PKEY` and `SSL_CTX` are owned by this object and freed in `deinit`, once each.
/// The `SSL_CTX` holds its own references to the certificate and key (`SSL_CTX_use_certificate` and
/// `SSL_CTX_use_PrivateKey` take references), and every `SSL` made from it holds one on the context, so a
/// session outliving this object stays valid.
///
/// `@unchecked Sendable`: after `init` nothing here is mutated. OpenSSL documents `SSL_CTX` as safe to share
/// between threads once configured (`SSL_new` takes its lock), and `X509`/`EVP_PKEY` are only read
/// (digest, PEM output), which OpenSSL allows concurrently.
public final class DTLSCertificate: @unchecked Sendable {
    /// `X509 *`, owned.
    let certificate: OpaquePointer
    /// `EVP_PKEY *`, owned.
    let privateKey: OpaquePointer
    /// `SSL_CTX *` for DTLS 1.2 with this certificate and key, owned.
    let context: OpaquePointer

    /// The SHA-256 fingerprint to advertise in SDP `a=fingerprint` / Jingle `<fingerprint hash='sha-256'>`.
    public var fingerprint: DTLSFingerprint { fingerprints[.sha256]! }

    /// The certificate's fingerprint in every supported hash function, computed once.
    private let fingerprints: [DTLSFingerprint.Algorithm: DTLSFingerprint]

    /// Takes ownership of `certificate` and `privateKey`; frees both if it throws.
    private init(certificate: OpaquePointer, privateKey: OpaquePointer) throws(MediaError) {
        guard X509_check_private_key(certificate, privateKey) == 1 else {
            X509_free(certificate)
            EVP_PKEY_free(privateKey)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "private key does not match the certificate")
        }
        var fingerprints: [DTLSFingerprint.Algorithm: DTLSFingerprint] = [:]
        for algorithm in DTLSFingerprint.Algorithm.allCases {
            guard let digest = Self.digest(of: certificate, algorithm),
                let fingerprint = try? DTLSFingerprint(algorithm: algorithm, bytes: digest)
            else {
                X509_free(certificate)
                EVP_PKEY_free(privateKey)
                throw OpenSSLErrorQueue.error(
                    .dtlsSetupFailed, "cannot compute the certificate's \(algorithm.rawValue) digest")
            }
            fingerprints[algorithm] = fingerprint
        }
        let context: OpaquePointer
        do {
            context = try Self.makeContext(certificate: certificate, privateKey: privateKey)
        } catch {
            X509_free(certificate)
            EVP_PKEY_free(privateKey)
            throw error
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.context = context
        self.fingerprints = fingerprints
    }

    deinit {
        SSL_CTX_free(context)
        X509_free(certificate)
        EVP_PKEY_free(privateKey)
    }

    /// A new ECDSA P-256 key and a self-signed X.509 v3 certificate for it, signed with SHA-256.
    ///
    /// - Parameters:
    ///   - commonName: the subject and issuer CN; peers ignore it.
    ///   - validFrom: wall-clock time in seconds since the Unix epoch (passed in: this module reads no clock).
    ///     The certificate is valid from a day before it, to absorb clock skew, for `lifetimeDays` after it.
    ///   - lifetimeDays: validity after `validFrom`. Peers check the fingerprint, not the dates, but a year
    ///     keeps a long-running process clear of any peer that does look.
    public static func generate(
        commonName: String = "jingle-sip-bridge", validFrom: Int64, lifetimeDays: Int = 365
    ) throws(MediaError) -> DTLSCertificate {
        let key = try generateP256Key()
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "X509_new failed")
        }
        guard fillSelfSigned(certificate, key: key, commonName: commonName, validFrom: validFrom, days: lifetimeDays)
        else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "cannot build the self-signed certificate")
        }
        return try DTLSCertificate(certificate: certificate, privateKey: key)
    }

    /// A certificate and private key from PEM text (the key unencrypted, PKCS#8 or traditional form).
    public convenience init(certificatePEM: String, privateKeyPEM: String) throws(MediaError) {
        let certificate = try Self.readPEM(certificatePEM, what: "certificate") { bio in
            PEM_read_bio_X509(bio, nil, nil, nil)
        }
        let key: OpaquePointer
        do {
            key = try Self.readPEM(privateKeyPEM, what: "private key") { bio in
                PEM_read_bio_PrivateKey(bio, nil, nil, nil)
            }
        } catch {
            X509_free(certificate)
            throw error
        }
        try self.init(certificate: certificate, privateKey: key)
    }

    /// A certificate and private key from PEM files. This reads files: call it at start-up or on a thread
    /// pool, never on an event loop.
    public convenience init(certificateFile: String, privateKeyFile: String) throws(MediaError) {
        let certificate = try Self.readPEMFile(certificateFile) { bio in PEM_read_bio_X509(bio, nil, nil, nil) }
        let key: OpaquePointer
        do {
            key = try Self.readPEMFile(privateKeyFile) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        } catch {
            X509_free(certificate)
            throw error
        }
        try self.init(certificate: certificate, privateKey: key)
    }

    /// The fingerprint in another hash function, for peers that ask for one (RFC 8122 section 5).
    public func fingerprint(_ algorithm: DTLSFingerprint.Algorithm) -> DTLSFingerprint {
        // `init` computed every algorithm or threw.
        fingerprints[algorithm]!
    }

    /// The certificate as PEM (empty only if OpenSSL runs out of memory).
    public var certificatePEM: String {
        Self.writePEM { bio in PEM_write_bio_X509(bio, certificate) }
    }

    /// The private key as unencrypted PKCS#8 PEM (empty only if OpenSSL runs out of memory): secret, for
    /// writing a configured key file or handing the certificate to a test peer.
    public var privateKeyPEM: String {
        Self.writePEM { bio in PEM_write_bio_PrivateKey(bio, privateKey, nil, nil, 0, nil, nil) }
    }

    // MARK: - OpenSSL plumbing

    /// The digest of a certificate's DER encoding (what RFC 8122 section 5 fingerprints); nil on failure.
    static func digest(of certificate: OpaquePointer, _ algorithm: DTLSFingerprint.Algorithm) -> [UInt8]? {
        let md: OpaquePointer? =
            switch algorithm {
            case .sha1: EVP_sha1()
            case .sha224: EVP_sha224()
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = output.withUnsafeMutableBufferPointer { X509_digest(certificate, md, $0.baseAddress, &length) == 1 }
        guard ok, Int(length) == algorithm.digestLength else { return nil }
        return Array(output.prefix(Int(length)))
    }

    /// An EC key on P-256 (`EVP_PKEY_Q_keygen` is variadic, which Swift cannot call, so the context API is used).
    private static func generateP256Key() throws(MediaError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "no EC key support")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "P-256 key generation failed")
        }
        return key
    }

    /// Fills a fresh `X509` as a v3 self-signed certificate for `key`; false on any OpenSSL failure.
    private static func fillSelfSigned(
        _ certificate: OpaquePointer, key: OpaquePointer, commonName: String, validFrom: Int64, days: Int
    ) -> Bool {
        // Version field value 2 means X.509 v3 (RFC 5280 section 4.1.2.1).
        guard X509_set_version(certificate, 2) == 1 else { return false }
        // A random positive 63-bit serial (RFC 5280 section 4.1.2.2: unique per issuer, at most 20 octets).
        var serialBytes = [UInt8](repeating: 0, count: 8)
        guard RAND_bytes(&serialBytes, Int32(serialBytes.count)) == 1 else { return false }
        serialBytes[0] &= 0x7F
        serialBytes[0] |= 0x01
        guard let serial = BN_bin2bn(serialBytes, Int32(serialBytes.count), nil) else { return false }
        defer { BN_free(serial) }
        guard BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate)) != nil else { return false }
        let day: Int64 = 86_400
        guard ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(validFrom - day)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(validFrom + Int64(days) * day)) != nil
        else { return false }
        guard let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1,
            X509_set_pubkey(certificate, key) == 1
        else { return false }
        return X509_sign(certificate, key, EVP_sha256()) > 0
    }

    /// The shared context: DTLS 1.2 only, our certificate, peer certificates required and accepted
    /// whatever their issuer (the fingerprint check replaces chain validation, RFC 5763 section 5).
    private static func makeContext(certificate: OpaquePointer, privateKey: OpaquePointer) throws(MediaError)
        -> OpaquePointer
    {
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "SSL_CTX_new failed")
        }
        // DTLS_method() pinned to 1.2 both ways equals the deprecated DTLSv1_2_method().
        let configured =
            SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(DTLS1_2_VERSION), nil) == 1
            && SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(DTLS1_2_VERSION), nil) == 1
            && SSL_CTX_use_certificate(context, certificate) == 1
            && SSL_CTX_use_PrivateKey(context, privateKey) == 1
            && SSL_CTX_check_private_key(context) == 1
        guard configured else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "cannot configure the DTLS context")
        }
        // No resumption: every DTLS-SRTP association does a full handshake with fresh keys, and small
        // flights (no ticket) fit one datagram more often.
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_SESS_CACHE_MODE, Int(SSL_SESS_CACHE_OFF), nil)
        SSL_CTX_set_options(context, DTLSConnection.contextOptions)
        SSL_CTX_set_verify(
            context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, DTLSConnection.verifyCallback)
        return context
    }

    private static func readPEM(_ text: String, what: String, _ read: (OpaquePointer) -> OpaquePointer?)
        throws(MediaError) -> OpaquePointer
    {
        let bytes = Array(text.utf8)
        let result: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return read(bio)
        }
        guard let result else { throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "cannot parse the PEM \(what)") }
        return result
    }

    private static func readPEMFile(_ path: String, _ read: (OpaquePointer) -> OpaquePointer?) throws(MediaError)
        -> OpaquePointer
    {
        guard let bio = BIO_new_file(path, "r") else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "cannot open \(path)")
        }
        defer { BIO_free(bio) }
        guard let result = read(bio) else {
            throw OpenSSLErrorQueue.error(.dtlsSetupFailed, "no PEM object of the expected kind in \(path)")
        }
        return result
    }

    private static func writePEM(_ write: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { return "" }
        var data: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}
