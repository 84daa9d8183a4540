/// A certificate fingerprint as signalled in SDP `a=fingerprint` (RFC 8122 section 5) and Jingle
/// `<fingerprint hash=..>` (XEP-0320): a hash function and the digest of the DER certificate, written as
/// upper-case hex pairs separated by colons.
public struct DTLSFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// Hash functions from the IANA "Hash Function Textual Names" registry that OpenSSL computes.
    /// MD5 and MD2 are registered but RFC 8122 section 5 forbids them for new fingerprints; they are not accepted.
    public enum Algorithm: String, Hashable, Sendable, CaseIterable {
        case sha1 = "sha-1"
        case sha224 = "sha-224"
        case sha256 = "sha-256"
        case sha384 = "sha-384"
        case sha512 = "sha-512"

        /// Digest length in bytes.
        public var digestLength: Int {
            switch self {
            case .sha1: 20
            case .sha224: 28
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }

        /// Preference order when a peer signals several (RFC 8122 section 5: use the most preferred one).
        var strength: Int {
            switch self {
            case .sha1: 0
            case .sha224: 1
            case .sha256: 2
            case .sha384: 3
            case .sha512: 4
            }
        }

        /// The textual name, matched case-insensitively (RFC 8122 section 5 grammar; RFC 5234 strings).
        public init?(name: some StringProtocol) {
            self.init(rawValue: name.lowercased())
        }
    }

    /// The hash function.
    public let algorithm: Algorithm
    /// The digest, `algorithm.digestLength` bytes.
    public let bytes: [UInt8]

    /// A fingerprint from its digest; throws `invalidLength` when the length does not match the algorithm.
    public init(algorithm: Algorithm, bytes: [UInt8]) throws(MediaError) {
        guard bytes.count == algorithm.digestLength else {
            throw MediaError(
                .invalidLength,
                "\(algorithm.rawValue) fingerprint needs \(algorithm.digestLength) bytes, got \(bytes.count)")
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses the hex form `AB:CD:...` (either case, as RFC 8122 section 5 allows on input).
    public init(algorithm: Algorithm, hex: some StringProtocol) throws(MediaError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(algorithm.digestLength)
        for pair in hex.split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, pair.allSatisfy(\.isHexDigit), let byte = UInt8(pair, radix: 16) else {
                throw MediaError(.invalidField, "fingerprint is not colon-separated hex pairs: \(hex.prefix(200))")
            }
            bytes.append(byte)
        }
        try self.init(algorithm: algorithm, bytes: bytes)
    }

    /// Parses the Jingle form: the `hash` attribute and the element's text (XEP-0320 section 3).
    public init(hashName: some StringProtocol, hex: some StringProtocol) throws(MediaError) {
        guard let algorithm = Algorithm(name: hashName) else {
            throw MediaError(.invalidField, "unsupported fingerprint hash function \(hashName.prefix(40))")
        }
        try self.init(algorithm: algorithm, hex: hex.trimmingASCIIWhitespace())
    }

    /// Parses the value of an SDP `a=fingerprint:` attribute, `sha-256 AB:CD:...` (RFC 8122 section 5).
    public init(sdpValue: some StringProtocol) throws(MediaError) {
        let parts = sdpValue.trimmingASCIIWhitespace().split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            throw MediaError(.invalidField, "fingerprint attribute is not '<hash> <hex>': \(sdpValue.prefix(200))")
        }
        try self.init(hashName: parts[0], hex: parts[1])
    }

    /// Upper-case hex pairs joined by colons, as RFC 8122 section 5 requires on output.
    public var hexValue: String {
        let digits: [Character] = Array("0123456789ABCDEF")
        var text = ""
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(":") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// `sha-256 AB:CD:...`, the SDP attribute value.
    public var sdpValue: String { "\(algorithm.rawValue) \(hexValue)" }

    public var description: String { sdpValue }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII white space (spaces, tabs, CR, LF; no Foundation).
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isASCII && $0.isWhitespace }
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }
}
