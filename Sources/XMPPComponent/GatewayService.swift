import XMPPCore

/// Who may use the gateway and what it says about itself; supplied by the bridge.
public struct GatewayPolicy {
    public var name: String
    public var version: String
    public var operatingSystem: String?
    /// May this bare JID subscribe to contacts and place calls?
    public var isAllowed: (JID) -> Bool
    /// May this bare JID run admin commands?
    public var isAdmin: (JID) -> Bool

    public init(
        name: String, version: String, operatingSystem: String? = nil,
        isAllowed: @escaping (JID) -> Bool, isAdmin: @escaping (JID) -> Bool
    ) {
        self.name = name
        self.version = version
        self.operatingSystem = operatingSystem
        self.isAllowed = isAllowed
        self.isAdmin = isAdmin
    }
}

/// Discovery (XEP-0030, XEP-0115), version (XEP-0092), ping (XEP-0199) and the gateway
/// address prompt (XEP-0100) for the component domain and every contact JID below it.
public final class GatewayService {
    /// XEP-0115 node naming this software.
    public static let capsNode = "https://jingle-sip-bridge.invalid/caps"

    /// The features a Jingle client looks for before it offers an audio call to a contact.
    public static let callFeatures = [
        Namespace.jingle, Namespace.jingleRTP, Namespace.jingleRTPAudio, Namespace.jingleICEUDP,
        Namespace.jingleDTLS, Namespace.jingleMessage,
    ]

    public let domain: JID
    public var policy: GatewayPolicy
    public let domainCapabilities: EntityCapabilities
    public let contactCapabilities: EntityCapabilities
    /// Extra disco#items providers by node (ad-hoc commands register theirs).
    private var itemProviders: [String: (_ requester: JID, _ target: JID) -> [XMLElement]?] = [:]

    public init(domain: JID, policy: GatewayPolicy) {
        self.domain = domain
        self.policy = policy
        domainCapabilities = EntityCapabilities(
            identities: [
                .init(category: "gateway", type: "pstn", name: policy.name),
                .init(category: "gateway", type: "sip", name: policy.name),
            ],
            features: [
                Namespace.discoInfo, Namespace.discoItems, Namespace.caps, Namespace.commands, Namespace.version,
                Namespace.ping, Namespace.gateway,
            ] + Self.callFeatures)
        contactCapabilities = EntityCapabilities(
            identities: [.init(category: "client", type: "phone", name: policy.name)],
            features: [Namespace.discoInfo, Namespace.caps, Namespace.ping] + Self.callFeatures)
    }

    /// Capabilities of a JID inside the domain: the domain itself, or a contact.
    public func capabilities(of jid: JID) -> EntityCapabilities {
        jid.localpart == nil ? domainCapabilities : contactCapabilities
    }

    public func registerItems(node: String, _ provider: @escaping (_ requester: JID, _ target: JID) -> [XMLElement]?) {
        itemProviders[node] = provider
    }

    public func install(on router: StanzaRouter) {
        router.registerIQ(namespace: Namespace.discoInfo) { [weak self] iq, responder in
            guard let self else { return responder.error(.serviceUnavailable) }
            self.discoInfo(iq, responder)
        }
        router.registerIQ(namespace: Namespace.discoItems) { [weak self] iq, responder in
            guard let self else { return responder.error(.serviceUnavailable) }
            self.discoItems(iq, responder)
        }
        router.registerIQ(namespace: Namespace.ping) { iq, responder in
            iq.type == "get" ? responder.result() : responder.error(.badRequest("ping is an IQ get"))
        }
        router.registerIQ(namespace: Namespace.version) { [weak self] iq, responder in
            guard let self else { return responder.error(.serviceUnavailable) }
            guard iq.type == "get" else { return responder.error(.badRequest("version is an IQ get")) }
            var elements = [
                XMLElement("name", namespace: Namespace.version, text: "jingle-sip-bridge"),
                XMLElement("version", namespace: Namespace.version, text: self.policy.version),
            ]
            if let os = self.policy.operatingSystem { elements.append(XMLElement("os", namespace: Namespace.version, text: os)) }
            responder.result(XMLElement("query", namespace: Namespace.version, elements: elements))
        }
        router.registerIQ(namespace: Namespace.gateway) { [weak self] iq, responder in
            guard let self else { return responder.error(.serviceUnavailable) }
            self.gatewayPrompt(iq, responder)
        }
    }

    private func discoInfo(_ iq: XMLElement, _ responder: IQResponder) {
        guard iq.type == "get", let to = iq.to else { return responder.error(.badRequest("disco#info is an IQ get")) }
        let query = iq.firstChild("query", namespace: Namespace.discoInfo)
        let node = query?[attribute: "node"]
        let capabilities = capabilities(of: to)
        // XEP-0115 section 6.2: a query to node#ver is answered like the plain query, echoing the node.
        if let node, node != "\(Self.capsNode)#\(capabilities.verificationString)", itemProviders[node] == nil {
            return responder.error(.itemNotFound)
        }
        responder.result(capabilities.discoInfo(node: node))
    }

    private func discoItems(_ iq: XMLElement, _ responder: IQResponder) {
        guard iq.type == "get", let to = iq.to, let from = iq.from else {
            return responder.error(.badRequest("disco#items is an IQ get"))
        }
        let node = iq.firstChild("query", namespace: Namespace.discoItems)?[attribute: "node"]
        var query = XMLElement("query", namespace: Namespace.discoItems, ["node": node])
        if let node {
            guard let provider = itemProviders[node], let items = provider(from.bare, to) else {
                return responder.error(.itemNotFound)
            }
            for item in items { query.append(item) }
        }
        responder.result(query)
    }

    /// XEP-0100 section 6.3: translate a phone number or SIP address into a contact JID.
    private func gatewayPrompt(_ iq: XMLElement, _ responder: IQResponder) {
        switch iq.type {
        case "get":
            responder.result(
                XMLElement(
                    "query", namespace: Namespace.gateway,
                    elements: [
                        XMLElement(
                            "desc", namespace: Namespace.gateway,
                            text: "Enter the phone number (e.g. +15551234567) or SIP address (alice@pbx.example.com) to call."),
                        XMLElement("prompt", namespace: Namespace.gateway, text: "Phone number or SIP address"),
                    ]))
        case "set":
            let prompt = iq.firstChild("query", namespace: Namespace.gateway)?.firstChild("prompt")?.text ?? ""
            guard let localpart = ContactAddress.localpart(forPrompt: prompt),
                let jid = try? JID(localpart: localpart, domainpart: domain.domainpart)
            else {
                return responder.error(
                    StanzaError(.modify, "not-acceptable", text: "'\(prompt)' is neither a phone number nor a SIP address"))
            }
            responder.result(
                XMLElement(
                    "query", namespace: Namespace.gateway,
                    elements: [XMLElement("jid", namespace: Namespace.gateway, text: jid.description)]))
        default:
            responder.error(.badRequest())
        }
    }
}
