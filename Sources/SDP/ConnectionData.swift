/// A `c=` line: the address media is sent to (RFC 8866 section 5.7).
///
/// For `IP4` multicast the address may carry a TTL and a number of addresses
/// (`224.2.36.42/127/3`); for `IP6` only a number of addresses (`ff15::101/3`). Other address
/// types keep the whole address text verbatim.
public struct ConnectionData: Hashable, Sendable {
    /// The network type, `IN` for the Internet.
    public var networkType: String
    /// The address type, `IP4` or `IP6`.
    public var addressType: String
    /// The address without any `/ttl` or `/count` suffix (or a domain name).
    public var address: String
    /// The multicast TTL (`IP4` only).
    public var ttl: UInt8?
    /// The number of consecutive multicast addresses, when more than one.
    public var numberOfAddresses: UInt32?

    /// Creates connection data; the network type defaults to `IN`.
    public init(
        networkType: String = "IN", addressType: String, address: String, ttl: UInt8? = nil,
        numberOfAddresses: UInt32? = nil
    ) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
        self.ttl = ttl
        self.numberOfAddresses = numberOfAddresses
    }

    /// `IN IP4 <address>`.
    public static func ip4(_ address: String) -> ConnectionData { ConnectionData(addressType: "IP4", address: address) }

    /// `IN IP6 <address>`.
    public static func ip6(_ address: String) -> ConnectionData { ConnectionData(addressType: "IP6", address: address) }

    /// Whether this is the RFC 2543 way of putting a stream on hold, `c=IN IP4 0.0.0.0`
    /// (RFC 3264 section 8.4 asks answerers to still understand it).
    public var isHoldAddress: Bool {
        SDPGrammar.equalsIgnoringCase(addressType, "IP4") && address == "0.0.0.0"
    }
}

// MARK: - Wire encoding

extension ConnectionData {
    static var grammar: String { "c=<nettype> <addrtype> <address>" }

    /// Parses the value of a `c=` line (RFC 8866 section 5.7 and the `connection-address` rule of
    /// section 9: `IP4` multicast `addr/ttl[/n]`, `IP6` multicast `addr[/n]`).
    init(value: SDPGrammar.Bytes) throws(SDPError) {
        let fields = SDPGrammar.fields(value)
        guard fields.count == 3, SDPGrammar.isToken(fields[0]), SDPGrammar.isToken(fields[1]) else {
            throw SDPError.expected(Self.grammar, text: nil)
        }
        let addressType = SDPGrammar.string(fields[1])
        var ttl: UInt8?
        var count: UInt32?
        var address = fields[2]
        if SDPGrammar.equalsIgnoringCase(addressType, "IP4") || SDPGrammar.equalsIgnoringCase(addressType, "IP6") {
            let parts = fields[2].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            let isIP4 = SDPGrammar.equalsIgnoringCase(addressType, "IP4")
            guard parts.count <= (isIP4 ? 3 : 2), !parts[0].isEmpty else {
                throw SDPError.expected(Self.grammar, text: nil)
            }
            address = parts[0]
            if isIP4, parts.count >= 2 {
                guard let value = SDPGrammar.number(parts[1], as: UInt8.self) else {
                    throw SDPError.expected("c=<nettype> IP4 <address>[/<ttl>[/<number of addresses>]]", text: nil)
                }
                ttl = value
            }
            if parts.count == (isIP4 ? 3 : 2) {
                guard let value = SDPGrammar.number(parts[parts.count - 1], as: UInt32.self) else {
                    throw SDPError.expected("c=<nettype> <addrtype> <address>[/<number of addresses>]", text: nil)
                }
                count = value
            }
        }
        self.init(
            networkType: SDPGrammar.string(fields[0]), addressType: addressType, address: SDPGrammar.string(address),
            ttl: ttl, numberOfAddresses: count)
    }

    var wireValue: String {
        var text = "\(networkType) \(addressType) \(address)"
        if let ttl { text += "/\(ttl)" }
        if let numberOfAddresses { text += "/\(numberOfAddresses)" }
        return text
    }
}
