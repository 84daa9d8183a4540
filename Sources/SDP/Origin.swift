/// The `o=` line: who created the session and which version of its description this is
/// (RFC 8866 section 5.2).
public struct Origin: Hashable, Sendable {
    /// The creator's login on the originating host, or `-` when there is none.
    public var username: String
    /// A numeric session identifier, kept as its decimal digits (it may exceed 64 bits).
    public var sessionID: String
    /// The version of this description; RFC 3264 section 8 requires it to grow by one for every
    /// changed offer or answer.
    public var sessionVersion: UInt64
    /// The network type, `IN` for the Internet.
    public var networkType: String
    /// The address type, `IP4` or `IP6`.
    public var addressType: String
    /// The address (or fully qualified domain name) of the machine that created the session.
    public var unicastAddress: String

    /// Creates an origin; the network type defaults to `IN` and the address type to `IP4`.
    public init(
        username: String = "-", sessionID: String, sessionVersion: UInt64, networkType: String = "IN",
        addressType: String = "IP4", unicastAddress: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.unicastAddress = unicastAddress
    }
}

// MARK: - Wire encoding

extension Origin {
    static var grammar: String { "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>" }

    /// Parses the value of an `o=` line (RFC 8866 section 5.2: six fields; `sess-id` and
    /// `sess-version` are `1*DIGIT`, section 9).
    init(value: SDPGrammar.Bytes) throws(SDPError) {
        let fields = SDPGrammar.fields(value)
        guard fields.count == 6, SDPGrammar.isDigits(fields[1]),
            let version = SDPGrammar.number(fields[2], as: UInt64.self),
            SDPGrammar.isToken(fields[3]), SDPGrammar.isToken(fields[4])
        else { throw SDPError.expected(Self.grammar, text: nil) }
        self.init(
            username: SDPGrammar.string(fields[0]), sessionID: SDPGrammar.string(fields[1]), sessionVersion: version,
            networkType: SDPGrammar.string(fields[3]), addressType: SDPGrammar.string(fields[4]),
            unicastAddress: SDPGrammar.string(fields[5]))
    }

    var wireValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(unicastAddress)"
    }
}
