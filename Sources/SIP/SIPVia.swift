/// One Via header field value (RFC 3261 20.42, 25.1 `via-parm`):
/// `SIP/2.0/UDP host:port;branch=z9hG4bK...;rport;received=192.0.2.1`.
public struct SIPVia: Hashable, Sendable, CustomStringConvertible {
    /// The RFC 3261 branch prefix (8.1.1.7): a branch starting with it is unique per transaction.
    public static let magicCookie = "z9hG4bK"

    /// The `rport` parameter of RFC 3581: requested (no value) or filled in by the server.
    public enum RPort: Hashable, Sendable {
        /// `;rport` - the client asks for it.
        case requested
        /// `;rport=5060` - the source port the server saw.
        case port(UInt16)
    }

    /// Protocol name, "SIP".
    public var protocolName: String
    /// Protocol version, "2.0".
    public var protocolVersion: String
    /// Transport, uppercased ("UDP", "TCP", "TLS", "SCTP", "WS", "WSS", or an extension).
    public var transport: String
    /// The sent-by host.
    public var host: SIPHost
    /// The sent-by port, nil when absent.
    public var port: UInt16?
    /// The parameters in wire form.
    public var parameters: SIPParameters

    /// Creates a Via value.
    public init(
        transport: String, host: SIPHost, port: UInt16? = nil, branch: String? = nil, parameters: SIPParameters = SIPParameters(),
        protocolName: String = "SIP", protocolVersion: String = "2.0"
    ) {
        self.protocolName = protocolName
        self.protocolVersion = protocolVersion
        self.transport = SIPGrammar.asciiUppercased(transport)
        self.host = host
        self.port = port
        self.parameters = parameters
        if let branch { self.parameters["branch"] = branch }
    }

    /// Parses one Via value (not a comma-separated list).
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        self = try Self.parse(bytes, 0..<bytes.count, context: .header("Via"))
    }

    /// The `branch` parameter (RFC 3261 8.1.1.7).
    public var branch: String? {
        get { parameters["branch"] }
        set { parameters["branch"] = newValue }
    }

    /// True when the branch begins with the magic cookie `z9hG4bK`, so it identifies the
    /// transaction on its own (RFC 3261 8.1.1.7, 17.2.3).
    public var hasMagicCookie: Bool { branch?.hasPrefix(Self.magicCookie) ?? false }

    /// The `received` address (RFC 3261 18.2.1), without brackets even if sent with them.
    public var received: String? {
        get {
            guard let r = parameters["received"] else { return nil }
            return r.hasPrefix("[") && r.hasSuffix("]") ? String(r.dropFirst().dropLast()) : r
        }
        set { parameters["received"] = newValue }
    }

    /// The `rport` parameter (RFC 3581).
    public var rport: RPort? {
        get {
            guard let v = parameters["rport"] else { return nil }
            if v.isEmpty { return .requested }
            return SIPGrammar.parseUnsigned(v.utf8, maximum: 65535).map { .port(UInt16($0)) }
        }
        set {
            switch newValue {
            case nil: parameters["rport"] = nil
            case .requested: parameters["rport"] = ""
            case .port(let p): parameters["rport"] = String(p)
            }
        }
    }

    /// The `maddr` parameter.
    public var maddr: String? { parameters["maddr"] }

    /// The `ttl` parameter (0-255).
    public var ttl: UInt8? {
        parameters["ttl"].flatMap { SIPGrammar.parseUnsigned($0.utf8, maximum: 255) }.map { UInt8($0) }
    }

    /// The sent-by as written: host[:port].
    public var sentBy: String {
        port.map { "\(host):\($0)" } ?? host.description
    }

    public var description: String {
        var out = "\(protocolName)/\(protocolVersion)/\(transport) \(sentBy)"
        parameters.write(to: &out)
        return out
    }

    /// Parses `bytes[range]`, positions in errors relative to `bytes`.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, context: SIPErrorContext) throws -> SIPVia {
        var scanner = SIPScanner(Array(bytes[range]), context: context)
        do {
            return try parse(&scanner)
        } catch var error as SIPParseError {
            error.position += range.lowerBound
            throw error
        }
    }

    static func parse(_ s: inout SIPScanner) throws -> SIPVia {
        s.skipWSP()
        guard !s.isAtEnd else { throw s.fail("empty value in the Via list") }
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport
        let name = try s.expectToken("protocol name (\"SIP\")")
        try s.expectSeparator(UInt8(ascii: "/"), "'/' after the protocol name")
        let version = try s.expectToken("protocol version")
        try s.expectSeparator(UInt8(ascii: "/"), "'/' after the protocol version")
        let transport = try s.expectToken("transport")
        guard s.skipWSP() else {
            throw s.fail("expected whitespace between the transport and sent-by, found \(SIPGrammar.describe(s.peek()))")
        }
        // sent-by = host [ COLON port ]
        let hostStart = s.index
        if s.peek() == UInt8(ascii: "[") {
            while let b = s.peek(), b != UInt8(ascii: "]") { s.index += 1 }
            guard s.consume(UInt8(ascii: "]")) else { throw s.fail("IPv6 reference without closing ']'", at: hostStart) }
        } else {
            while let b = s.peek(), SIPGrammar.has(b, SIPGrammar.hostChar) { s.index += 1 }
        }
        guard s.index > hostStart else { throw s.fail("expected the sent-by host, found \(SIPGrammar.describe(s.peek()))") }
        if s.peek() == UInt8(ascii: ":") {
            let rest = s.bytes[(s.index + 1)...].prefix { $0 != UInt8(ascii: ";") && !SIPGrammar.isWSP($0) }
            if rest.contains(UInt8(ascii: ":")) {
                throw s.fail("IPv6 address in sent-by must be enclosed in brackets (RFC 5118 4.5)", at: hostStart)
            }
        }
        let host = try SIPHost.parse(s.bytes, hostStart..<s.index, context: s.context)
        var port: UInt16? = nil
        if s.consumeSeparator(UInt8(ascii: ":")) {
            port = UInt16(try s.expectNumber("port", maximum: 65535))
        }
        let parametersStart = s.index
        let parameters = try SIPParameters.parseHeaderParameters(&s)
        try s.expectEnd(after: "the Via value")

        // Known parameters (RFC 3261 25.1 via-params, RFC 3581 rport).
        for p in parameters.items {
            let v = p.value
            func bad(_ text: String) -> SIPParseError { s.fail(text, at: parametersStart) }
            switch SIPGrammar.asciiLowercased(p.name) {
            case "branch":
                guard let v, SIPGrammar.isToken(v) else { throw bad("branch parameter must be a token") }
            case "received":
                // IPv4address / IPv6address; RFC 5118 4.5: accept the IPv6 with or without brackets.
                guard let v else { throw bad("received parameter needs an address") }
                let raw = Array(v.utf8)
                let inner = (raw.first == UInt8(ascii: "[") && raw.last == UInt8(ascii: "]") && raw.count > 2) ? raw[1..<(raw.count - 1)] : raw[...]
                guard SIPHost.parseIPv4(inner) != nil || SIPHost.parseIPv6(inner) != nil else {
                    throw bad("received parameter '\(v)' is not an IP address")
                }
            case "rport":
                if let v, SIPGrammar.parseUnsigned(v.utf8, maximum: 65535) == nil {
                    throw bad("rport parameter '\(v)' is not a port number")
                }
            case "ttl":
                guard let v, SIPGrammar.parseUnsigned(v.utf8, maximum: 255) != nil else {
                    throw bad("ttl parameter '\(v ?? "")' is not 0-255")
                }
            case "maddr":
                guard let v else { throw bad("maddr parameter needs a host") }
                let raw = Array(v.utf8)
                _ = try SIPHost.parse(raw, 0..<raw.count, context: s.context)
            default:
                break
            }
        }
        return SIPVia(
            transport: transport, host: host, port: port, parameters: parameters, protocolName: name,
            protocolVersion: version)
    }
}
