/// One ICE candidate of component 1 (the media engine always muxes RTCP, RFC 8445 section 5.1.1).
public struct ICECandidate: Hashable, Sendable, CustomStringConvertible {
    /// Candidate types (RFC 8445 section 5.1.1.1); relayed candidates are not gathered by this agent.
    public enum Kind: Hashable, Sendable, CustomStringConvertible {
        case host
        case serverReflexive
        case peerReflexive
        case relayed

        /// Recommended type preferences (RFC 8445 section 5.1.2.2).
        public var typePreference: UInt32 {
            switch self {
            case .host: 126
            case .peerReflexive: 110
            case .serverReflexive: 100
            case .relayed: 0
            }
        }

        /// The SDP `typ` token (RFC 8839 section 5.1).
        public var description: String {
            switch self {
            case .host: "host"
            case .serverReflexive: "srflx"
            case .peerReflexive: "prflx"
            case .relayed: "relay"
            }
        }
    }

    public var kind: Kind
    /// The transport address the peer sends to.
    public var address: TransportAddress
    /// The local address the agent sends from for this candidate (RFC 8445 section 5.1.1.1); for remote
    /// candidates, equal to `address` (unknown and unused).
    public var base: TransportAddress
    public var priority: UInt32
    /// Equal for candidates of the same type, base IP and STUN server (RFC 8445 section 5.1.1.3).
    public var foundation: String
    public var componentID: UInt8

    public init(
        kind: Kind, address: TransportAddress, base: TransportAddress? = nil, priority: UInt32,
        foundation: String, componentID: UInt8 = 1
    ) {
        self.kind = kind
        self.address = address
        self.base = base ?? address
        self.priority = priority
        self.foundation = foundation
        self.componentID = componentID
    }

    /// RFC 8445 section 5.1.2.1: (2^24) * type preference + (2^8) * local preference + (256 - component ID).
    public static func priority(kind: Kind, localPreference: UInt16, componentID: UInt8 = 1) -> UInt32 {
        kind.typePreference << 24 | UInt32(localPreference) << 8 | (256 - UInt32(componentID))
    }

    /// A foundation from the type, the base IP and the STUN server (RFC 8445 section 5.1.1.3): a
    /// deterministic 32-bit FNV-1a hash in decimal, an `ice-char` string of at most 10 characters.
    public static func foundation(kind: Kind, base: TransportAddress, server: TransportAddress? = nil) -> String {
        var hash: UInt32 = 0x811C_9DC5
        let text = "\(kind)|\(base.ipDescription)|\(server?.description ?? "")"
        for byte in text.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return String(hash)
    }

    public var description: String { "\(kind) \(address) prio \(priority) fnd \(foundation)" }
}
