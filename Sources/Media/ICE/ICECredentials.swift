/// ICE username fragment and password (RFC 8445 section 5.3, RFC 8839 section 5.4).
public struct ICECredentials: Hashable, Sendable {
    /// At least 4 `ice-char`s.
    public var ufrag: String
    /// At least 22 `ice-char`s.
    public var password: String

    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// The `ice-char` alphabet (RFC 8839 section 5.4: ALPHA / DIGIT / "+" / "/").
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Fresh credentials: 8-character ufrag, 24-character password, each character carrying 6 random bits
    /// (RFC 8445 section 5.3 asks for at least 24 bits of randomness in the ufrag and 128 in the password).
    public static func random(using generator: inout some RandomNumberGenerator) -> ICECredentials {
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        let ufrag = text(8)
        return ICECredentials(ufrag: ufrag, password: text(24))
    }
}
