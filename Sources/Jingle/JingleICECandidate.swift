#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0176 `<candidate/>` (section 5.3): one ICE candidate, field for field an SDP `a=candidate`
/// (RFC 8839 section 5.1).
///
/// `component`, `foundation`, `ip`, `port`, `priority`, `protocol` and `type` are required (they are
/// what an `a=candidate` line cannot do without); `generation`, `id` and `network` are required by the
/// XEP-0176 schema but some clients omit them, so they are optional here and written only when known.
public struct JingleICECandidate: Sendable, Hashable {
    /// 1 for RTP, 2 for RTCP (XEP-0167 section 3).
    public var component: UInt8
    public var foundation: String
    /// ICE generation: 0 until an ICE restart.
    public var generation: UInt32?
    /// Unique identifier of the candidate within the session.
    public var id: String?
    public var ip: String
    /// Index of the network interface (XEP-0176 section 5.3).
    public var network: UInt32?
    public var port: UInt16
    public var priority: UInt32
    /// `udp` (XEP-0176); other values are kept.
    public var `protocol`: String
    public var relAddr: String?
    public var relPort: UInt16?
    public var type: JingleICECandidateType
    /// RFC 6544 `tcptype` (active/passive/so) for TCP candidates, which some clients add.
    public var tcpType: String?

    public init(
        component: UInt8, foundation: String, generation: UInt32? = 0, id: String? = nil, ip: String,
        network: UInt32? = nil, port: UInt16, priority: UInt32, protocol: String = "udp", relAddr: String? = nil,
        relPort: UInt16? = nil, type: JingleICECandidateType, tcpType: String? = nil
    ) {
        self.component = component
        self.foundation = foundation
        self.generation = generation
        self.id = id
        self.ip = ip
        self.network = network
        self.port = port
        self.priority = priority
        self.protocol = `protocol`
        self.relAddr = relAddr
        self.relPort = relPort
        self.type = type
        self.tcpType = tcpType
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("candidate", JingleNamespace.iceUDP)
        let component: UInt8 = try element.jingleRequiredNumber("component")
        guard component >= 1 else {
            throw JingleError.invalidAttribute("component", of: "candidate", value: "0", expected: "1 to 255")
        }
        self.component = component
        foundation = try element.jingleRequiredNonEmpty("foundation")
        generation = try element.jingleNumber("generation")
        id = element[attribute: "id"]
        ip = try element.jingleRequiredNonEmpty("ip")
        network = try element.jingleNumber("network")
        port = try element.jingleRequiredNumber("port")
        priority = try element.jingleRequiredNumber("priority")
        `protocol` = try element.jingleRequiredNonEmpty("protocol")
        relAddr = element[attribute: "rel-addr"]
        relPort = try element.jingleNumber("rel-port")
        guard let type: JingleICECandidateType = try element.jingleEnum("type") else {
            throw JingleError.missingAttribute("type", of: "candidate")
        }
        self.type = type
        tcpType = element[attribute: "tcptype"]
        for (name, value) in [("foundation", foundation), ("ip", ip), ("protocol", `protocol`)]
        where value.contains(where: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
            // An a=candidate line is space-separated; a space inside a field would corrupt it.
            throw JingleError.invalidAttribute(name, of: "candidate", value: value, expected: "no white space")
        }
    }

    public var element: XMLElement {
        XMLElement(
            "candidate", namespace: JingleNamespace.iceUDP,
            [
                "component": String(component), "foundation": foundation,
                "generation": generation.map(String.init), "id": id, "ip": ip,
                "network": network.map(String.init), "port": String(port), "priority": String(priority),
                "protocol": `protocol`, "rel-addr": relAddr, "rel-port": relPort.map(String.init),
                "type": type.rawValue, "tcptype": tcpType,
            ])
    }
}
