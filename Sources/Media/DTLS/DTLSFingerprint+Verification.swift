extension DTLSFingerprint {
    /// The fingerprints a certificate must be checked against: those of the most preferred hash function
    /// among the ones signalled (RFC 8122 section 5). Empty when `fingerprints` is empty.
    static func preferredSet(of fingerprints: [DTLSFingerprint]) -> [DTLSFingerprint] {
        guard let best = fingerprints.map(\.algorithm.strength).max() else { return [] }
        return fingerprints.filter { $0.algorithm.strength == best }
    }

    /// Checks a certificate, given as its digests, against signalled fingerprints (RFC 8122 section 5,
    /// RFC 5763 section 5): it must equal one fingerprint of the most preferred hash function signalled.
    /// Returns the matching fingerprint, or a `dtlsFingerprintMismatch` error naming both sides.
    static func verify(
        digests: [Algorithm: [UInt8]], against fingerprints: [DTLSFingerprint]
    ) -> Result<DTLSFingerprint, MediaError> {
        let candidates = preferredSet(of: fingerprints)
        guard let algorithm = candidates.first?.algorithm else {
            return .failure(MediaError(.dtlsFingerprintMismatch, "no fingerprint with a supported hash function"))
        }
        if let match = candidates.first(where: { digests[algorithm] == $0.bytes }) {
            return .success(match)
        }
        let actual = digests[algorithm].flatMap { try? DTLSFingerprint(algorithm: algorithm, bytes: $0) }
        let signalled = candidates.map(\.hexValue).joined(separator: ", ")
        return .failure(
            MediaError(
                .dtlsFingerprintMismatch,
                "peer certificate \(actual?.sdpValue ?? algorithm.rawValue + " (no digest)") matches no signalled "
                    + "fingerprint (\(signalled))"))
    }
}
