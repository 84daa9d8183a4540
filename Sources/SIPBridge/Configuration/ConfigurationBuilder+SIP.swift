import Foundation

// The <sip> section. Foundation is needed for NSRegularExpression, which is
// why this lives apart from the libxml2 code.
extension ConfigurationBuilder {
    mutating func buildSIP(_ element: XMLElementNode?) -> SIPSettings {
        var sip = SIPSettings()
        guard let element else { return sip }

        sip.externalAddress = ipAddress(element, "external-address")
        if let value = milliseconds(element, "t1") { sip.t1 = value }
        if let value = milliseconds(element, "t2") { sip.t2 = value }
        if let value = milliseconds(element, "t4") { sip.t4 = value }
        requireOrder(element, lower: ("t1", sip.t1), upper: ("t2", sip.t2), format: Self.formatMilliseconds)
        if let value = integer(element, "keepalive-interval") { sip.keepaliveInterval = .seconds(value) }
        if let value = token(element, "user-agent") { sip.userAgent = value }
        if let value = integer(element, "session-timer") {
            if value > 0 && value < 90 {
                report(element, "session-timer", "\(value) is below 90 s, the smallest interval RFC 4028 allows (0 turns it off)")
            }
            sip.sessionTimer = value
        }
        if let value = boolean(element, "reliable-provisionals") { sip.reliableProvisionals = value }
        if let value = seconds(element, "connection-idle-timeout") { sip.connectionIdleTimeout = value }

        let listens = element.children(named: "listen")
        if !listens.isEmpty {
            sip.listeners = buildListeners(listens)
        }

        // Trunk names are collected first so that routes referring to a
        // trunk with some other problem do not produce a second error.
        let trunkNames = Set(element.children(named: "trunk").compactMap { token($0, "name") })
        var trunkLines: [String: Int] = [:]
        for trunk in element.children(named: "trunk") {
            let configuration = buildTrunk(trunk)
            if let first = trunkLines[configuration.name] {
                report(trunk, "name", "a trunk named \(configuration.name) is already defined on line \(first)")
            } else {
                trunkLines[configuration.name] = trunk.line
            }
            sip.trunks.append(configuration)
        }

        for route in element.children(named: "route") {
            if let configuration = buildRoute(route, trunkNames: trunkNames) { sip.routes.append(configuration) }
        }

        var didLines: [String: Int] = [:]
        for inbound in element.children(named: "inbound") {
            guard let route = buildInbound(inbound, trunkNames: trunkNames) else { continue }
            if case .number(let number) = route.did {
                let key = "\(route.trunk ?? "")\u{0}\(number)"
                if let first = didLines[key] {
                    report(inbound, "did", "\(number) is already routed by the <inbound> on line \(first)")
                    continue
                }
                didLines[key] = inbound.line
            }
            sip.inbound.append(route)
        }

        var userLines: [String: Int] = [:]
        for user in element.children(named: "user") {
            let jid = bareJID(user, "jid")
            let number = token(user, "number") ?? ""
            if !Self.isPhoneNumber(number) {
                report(user, "number", "expected a phone number such as +15551234567")
            }
            guard let jid else { continue }
            if let first = userLines[jid] {
                report(user, "jid", "\(jid) already has a number, on line \(first)")
                continue
            }
            userLines[jid] = user.line
            sip.users.append(UserMapping(jid: jid, number: number, hideNumber: boolean(user, "hide-number") ?? false))
        }

        if let limits = element.children(named: "limits").first {
            sip.limits = buildLimits(limits)
        }
        return sip
    }

    private mutating func buildListeners(_ elements: [XMLElementNode]) -> [SIPListener] {
        var listeners: [SIPListener] = []
        var used: [String: Int] = [:]
        for element in elements {
            let transport = enumeration(element, "transport", SIPTransportKind.self) ?? .udp
            let address = ipAddress(element, "address")
            let listener = SIPListener(
                transport: transport,
                address: address ?? "0.0.0.0",
                port: integer(element, "port"),
                certificate: path(element, "certificate"),
                privateKey: path(element, "private-key")
            )
            if transport.isSecure {
                let missing = ["certificate", "private-key"].filter { element[$0] == nil }
                if !missing.isEmpty {
                    let attributes = missing.count == 1 ? "\(MessageFormat.article(missing[0])) \(missing[0]) attribute" : "certificate and private-key attributes"
                    report(element, "transport", "needs \(attributes)")
                }
            } else {
                for name in ["certificate", "private-key"] where element[name] != nil {
                    report(element, name, "only tls and wss listeners use a certificate and private key")
                }
            }
            // A listener whose address was wrong is not checked for conflicts.
            if element["address"] != nil && address == nil { continue }
            let socket = transport.isStream ? "TCP" : "UDP"
            let endpoint = HostPort.format(host: listener.address, port: listener.port)
            let key = "\(socket) \(endpoint)"
            if let first = used[key] {
                report(element, element["port"] == nil ? nil : "port", "\(socket) \(endpoint) is already used by the <listen> on line \(first)")
                continue
            }
            used[key] = element.line
            listeners.append(listener)
        }
        return listeners
    }

    private mutating func buildTrunk(_ element: XMLElementNode) -> TrunkConfiguration {
        let name = token(element, "name") ?? ""
        let uri = sipURI(element, "uri") ?? TrunkURI(host: "invalid")
        var trunk = TrunkConfiguration(name: name, uri: uri)
        if let transport = enumeration(element, "transport", SIPTransportKind.self) { trunk.transport = transport }
        if uri.scheme == .sips && !trunk.transport.isSecure {
            report(element, "uri", "a sips: URI needs transport=\"tls\" or transport=\"wss\"")
        }
        trunk.username = token(element, "username")
        trunk.password = element["password"]
        trunk.realm = token(element, "realm")
        if let value = boolean(element, "register") { trunk.register = value }
        if let value = integer(element, "expires") { trunk.expires = .seconds(value) }
        if trunk.register && trunk.username == nil {
            report(element, "register", "registering needs a username attribute")
        }
        if trunk.password != nil && trunk.username == nil {
            report(element, "password", "a password needs a username attribute")
        }
        trunk.externalAddress = ipAddress(element, "external-address")

        if let text = element["codecs"] {
            var codecs: [TrunkConfiguration.Codec] = []
            for item in text.split(whereSeparator: XSDValue.isSpace) {
                guard let codec = TrunkConfiguration.Codec(rawValue: String(item)) else {
                    report(element, "codecs", "\(item) is not a known codec")
                    continue
                }
                if codecs.contains(codec) {
                    report(element, "codecs", "\(codec.rawValue) is listed twice")
                } else {
                    codecs.append(codec)
                }
            }
            if !codecs.contains(where: { $0 != .telephoneEvent }) {
                report(element, "codecs", "needs at least one audio codec besides telephone-event")
            }
            trunk.codecs = codecs
        }
        if let dtmf = enumeration(element, "dtmf", TrunkConfiguration.DTMFMode.self) { trunk.dtmf = dtmf }
        if trunk.dtmf == .rfc4733 && !trunk.codecs.contains(.telephoneEvent) {
            report(element, "codecs", "RFC 4733 DTMF needs telephone-event; add it, or set dtmf=\"info\"")
        }
        if let srtp = enumeration(element, "srtp", TrunkConfiguration.SRTPMode.self) { trunk.srtp = srtp }
        if trunk.srtp == .sdes && !trunk.transport.isSecure {
            report(element, "srtp", "SDES keys only ever travel over TLS; set transport=\"tls\" or transport=\"wss\"")
        }
        if let mode = enumeration(element, "early-media", TrunkConfiguration.EarlyMediaMode.self) { trunk.earlyMedia = mode }
        if let value = boolean(element, "verify-tls") { trunk.verifyTLS = value }
        if let value = boolean(element, "asserted-identity") { trunk.assertedIdentity = value }
        if let value = integer(element, "qualify") { trunk.qualify = .seconds(value) }
        if let value = boolean(element, "authenticate-inbound") {
            trunk.authenticateInbound = value
            if value && (trunk.username == nil || trunk.password == nil) {
                report(element, "authenticate-inbound", "needs the username and password the trunk answers with")
            }
        }

        for allow in element.children(named: "allow-from") {
            guard let text = token(allow, "address") else { continue }
            guard let network = IPNetwork(parsing: text) else {
                report(allow, "address", "expected an IPv4 or IPv6 address or network such as 203.0.113.0/24")
                continue
            }
            guard network == network.masked else {
                report(allow, "address", "has host bits set; did you mean \(network.masked)?")
                continue
            }
            trunk.allowFrom.append(network)
        }
        for failover in element.children(named: "failover") {
            guard let uri = sipURI(failover, "uri") else { continue }
            if uri.scheme == .sips && !trunk.transport.isSecure {
                report(failover, "uri", "a sips: URI needs the trunk's transport to be tls or wss")
            }
            trunk.failover.append(uri)
        }
        return trunk
    }

    private mutating func buildRoute(_ element: XMLElementNode, trunkNames: Set<String>) -> RouteConfiguration? {
        let match = element["match"] ?? ""
        let trunk = token(element, "trunk") ?? ""
        let expression = regularExpression(element, "match")
        if !trunkNames.contains(trunk) {
            report(element, "trunk", "there is no <trunk> named \(trunk)")
        }
        let rewrite = token(element, "rewrite")
        if let rewrite, let expression {
            checkTemplate(element, rewrite, groups: expression.numberOfCaptureGroups)
        }
        let emergency = enumeration(element, "emergency", RouteConfiguration.EmergencyPolicy.self) ?? .deny
        guard expression != nil else { return nil }
        return RouteConfiguration(match: match, trunk: trunk, rewrite: rewrite, emergency: emergency)
    }

    /// Checks the `$n` references of an NSRegularExpression template.
    private mutating func checkTemplate(_ element: XMLElementNode, _ template: String, groups: Int) {
        var characters = template.makeIterator()
        while let character = characters.next() {
            if character == "\\" {
                _ = characters.next()
            } else if character == "$" {
                guard let digit = characters.next(), let group = digit.wholeNumberValue, digit.isASCII else {
                    report(element, "rewrite", "$ must be followed by a group number such as $1 (write \\$ for a literal $)")
                    return
                }
                if group > groups {
                    let has = groups == 1 ? "1 group" : "\(groups) groups"
                    report(element, "rewrite", "$\(group) refers to a group that match does not have (it has \(has))")
                    return
                }
            }
        }
    }

    private mutating func buildInbound(_ element: XMLElementNode, trunkNames: Set<String>) -> InboundRoute? {
        let did = token(element, "did") ?? ""
        let jid = bareJID(element, "jid")
        let trunk = token(element, "trunk")
        if let trunk, !trunkNames.contains(trunk) {
            report(element, "trunk", "there is no <trunk> named \(trunk)")
        }
        let match: InboundRoute.DID
        if Self.isPhoneNumber(did) {
            match = .number(did)
        } else if regularExpression(element, "did") != nil {
            match = .pattern(did)
        } else {
            return nil
        }
        guard let jid else { return nil }
        return InboundRoute(did: match, jid: jid, trunk: trunk)
    }

    private mutating func buildLimits(_ element: XMLElementNode) -> CallLimits {
        var limits = CallLimits()
        if let value = integer(element, "calls") { limits.calls = value }
        if let value = integer(element, "calls-per-user") { limits.callsPerUser = value }
        if let value = integer(element, "calls-per-minute") { limits.callsPerMinute = value }
        if let value = seconds(element, "ring-timeout") { limits.ringTimeout = value }
        if let value = seconds(element, "rtp-timeout") { limits.rtpTimeout = value }
        if let value = seconds(element, "offline-grace") { limits.offlineGrace = value }
        requireOrder(element, lower: ("calls-per-user", limits.callsPerUser), upper: ("calls", limits.calls), format: { "\($0)" })
        return limits
    }

    // MARK: - Values

    private mutating func sipURI(_ element: XMLElementNode, _ name: String) -> TrunkURI? {
        guard let text = token(element, name) else { return nil }
        guard let uri = TrunkURI(parsing: text) else {
            report(element, name, "expected a SIP URI such as sip:sip.example.com or sips:sip.example.com:5061")
            return nil
        }
        return uri
    }

    private mutating func regularExpression(_ element: XMLElementNode, _ name: String) -> NSRegularExpression? {
        guard let pattern = element[name] else { return nil }
        guard let expression = try? NSRegularExpression(pattern: pattern) else {
            report(element, name, "not a valid regular expression")
            return nil
        }
        return expression
    }

    /// Digits with an optional leading `+`.
    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.count <= 32 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
