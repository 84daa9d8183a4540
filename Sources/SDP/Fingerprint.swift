/// `a=fingerprint:<hash function> <hex pairs>`: the hash of a DTLS certificate
/// (RFC 8122 section 5), such as `sha-256 4A:AD:B9:...`.
public struct Fingerprint: SDPAttributeValue {
    /// The attribute name, `fingerprint`.
    public static var attributeName: String { "fingerprint" }

    /// The hash function's name from the IANA "Hash Function Textual Names" registry, such as `sha-256`.
    public var hashFunction: String
    /// The hash bytes.
    public var value: [UInt8]

    /// Creates a fingerprint.
    public init(hashFunction: String, value: [UInt8]) {
        self.hashFunction = hashFunction
        self.value = value
    }

    static var grammar: String { "a=fingerprint:<hash-func> <XX:XX:...>" }

    /// Parses the value. RFC 8122 section 5 writes upper-case hex; lower case is accepted as well.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count == 2, SDPGrammar.isToken(fields[0]) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        var bytes: [UInt8] = []
        for pair in fields[1].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            guard pair.count == 2, let high = Self.hexDigit(pair[pair.startIndex]),
                let low = Self.hexDigit(pair[pair.startIndex + 1])
            else { throw Self.invalid(attributeValue, grammar: Self.grammar) }
            bytes.append(high << 4 | low)
        }
        self.init(hashFunction: SDPGrammar.string(fields[0]), value: bytes)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        for (index, byte) in value.enumerated() {
            if index > 0 { hex.append(UInt8(ascii: ":")) }
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return "\(hashFunction) \(String(decoding: hex, as: UTF8.self))"
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
