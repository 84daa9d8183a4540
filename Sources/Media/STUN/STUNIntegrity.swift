/// The key and algorithms used to add MESSAGE-INTEGRITY / MESSAGE-INTEGRITY-SHA256 to an outgoing message
/// (RFC 8489 sections 9 and 14.5-14.6).
public struct STUNIntegrity: Hashable, Sendable {
    /// Which integrity attributes to add. With `.both`, MESSAGE-INTEGRITY precedes
    /// MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6).
    public enum Algorithms: Hashable, Sendable {
        case sha1
        case sha256
        case both
    }

    /// The HMAC key.
    public var key: [UInt8]
    /// Which integrity attributes the encoder adds.
    public var algorithms: Algorithms

    public init(key: [UInt8], algorithms: Algorithms = .sha1) {
        self.key = key
        self.algorithms = algorithms
    }

    /// Short-term credential (RFC 8489 section 9.1.1): the key is the password as given. ICE passwords
    /// are ASCII `ice-char`s (RFC 8839 section 5.4), for which the OpaqueString profile changes nothing,
    /// so no profile is applied here.
    public static func shortTerm(password: String, algorithms: Algorithms = .sha1) -> STUNIntegrity {
        STUNIntegrity(key: Array(password.utf8), algorithms: algorithms)
    }

    /// Long-term credential with the MD5 password algorithm (RFC 8489 section 9.2.2):
    /// key = MD5(username ":" realm ":" password). The caller applies the OpaqueString profile to realm
    /// and password beforehand when they are not plain ASCII. Nil only if OpenSSL provides no MD5.
    public static func longTerm(
        username: String, realm: String, password: String, algorithms: Algorithms = .sha1
    ) -> STUNIntegrity? {
        guard let key = STUNCrypto.md5(Array("\(username):\(realm):\(password)".utf8)) else { return nil }
        return STUNIntegrity(key: key, algorithms: algorithms)
    }
}
