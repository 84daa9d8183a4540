/// One SDES key parameter of an SDP `a=crypto` line for SRTP (RFC 4568 sections 6.1 and 9.2):
/// `inline:<base64 of key || salt>[|lifetime][|MKI:length]`.
///
/// The crypto suite decides how many octets the key and salt have, so parsing takes the profile. `description`
/// hides the key; `encoded` is the wire form.
public struct SDESKeyParams: Hashable, Sendable, CustomStringConvertible {
    /// The master key identifier an endpoint puts in each packet when it signals one (RFC 3711 section 3.1).
    public struct MKI: Hashable, Sendable {
        /// The identifier, a decimal number on the wire.
        public var value: UInt64
        /// Octets of MKI in each packet, 1 to 128.
        public var length: Int

        public init(value: UInt64, length: Int) {
            self.value = value
            self.length = length
        }
    }

    /// The master key and salt.
    public var masterKey: SRTPMasterKey
    /// The most SRTP or SRTCP packets the key may protect, or nil for the suite's default.
    public var lifetime: UInt64?
    /// The master key identifier, or nil when packets carry none. `EVPSRTPContext` and `LibSRTPContext` use no
    /// MKI, so a peer's key-params with one cannot be used as they are.
    public var mki: MKI?

    public init(masterKey: SRTPMasterKey, lifetime: UInt64? = nil, mki: MKI? = nil) {
        self.masterKey = masterKey
        self.lifetime = lifetime
        self.mki = mki
    }

    /// Key-params with a fresh random key (RFC 4568 section 6.1 wants a new key per session and direction).
    public static func random(for profile: SRTPProfile) throws(MediaError) -> SDESKeyParams {
        SDESKeyParams(masterKey: try SRTPMasterKey.random(for: profile))
    }

    /// Parses one key-param for `profile`; throws `.srtpInvalidKeyParams` for anything RFC 4568's grammar
    /// refuses and `.srtpInvalidKey` for key material of the wrong length.
    public init(parsing text: some StringProtocol, profile: SRTPProfile) throws(MediaError) {
        let text = Substring(text)
        guard text.hasPrefix("inline:") else {
            throw MediaError(.srtpInvalidKeyParams, "SDES key method is not \"inline\"")
        }
        let fields = text.dropFirst("inline:".count).split(separator: "|", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count) else {
            throw MediaError(.srtpInvalidKeyParams, "SDES key-info has more than three |-separated fields")
        }
        guard let material = SDESBase64.decode(fields[0]), !fields[0].isEmpty else {
            throw MediaError(.srtpInvalidKeyParams, "SDES key-salt is not base64")
        }
        masterKey = try SRTPMasterKey(profile: profile, concatenated: material)
        lifetime = nil
        mki = nil
        for field in fields.dropFirst() {
            if let colon = field.firstIndex(of: ":") {
                // RFC 4568 section 9.2: mki = mki-value ":" mki-length, and it comes last.
                guard mki == nil, field.endIndex == fields.last!.endIndex else {
                    throw MediaError(.srtpInvalidKeyParams, "SDES MKI out of place")
                }
                let valueText = field[..<colon]
                let lengthText = field[field.index(after: colon)...]
                guard let value = Self.decimal(valueText), let length = Self.decimal(lengthText), lengthText.count <= 3,
                    (1...128).contains(length)
                else {
                    throw MediaError(.srtpInvalidKeyParams, "SDES MKI is not value:length with a length of 1 to 128")
                }
                guard length >= 8 || value >> (8 * length) == 0 else {
                    throw MediaError(.srtpInvalidKeyParams, "SDES MKI value does not fit its length")
                }
                mki = MKI(value: value, length: Int(length))
            } else {
                guard lifetime == nil, mki == nil else {
                    throw MediaError(.srtpInvalidKeyParams, "SDES lifetime out of place")
                }
                let packets: UInt64?
                if field.hasPrefix("2^") {
                    packets = Self.decimal(field.dropFirst(2)).flatMap { $0 < 64 ? 1 << $0 : nil }
                } else {
                    packets = Self.decimal(field)
                }
                guard let packets, packets > 0 else {
                    throw MediaError(.srtpInvalidKeyParams, "SDES lifetime is not a positive number or 2^n")
                }
                lifetime = packets
            }
        }
    }

    /// Parses a `;`-separated list of key-params (RFC 4568 section 9.1: several keys, told apart by MKI).
    public static func parseList(_ text: some StringProtocol, profile: SRTPProfile) throws(MediaError)
        -> [SDESKeyParams]
    {
        var list: [SDESKeyParams] = []
        for item in text.split(separator: ";", omittingEmptySubsequences: false) {
            list.append(try SDESKeyParams(parsing: item, profile: profile))
        }
        return list
    }

    /// The wire form. A lifetime that is a power of two is written as `2^n`, the form RFC 4568 uses.
    public var encoded: String {
        var text = "inline:" + SDESBase64.encode(masterKey.concatenated)
        if let lifetime {
            text += lifetime.nonzeroBitCount == 1 ? "|2^\(lifetime.trailingZeroBitCount)" : "|\(lifetime)"
        }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        return text
    }

    public var description: String {
        "SDESKeyParams(\(masterKey.profile), <redacted>\(lifetime.map { ", lifetime \($0)" } ?? "")"
            + "\(mki.map { ", MKI \($0.value):\($0.length)" } ?? ""))"
    }

    /// A run of ASCII digits as a number, or nil (empty, other characters, overflow).
    private static func decimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return UInt64(text)
    }
}
