/// `a=candidate:`: one ICE candidate (RFC 8839 section 5.1).
///
/// ```
/// candidate:<foundation> <component-id> <transport> <priority> <connection-address> <port>
///           typ <cand-type> [raddr <rel-addr>] [rport <rel-port>] *(<extension-name> <extension-value>)
/// ```
/// Extension pairs (`generation`, `network-id`, `ufrag`, `tcptype`, ...) are kept in order.
public struct ICECandidate: SDPAttributeValue {
    /// The attribute name, `candidate`.
    public static var attributeName: String { "candidate" }

    /// A candidate type: `host`, `srflx`, `prflx`, `relay` or an extension token.
    public struct CandidateType: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        /// The type token.
        public var rawValue: String
        /// Wraps a type token.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Wraps a string literal.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// A host candidate.
        public static var host: CandidateType { CandidateType(rawValue: "host") }
        /// A server-reflexive candidate.
        public static var serverReflexive: CandidateType { CandidateType(rawValue: "srflx") }
        /// A peer-reflexive candidate.
        public static var peerReflexive: CandidateType { CandidateType(rawValue: "prflx") }
        /// A relayed candidate.
        public static var relay: CandidateType { CandidateType(rawValue: "relay") }
    }

    /// One `name value` extension pair.
    public struct Extension: Hashable, Sendable {
        /// The extension name, a token.
        public var name: String
        /// The extension value, visible characters.
        public var value: String

        /// Creates an extension pair.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The foundation: 1 to 32 `ice-char`s.
    public var foundation: String
    /// The component: 1 for RTP, 2 for RTCP.
    public var component: UInt16
    /// The transport, `UDP` or an extension such as `TCP` (compared case-insensitively).
    public var transport: String
    /// The priority.
    public var priority: UInt32
    /// The address (IP address or, rarely, a fully qualified domain name).
    public var address: String
    /// The port.
    public var port: UInt16
    /// The candidate type.
    public var type: CandidateType
    /// The related address of reflexive and relayed candidates.
    public var relatedAddress: String?
    /// The related port of reflexive and relayed candidates.
    public var relatedPort: UInt16?
    /// Extension pairs in the order received.
    public var extensions: [Extension]

    /// Creates a candidate.
    public init(
        foundation: String, component: UInt16, transport: String = "UDP", priority: UInt32, address: String,
        port: UInt16, type: CandidateType, relatedAddress: String? = nil, relatedPort: UInt16? = nil,
        extensions: [Extension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    /// The value of the first extension with this name, such as `generation` or `ufrag`.
    public func extensionValue(_ name: String) -> String? { extensions.first { $0.name == name }?.value }

    /// The `tcptype` extension of TCP candidates (RFC 6544 section 4.5).
    public var tcpType: String? { extensionValue("tcptype") }

    static var grammar: String {
        "a=candidate:<foundation> <component-id> <transport> <priority> <address> <port> typ <cand-type> [raddr <rel-addr>] [rport <rel-port>] *(<name> <value>)"
    }

    /// RFC 8839 section 5.1 `ice-char`.
    static func isICEChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// Parses the text after `a=<name>:`; throws `invalidAttribute` when it does not match the grammar.
    public init(attributeValue: String) throws(SDPError) {
        let invalid = Self.invalid(attributeValue, grammar: Self.grammar)
        let fields = SDPGrammar.fields(attributeValue)
        guard fields.count >= 8, (1...32).contains(fields[0].count), fields[0].allSatisfy(Self.isICEChar),
            fields[1].count <= 3, let component = SDPGrammar.number(fields[1], as: UInt16.self),
            SDPGrammar.isToken(fields[2]), fields[3].count <= 10,
            let priority = SDPGrammar.number(fields[3], as: UInt32.self),
            let port = SDPGrammar.number(fields[5], as: UInt16.self), fields[6].elementsEqual("typ".utf8),
            SDPGrammar.isToken(fields[7])
        else { throw invalid }
        var index = 8
        var relatedAddress: String?
        var relatedPort: UInt16?
        if index + 1 < fields.count, fields[index].elementsEqual("raddr".utf8) {
            relatedAddress = SDPGrammar.string(fields[index + 1])
            index += 2
        }
        if index + 1 < fields.count, fields[index].elementsEqual("rport".utf8) {
            guard let value = SDPGrammar.number(fields[index + 1], as: UInt16.self) else { throw invalid }
            relatedPort = value
            index += 2
        }
        var extensions: [Extension] = []
        guard (fields.count - index) % 2 == 0 else { throw invalid }
        while index < fields.count {
            guard SDPGrammar.isToken(fields[index]), fields[index + 1].allSatisfy(SDPGrammar.isVisible) else {
                throw invalid
            }
            extensions.append(Extension(SDPGrammar.string(fields[index]), SDPGrammar.string(fields[index + 1])))
            index += 2
        }
        self.init(
            foundation: SDPGrammar.string(fields[0]), component: component, transport: SDPGrammar.string(fields[2]),
            priority: priority, address: SDPGrammar.string(fields[4]), port: port,
            type: CandidateType(rawValue: SDPGrammar.string(fields[7])), relatedAddress: relatedAddress,
            relatedPort: relatedPort, extensions: extensions)
    }

    /// The text after `a=<name>:`.
    public var attributeValue: String {
        var text = "\(foundation) \(component) \(transport) \(priority) \(address) \(port) typ \(type.rawValue)"
        if let relatedAddress { text += " raddr \(relatedAddress)" }
        if let relatedPort { text += " rport \(relatedPort)" }
        for pair in extensions { text += " \(pair.name) \(pair.value)" }
        return text
    }
}
