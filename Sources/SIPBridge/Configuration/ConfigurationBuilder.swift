/// Turns a schema-valid document into a ``BridgeConfiguration``, applying
/// defaults and checking what the schema cannot express (addresses, JIDs,
/// references between elements, secrets). Every problem is recorded in
/// ``diagnostics`` with the line of the offending attribute or element.
struct ConfigurationBuilder {
    /// Environment used for `secret-env`.
    let environment: [String: String]
    /// Directory that relative paths are resolved against.
    let baseDirectory: String
    /// Problems found so far.
    private(set) var diagnostics: [Diagnostic] = []

    init(environment: [String: String], baseDirectory: String) {
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    /// Builds the configuration, or returns nil when ``diagnostics`` is not empty.
    mutating func build(_ root: XMLElementNode, readFile: (String) throws -> String) -> BridgeConfiguration? {
        // The schema guarantees exactly one <xmpp>.
        let xmpp = buildXMPP(root.children(named: "xmpp").first ?? XMLElementNode(name: "xmpp", line: root.line), readFile: readFile)
        var configuration = BridgeConfiguration(xmpp: xmpp)
        if let data = root.children(named: "data").first, let directory = path(data, "directory") {
            configuration.dataDirectory = directory
        }
        for admins in root.children(named: "admins") {
            for jid in admins.children(named: "jid") {
                guard let bare = JIDSyntax.bareJID(XSDValue.collapse(jid.text)) else {
                    reportText(jid, "expected a bare JID such as admin@example.org")
                    continue
                }
                if !configuration.admins.contains(bare) { configuration.admins.append(bare) }
            }
        }
        for access in root.children(named: "access") {
            configuration.access = buildAccess(access)
        }
        if let log = root.children(named: "log").first, let level = enumeration(log, "level", LogLevel.self) {
            configuration.logLevel = level
        }
        configuration.sip = buildSIP(root.children(named: "sip").first)
        configuration.media = buildMedia(root.children(named: "media").first)
        return diagnostics.isEmpty ? configuration : nil
    }

    // MARK: - Sections

    private mutating func buildXMPP(_ element: XMLElementNode, readFile: (String) throws -> String) -> XMPPSettings {
        let domain = token(element, "domain") ?? ""
        if !JIDSyntax.isDomain(domain) {
            report(element, "domain", "expected a domain name such as sip.example.org")
        }
        var settings = XMPPSettings(domain: domain.lowercased(), secret: resolveSecret(element, readFile: readFile))
        if let server = token(element, "server") {
            if HostPort.isHost(server) {
                settings.server = server
            } else {
                report(element, "server", "expected a host name or IP address")
            }
        }
        if let port = integer(element, "port") { settings.port = port }
        if let value = seconds(element, "reconnect-min") { settings.reconnectMin = value }
        if let value = seconds(element, "reconnect-max") { settings.reconnectMax = value }
        requireOrder(element, lower: ("reconnect-min", settings.reconnectMin), upper: ("reconnect-max", settings.reconnectMax), format: Self.formatSeconds)
        if let value = seconds(element, "ping-interval") { settings.pingInterval = value }
        if let value = seconds(element, "ping-timeout") { settings.pingTimeout = value }
        if let value = seconds(element, "iq-timeout") { settings.iqTimeout = value }
        if let value = integer(element, "max-stanza-size") { settings.maxStanzaSize = value }
        if let value = integer(element, "max-depth") { settings.maxDepth = value }
        if let value = integer(element, "max-attributes") { settings.maxAttributes = value }
        if let value = token(element, "name") { settings.name = value }
        return settings
    }

    /// The secret from `secret`, `secret-env` or `secret-file` (the schema
    /// guarantees exactly one); "" after reporting a problem.
    private mutating func resolveSecret(_ element: XMLElementNode, readFile: (String) throws -> String) -> String {
        if let secret = element["secret"] {
            return secret
        }
        if let variable = token(element, "secret-env") {
            guard let value = environment[variable] else {
                report(element, "secret-env", "environment variable \(variable) is not set")
                return ""
            }
            guard !value.isEmpty else {
                report(element, "secret-env", "environment variable \(variable) is empty")
                return ""
            }
            return value
        }
        if let file = path(element, "secret-file") {
            let contents: String
            do {
                contents = try readFile(file)
            } catch {
                report(element, "secret-file", "cannot read \(file): \(error)")
                return ""
            }
            var secret = Substring(contents)
            while let last = secret.last, last == "\n" || last == "\r" || last == "\r\n" { secret.removeLast() }
            guard !secret.isEmpty else {
                report(element, "secret-file", "\(file) is empty")
                return ""
            }
            return String(secret)
        }
        return ""
    }

    private mutating func buildAccess(_ element: XMLElementNode) -> AccessPolicy {
        var policy = AccessPolicy()
        for allow in element.children(named: "allow") {
            if let jid = token(allow, "jid") {
                if let bare = JIDSyntax.bareJID(jid), !jid.contains("/") {
                    policy.rules.append(.jid(bare))
                } else {
                    report(allow, "jid", "expected a bare JID such as bob@example.org")
                }
            } else if let domain = token(allow, "domain") {
                if JIDSyntax.isDomain(domain) {
                    policy.rules.append(.domain(domain.lowercased()))
                } else {
                    report(allow, "domain", "expected a domain name such as example.org")
                }
            }
        }
        return policy
    }

    private mutating func buildMedia(_ element: XMLElementNode?) -> MediaSettings {
        var media = MediaSettings()
        guard let element else { return media }
        media.publicAddress = ipAddress(element, "public-address")
        if let address = ipAddress(element, "bind-address") { media.bindAddress = address }
        if let text = token(element, "rtp-ports") {
            if let range = parsePortRange(element, text) { media.rtpPorts = range }
        }
        if let value = boolean(element, "ice-lite") { media.iceLite = value }
        if let value = boolean(element, "allow-unencrypted") { media.allowUnencrypted = value }
        if let value = integer(element, "opus-bitrate") { media.opusBitrate = value }
        if let value = integer(element, "opus-complexity") { media.opusComplexity = value }
        if let value = integer(element, "jitter-buffer") { media.jitterBuffer = .milliseconds(value) }
        if let stun = element.children(named: "stun").first, let text = token(stun, "server") {
            if let server = STUNServer(parsing: text) {
                media.stun = server
            } else {
                report(stun, "server", "expected host or host:port, e.g. stun.example.org:3478")
            }
        }
        return media
    }

    private mutating func parsePortRange(_ element: XMLElementNode, _ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let low = Int(parts[0]), let high = Int(parts[1]),
              (1024...65535).contains(low), (1024...65535).contains(high)
        else {
            report(element, "rtp-ports", "expected LOW-HIGH with ports from 1024 to 65535, e.g. 20000-29999")
            return nil
        }
        guard low.isMultiple(of: 2) else {
            report(element, "rtp-ports", "the range must start on an even port (RTP uses even ports, RTCP the odd ones)")
            return nil
        }
        guard low < high else {
            report(element, "rtp-ports", "the first port must be lower than the second")
            return nil
        }
        return low...high
    }

    // MARK: - Reporting

    /// Records a problem with `attribute` of `element` (or with the element
    /// itself when `attribute` is nil).
    mutating func report(_ element: XMLElementNode, _ attribute: String?, _ message: String) {
        let subject = attribute.map { MessageFormat.tag(element, $0) } ?? MessageFormat.tag(element)
        diagnostics.append(Diagnostic(line: element.line(of: attribute), message: "\(subject): \(message)"))
    }

    /// Records a problem with the text of `element`.
    mutating func reportText(_ element: XMLElementNode, _ message: String) {
        diagnostics.append(Diagnostic(line: element.line, message: "\(MessageFormat.textElement(element)): \(message)"))
    }

    /// Reports when `upper` is less than `lower`, blaming whichever of the
    /// two was written in the file (preferring `upper`).
    mutating func requireOrder<Value: Comparable>(
        _ element: XMLElementNode,
        lower: (name: String, value: Value),
        upper: (name: String, value: Value),
        format: (Value) -> String
    ) {
        guard upper.value < lower.value else { return }
        if element[upper.name] != nil {
            let shown = format(lower.value) + (element[lower.name] == nil ? ", the default" : "")
            report(element, upper.name, "must not be less than \(lower.name) (\(shown))")
        } else {
            report(element, lower.name, "must not exceed \(upper.name) (\(format(upper.value)), the default)")
        }
    }

    // MARK: - Attribute values
    //
    // The schema has already checked each value's syntax; a failure here
    // would mean the schema and the builder disagree, and is still reported.

    /// The value with whitespace collapsed, if present.
    func token(_ element: XMLElementNode, _ name: String) -> String? {
        element[name].map(XSDValue.collapse)
    }

    mutating func integer(_ element: XMLElementNode, _ name: String) -> Int? {
        guard let text = element[name] else { return nil }
        guard let value = XSDValue.integer(text) else {
            report(element, name, "expected an integer")
            return nil
        }
        return value
    }

    mutating func seconds(_ element: XMLElementNode, _ name: String) -> Duration? {
        guard let text = element[name] else { return nil }
        guard let value = XSDValue.seconds(text) else {
            report(element, name, "expected a number of seconds")
            return nil
        }
        return value
    }

    mutating func milliseconds(_ element: XMLElementNode, _ name: String) -> Duration? {
        integer(element, name).map { .milliseconds($0) }
    }

    mutating func boolean(_ element: XMLElementNode, _ name: String) -> Bool? {
        guard let text = token(element, name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            report(element, name, "expected true or false")
            return nil
        }
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(
        _ element: XMLElementNode, _ name: String, _ type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = token(element, name) else { return nil }
        guard let value = Value(rawValue: text) else {
            report(element, name, "expected one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return value
    }

    mutating func ipAddress(_ element: XMLElementNode, _ name: String) -> String? {
        guard let text = token(element, name) else { return nil }
        guard IPNetwork.parseAddress(text) != nil else {
            report(element, name, "expected an IPv4 or IPv6 address")
            return nil
        }
        return text
    }

    mutating func bareJID(_ element: XMLElementNode, _ name: String) -> String? {
        guard let text = token(element, name) else { return nil }
        guard let jid = JIDSyntax.bareJID(text) else {
            report(element, name, "expected a bare JID such as user@example.org")
            return nil
        }
        return jid
    }

    /// A path, resolved against ``baseDirectory`` when relative.
    func path(_ element: XMLElementNode, _ name: String) -> String? {
        token(element, name).map(resolve)
    }

    /// `path` if absolute, else `path` inside ``baseDirectory``.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2).drop { $0 == "/" } }
        if relative == "." { relative = "" }
        if baseDirectory.isEmpty { return relative.isEmpty ? "." : String(relative) }
        if relative.isEmpty { return baseDirectory }
        return baseDirectory.hasSuffix("/") ? baseDirectory + relative : baseDirectory + "/" + relative
    }

    /// "30", "0.5": seconds as written in the file.
    static func formatSeconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard attoseconds != 0 else { return "\(seconds)" }
        var fraction = String(attoseconds)
        fraction = String(repeating: "0", count: 18 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)"
    }

    /// "500 ms".
    static func formatMilliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)"
    }
}
