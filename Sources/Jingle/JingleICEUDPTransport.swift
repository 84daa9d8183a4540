#if canImport(XMPPCore)
    import XMPPCore
#endif

/// An XEP-0176 `<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='' pwd=''>` (section 5)
/// with its candidates and the XEP-0320 DTLS fingerprint.
///
/// In a `transport-info` it carries trickled candidates (RFC 8838); new `ufrag`/`pwd` values mean an
/// ICE restart (XEP-0176 section 8).
public struct JingleICEUDPTransport: Sendable, Hashable {
    public var ufrag: String?
    public var pwd: String?
    public var candidates: [JingleICECandidate]
    public var remoteCandidate: JingleICERemoteCandidate?
    /// XEP-0320 fingerprints (normally one).
    public var fingerprints: [JingleDTLSFingerprint]
    /// Children this model does not know (for example Jitsi's `<rtcp-mux/>` or `<web-socket/>`), kept verbatim.
    public var extensions: [XMLElement]

    public init(
        ufrag: String? = nil, pwd: String? = nil, candidates: [JingleICECandidate] = [],
        remoteCandidate: JingleICERemoteCandidate? = nil, fingerprints: [JingleDTLSFingerprint] = [],
        extensions: [XMLElement] = []
    ) {
        self.ufrag = ufrag
        self.pwd = pwd
        self.candidates = candidates
        self.remoteCandidate = remoteCandidate
        self.fingerprints = fingerprints
        self.extensions = extensions
    }

    public init(element: XMLElement) throws(JingleError) {
        try element.jingleExpect("transport", JingleNamespace.iceUDP)
        ufrag = element[attribute: "ufrag"]
        pwd = element[attribute: "pwd"]
        var candidates: [JingleICECandidate] = []
        var remote: JingleICERemoteCandidate?
        var fingerprints: [JingleDTLSFingerprint] = []
        var extensions: [XMLElement] = []
        for child in element.elements {
            switch (child.namespace, child.name) {
            case (JingleNamespace.iceUDP, "candidate"): candidates.append(try JingleICECandidate(element: child))
            case (JingleNamespace.iceUDP, "remote-candidate") where remote == nil:
                remote = try JingleICERemoteCandidate(element: child)
            case (JingleNamespace.dtls, "fingerprint"): fingerprints.append(try JingleDTLSFingerprint(element: child))
            default: extensions.append(child)
            }
        }
        self.candidates = candidates
        self.remoteCandidate = remote
        self.fingerprints = fingerprints
        self.extensions = extensions
    }

    public var element: XMLElement {
        var children = fingerprints.map(\.element)
        children += candidates.map(\.element)
        if let remoteCandidate { children.append(remoteCandidate.element) }
        children += extensions
        return XMLElement(
            "transport", namespace: JingleNamespace.iceUDP, ["ufrag": ufrag, "pwd": pwd], elements: children)
    }
}
