#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0176 `<remote-candidate component='' ip='' port=''/>` (section 5.3): the candidate the
/// controlling agent nominated (SDP `a=remote-candidates`, RFC 8839 section 5.2).
public struct JingleICERemoteCandidate: Sendable, Hashable {
    public var component: UInt8
    public var ip: String
    public var port: UInt16

    public init(component: UInt8, ip: String, port: UInt16) {
        self.component = component
        self.ip = ip
        self.port = port
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("remote-candidate", JingleNamespace.iceUDP)
        component = try element.jingleRequiredNumber("component")
        ip = try element.jingleRequiredNonEmpty("ip")
        port = try element.jingleRequiredNumber("port")
    }

    public var element: XMLElement {
        XMLElement(
            "remote-candidate", namespace: JingleNamespace.iceUDP,
            ["component": String(component), "ip": ip, "port": String(port)])
    }
}
