/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]`: where RTCP goes when it is not
/// on the RTP port plus one (RFC 3605 section 2.1).
public struct RTCPAttribute: SDPAttributeValue {
    /// The attribute name, `rtcp`.
    public static var attributeName: String { "rtcp" }

    /// The optional address part.
    public struct Address: Hashable, Sendable {
        /// The network type, `IN`.
        public var networkType: String
        /// The address type, `IP4` or `IP6`.
        public var addressType: String
        /// The address.
        public var address: String

        /// Creates an address; the network type defaults to `IN`.
        public init(networkType: String = "IN", addressType: String, address: String) {
            self.networkType = networkType
            self.addressType = addressType
            self.address = address
        }
    }

    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when it differs from the media's connection address.
    public var address: Address?

    /// Creates an RTCP attribute.
    public init(port: UInt16, address: Address? = nil) {
        self.port = port
        self.address = address
    }

    static var grammar: String { "a=rtcp:<port> [<nettype> <addrtype> <connection-address>]" }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count == 1 || fields.count == 4, let port = SDPGrammar.number(fields[0], as: UInt16.self) else {
            throw Self.invalid(attributeValue, grammar: Self.grammar)
        }
        var address: Address?
        if fields.count == 4 {
            guard SDPGrammar.isToken(fields[1]), SDPGrammar.isToken(fields[2]) else {
                throw Self.invalid(attributeValue, grammar: Self.grammar)
            }
            address = Address(
                networkType: SDPGrammar.string(fields[1]), addressType: SDPGrammar.string(fields[2]),
                address: SDPGrammar.string(fields[3]))
        }
        self.init(port: port, address: address)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        guard let address else { return "\(port)" }
        return "\(port) \(address.networkType) \(address.addressType) \(address.address)"
    }
}
