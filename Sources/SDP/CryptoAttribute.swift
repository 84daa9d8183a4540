/// `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]`: an SDES key for SRTP
/// (RFC 4568 sections 4 and 9).
///
/// ```
/// a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>]
/// ```
public struct CryptoAttribute: SDPAttributeValue {
    /// The attribute name, `crypto`.
    public static var attributeName: String { "crypto" }

    /// One `key-method:key-info` item.
    public enum KeyParameter: Hashable, Sendable {
        /// `inline:` with the SRTP key-info grammar of RFC 4568 section 9.2.
        case inline(SRTPKey)
        /// Another key method, kept verbatim.
        case other(method: String, info: String)
    }

    /// The SRTP `inline:` key-info: key and salt, optional lifetime, optional MKI (RFC 4568 section 6.1).
    public struct SRTPKey: Hashable, Sendable {
        /// A master key identifier: its value and its length on the wire in bytes (1 to 128).
        public struct MKI: Hashable, Sendable {
            /// The identifier value.
            public var value: UInt64
            /// The identifier's length in bytes.
            public var length: UInt8

            /// Creates a master key identifier.
            public init(value: UInt64, length: UInt8) {
                self.value = value
                self.length = length
            }
        }

        /// The master key lifetime.
        public enum Lifetime: Hashable, Sendable {
            /// `2^n` packets.
            case powerOfTwo(UInt8)
            /// A number of packets.
            case packets(UInt64)
        }

        /// The master key followed by the master salt (30 bytes for the AES_CM_128 suites).
        public var keySalt: [UInt8]
        /// The lifetime, when given.
        public var lifetime: Lifetime?
        /// The master key identifier, when given.
        public var mki: MKI?

        /// Creates an inline key.
        public init(keySalt: [UInt8], lifetime: Lifetime? = nil, mki: MKI? = nil) {
            self.keySalt = keySalt
            self.lifetime = lifetime
            self.mki = mki
        }
    }

    /// The tag that answers refer to (1 to 9 digits).
    public var tag: UInt32
    /// The crypto suite, such as `AES_CM_128_HMAC_SHA1_80`.
    public var suite: String
    /// The key parameters, at least one.
    public var keyParameters: [KeyParameter]
    /// Session parameters such as `UNENCRYPTED_SRTCP` or `KDR=1`, verbatim and in order.
    public var sessionParameters: [String]

    /// Creates a crypto attribute.
    public init(tag: UInt32, suite: String, keyParameters: [KeyParameter], sessionParameters: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keyParameters = keyParameters
        self.sessionParameters = sessionParameters
    }

    /// The first inline SRTP key, the usual case.
    public var inlineKey: SRTPKey? {
        for parameter in keyParameters {
            if case .inline(let key) = parameter { return key }
        }
        return nil
    }

    static var grammar: String {
        "a=crypto:<tag> <crypto-suite> inline:<key||salt>[|<lifetime>][|<MKI>:<length>] [<session-param> ...]"
    }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let invalid = Self.invalid(attributeValue, grammar: Self.grammar)
        let fields = SDPGrammar.whitespaceFields(SDPGrammar.bytes(attributeValue))
        guard fields.count >= 3, fields[0].count <= 9, let tag = SDPGrammar.number(fields[0], as: UInt32.self),
            !fields[1].isEmpty, fields[1].allSatisfy(Self.isSuiteByte)
        else { throw invalid }
        var keyParameters: [KeyParameter] = []
        for item in fields[2].split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            guard let (method, info) = SDPGrammar.splitOnce(item, at: UInt8(ascii: ":")), !method.isEmpty,
                method.allSatisfy(Self.isSuiteByte), !info.isEmpty
            else { throw invalid }
            if method.elementsEqual("inline".utf8) {
                guard let key = Self.srtpKey(info) else { throw invalid }
                keyParameters.append(.inline(key))
            } else {
                keyParameters.append(.other(method: SDPGrammar.string(method), info: SDPGrammar.string(info)))
            }
        }
        guard fields[3...].allSatisfy({ $0.allSatisfy(SDPGrammar.isVisible) }) else { throw invalid }
        self.init(
            tag: tag, suite: SDPGrammar.string(fields[1]), keyParameters: keyParameters,
            sessionParameters: fields[3...].map(SDPGrammar.string))
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        let keys = keyParameters.map { parameter -> String in
            switch parameter {
            case .inline(let key):
                var text = "inline:" + Base64.encode(key.keySalt)
                switch key.lifetime {
                case .powerOfTwo(let exponent): text += "|2^\(exponent)"
                case .packets(let count): text += "|\(count)"
                case nil: break
                }
                if let mki = key.mki { text += "|\(mki.value):\(mki.length)" }
                return text
            case .other(let method, let info):
                return "\(method):\(info)"
            }
        }
        return ([String(tag), suite, keys.joined(separator: ";")] + sessionParameters).joined(separator: " ")
    }

    /// RFC 4568 section 9.1 `crypto-suite` and `key-method-ext`: `ALPHA / DIGIT / "_"`.
    static func isSuiteByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// RFC 4568 section 9.2: `key-salt ["|" lifetime] ["|" mki]`, `lifetime = ["2^"] 1*DIGIT`,
    /// `mki = mki-value ":" mki-length`, `mki-length` 1 to 128.
    static func srtpKey(_ info: SDPGrammar.Bytes) -> SRTPKey? {
        let parts = info.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
        guard parts.count <= 3, let keySalt = Base64.decode(parts[0]), !keySalt.isEmpty else { return nil }
        var key = SRTPKey(keySalt: keySalt)
        for (index, part) in parts.enumerated().dropFirst() {
            if let (value, length) = SDPGrammar.splitOnce(part, at: UInt8(ascii: ":")) {
                guard index == parts.count - 1, key.mki == nil, length.count <= 3,
                    let mkiValue = SDPGrammar.number(value, as: UInt64.self),
                    let mkiLength = SDPGrammar.number(length, as: UInt8.self), (1...128).contains(mkiLength)
                else { return nil }
                key.mki = SRTPKey.MKI(value: mkiValue, length: mkiLength)
            } else {
                guard index == 1 else { return nil }
                if part.starts(with: "2^".utf8) {
                    guard let exponent = SDPGrammar.number(part.dropFirst(2), as: UInt8.self) else { return nil }
                    key.lifetime = .powerOfTwo(exponent)
                } else {
                    guard let count = SDPGrammar.number(part, as: UInt64.self) else { return nil }
                    key.lifetime = .packets(count)
                }
            }
        }
        return key
    }
}
