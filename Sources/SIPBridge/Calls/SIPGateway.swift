import Logging
import NIOCore
import SIP

/// The bridge's SIP user agent on the component's event loop: the UDP, TCP and TLS listeners from
/// `<sip><listen>`, trunk destinations (IP literals at once, names through RFC 3263 DNS lookups off the
/// loop, each recorded with the trunk's transport and TLS policy), and the digest credentials of each trunk.
///
/// SIP signalling shares the component loop with XMPP: both are light next to media, and one loop for all
/// signalling means a call's two sides never race each other.
final class SIPGateway {
    let userAgent: SIPUserAgent
    let settings: SIPSettings
    let logger: Logger
    private let locator: SIPServerLocator?

    /// Nil when there is no UDP listener (calls are then disabled); throws when a TLS listener's
    /// certificate or key cannot be loaded.
    init?(settings: SIPSettings, eventLoop: any EventLoop, logger: Logger) throws {
        guard let listener = settings.listeners.first(where: { $0.transport == .udp }) else {
            logger.warning("no UDP <listen> in <sip>: SIP calls are disabled (TCP and TLS need a UDP listener too)")
            return nil
        }
        var advertised: SIPRegistrationConfiguration.Address?
        if let external = settings.externalAddress, let host = try? SIPHost(parsing: external) {
            advertised = SIPRegistrationConfiguration.Address(host: host)
        }
        var configuration = SIPUserAgentConfiguration(
            host: listener.address, port: listener.port, advertisedAddress: advertised,
            timers: SIPTimers(t1: TimeAmount(settings.t1), t2: TimeAmount(settings.t2), t4: TimeAmount(settings.t4)),
            userAgent: settings.userAgent)
        configuration.sessionInterval = settings.sessionTimer > 0 ? UInt32(settings.sessionTimer) : nil
        configuration.reliableProvisionals = settings.reliableProvisionals
        configuration.streamListeners = try Self.streamListeners(settings.listeners)
        configuration.idleTimeout = TimeAmount(settings.connectionIdleTimeout)
        self.userAgent = SIPUserAgent(configuration: configuration, eventLoop: eventLoop)
        self.settings = settings
        self.logger = logger
        if let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) {
            let servers = DNSResolver.Configuration.parseResolvConf(text)
            locator =
                servers.isEmpty
                ? nil
                : SIPServerLocator(
                    resolver: DNSResolver(configuration: .init(nameservers: servers), eventLoop: eventLoop))
        } else {
            locator = nil
        }
    }

    /// Whether the listener is bound; calls are refused while it is not.
    private(set) var isRunning = false

    func start() -> EventLoopFuture<Void> {
        // Every trunk's address is known to the endpoint with its transport and TLS policy before the first
        // call, so in-dialog requests of inbound calls (a BYE to the trunk) use them too.
        for trunk in settings.trunks { _ = destination(for: trunk) }
        return userAgent.start().assumeIsolated().map { [logger, userAgent] in
            self.isRunning = true
            for transport in SIPTransport.allCases {
                guard let address = userAgent.endpoint.localAddress(for: transport) else { continue }
                logger.info("SIP listening on \(address) (\(transport.rawValue))")
            }
            self.startRegistrations()
            self.startQualifying()
        }.nonisolated()
    }

    func stop() -> EventLoopFuture<Void> {
        isRunning = false
        for qualifier in qualifiers { qualifier.client.stop() }
        return userAgent.stop()
    }

    // MARK: Qualify

    /// OPTIONS qualifiers by trunk name (trunks with `qualify` above 0).
    private(set) var qualifiers: [(trunk: String, client: SIPQualifyClient)] = []

    /// Asks every trunk with `qualify` > 0 for OPTIONS at that interval, logging when one stops
    /// answering or comes back.
    func startQualifying() {
        for trunk in settings.trunks where trunk.qualify > .zero {
            guard let host = try? SIPHost(parsing: trunk.uri.host) else { continue }
            let target = SIPURI(host: host, port: trunk.uri.port.map(UInt16.init))
            let logger = self.logger
            destination(for: trunk).assumeIsolated().whenSuccess { [weak self] peer in
                guard let self else { return }
                let client = self.userAgent.addQualify(target: target, peer: peer, interval: TimeAmount(trunk.qualify)) {
                    status in
                    if case .unreachable = status {
                        logger.warning("trunk \(trunk.name): \(status)")
                    } else {
                        logger.info("trunk \(trunk.name): \(status)")
                    }
                }
                self.qualifiers.append((trunk.name, client))
                client.start()
            }
        }
    }

    // MARK: Registration

    /// Registrations by trunk name (trunks with `register="true"`).
    private(set) var registrations: [(trunk: String, client: SIPRegistrationClient)] = []
    /// Trunks whose registration could not even start, with the reason.
    private(set) var registrationProblems: [String: String] = [:]

    /// Starts a registration for every trunk with `register="true"` (RFC 3261 section 10), refreshed
    /// before expiry, retried with backoff, with CRLF keepalives toward the registrar for NAT bindings.
    func startRegistrations() {
        for trunk in settings.trunks where trunk.register {
            // REGISTER over the trunk's transport, with the Contact of that transport's listener.
            let transport = Self.sipTransport(trunk.transport) ?? .udp
            guard let local = userAgent.endpoint.localAddress(for: transport) ?? userAgent.endpoint.localAddress,
                let localPort = local.port, let localHost = local.ipAddress.flatMap({ try? SIPHost(parsing: $0) })
            else { continue }
            guard let username = trunk.username, let password = trunk.password,
                let host = try? SIPHost(parsing: trunk.uri.host)
            else {
                registrationProblems[trunk.name] = "register=\"true\" needs username, password and a valid uri"
                logger.error("trunk \(trunk.name): \(registrationProblems[trunk.name]!)")
                continue
            }
            let external = (trunk.externalAddress ?? settings.externalAddress).flatMap { try? SIPHost(parsing: $0) }
            let configuration = SIPRegistrationConfiguration(
                addressOfRecord: SIPURI(user: username, host: host, port: trunk.uri.port.map(UInt16.init)),
                localAddress: .init(host: localHost, port: UInt16(localPort)),
                externalAddress: external.map { .init(host: $0) }, username: username, password: password,
                realm: trunk.realm, expires: UInt32(trunk.expires.components.seconds),
                keepaliveInterval: TimeAmount(settings.keepaliveInterval), transport: transport.viaName,
                userAgent: settings.userAgent)
            let logger = self.logger
            destination(for: trunk).assumeIsolated().whenComplete { [weak self] result in
                guard let self else { return }
                switch result {
                case .success(let registrar):
                    let client = self.userAgent.addRegistration(configuration, registrar: registrar) { status in
                        logger.info("trunk \(trunk.name): registration \(status)")
                    }
                    self.registrations.append((trunk.name, client))
                    client.start()
                case .failure(let error):
                    self.registrationProblems[trunk.name] = "\(error)"
                    logger.error("trunk \(trunk.name): cannot register: \(error)")
                }
            }
        }
    }

    /// Unregisters every trunk (Expires: 0); the socket must stay open a moment for the answers.
    func stopRegistrations() {
        for registration in registrations { registration.client.stop() }
    }

    /// One line per trunk for the status command.
    var trunkStatus: [String] {
        settings.trunks.map { trunk in
            let registration: String
            if let client = registrations.first(where: { $0.trunk == trunk.name })?.client {
                registration = "\(client.status)"
            } else if let problem = registrationProblems[trunk.name] {
                registration = problem
            } else {
                registration = trunk.register ? "registering" : "no registration"
            }
            let qualify = qualifiers.first { $0.trunk == trunk.name }.map { "; \($0.client.status)" } ?? ""
            return "\(trunk.name) (\(trunk.uri)): \(registration)\(qualify)"
        }
    }

    /// Where requests for `trunk` go: its URI's host and port (default 5060, 5061 for TLS), resolved per
    /// RFC 3263 when it is a name (`_sip._udp`, `_sip._tcp` or `_sips._tcp` SRV when the URI has no port).
    /// The address is recorded with the trunk's transport, so calls and registrations to it use that
    /// transport, and with the name its TLS certificate must carry (unless `verify-tls="false"`).
    func destination(for trunk: TrunkConfiguration) -> EventLoopFuture<SocketAddress> {
        let loop = userAgent.eventLoop
        guard let transport = Self.sipTransport(trunk.transport), !transport.isWebSocket else {
            // RFC 7118 is for clients that connect to us; trunks are reached over UDP, TCP or TLS.
            return loop.makeFailedFuture(GatewayError("transport \(trunk.transport.rawValue) cannot reach a trunk"))
        }
        let peer = SIPEndpoint.Peer(
            transport: transport, serverName: trunk.uri.host, verifyCertificate: trunk.verifyTLS)
        let endpoint = userAgent.endpoint
        let port = trunk.uri.port ?? transport.defaultPort
        if let address = try? SocketAddress(ipAddress: trunk.uri.host, port: port) {
            endpoint.setPeer(peer, at: address)
            return loop.makeSucceededFuture(address)
        }
        guard let locator else {
            return loop.makeFailedFuture(GatewayError("no DNS resolver configured to find \(trunk.uri.host)"))
        }
        return locator.locate(host: trunk.uri.host, port: trunk.uri.port, transport: transport.rawValue)
            .assumeIsolated().flatMapThrowing {
                guard let first = $0.first else { throw GatewayError("\(trunk.uri.host) does not resolve") }
                endpoint.setPeer(peer, at: first.address)
                return first.address
            }.nonisolated()
    }

    /// The SIP module's transport for a configured one.
    static func sipTransport(_ kind: SIPTransportKind) -> SIPTransport? {
        SIPTransport(rawValue: kind.rawValue)
    }

    /// The TCP, TLS and WebSocket listeners (TLS certificates and keys are read here).
    static func streamListeners(_ listeners: [SIPListener]) throws -> [SIPEndpoint.StreamListener] {
        try listeners.compactMap { listener in
            guard listener.transport != .udp, let transport = sipTransport(listener.transport) else { return nil }
            guard transport == .tls || transport == .wss else {
                return SIPEndpoint.StreamListener(transport: transport, host: listener.address, port: listener.port)
            }
            let name = transport.rawValue
            guard let certificate = listener.certificate, let key = listener.privateKey else {
                throw GatewayError("<listen transport=\"\(name)\"> needs certificate and private-key attributes")
            }
            do {
                return try .tls(
                    transport, host: listener.address, port: listener.port, certificate: certificate, privateKey: key)
            } catch {
                throw GatewayError(
                    "<listen transport=\"\(name)\">: cannot load certificate \(certificate) or private-key \(key): "
                        + "\(error)")
            }
        }
    }

    func credentials(for trunk: TrunkConfiguration) -> SIPCredentials? {
        guard let username = trunk.username, let password = trunk.password else { return nil }
        return SIPCredentials(username: username, password: password, realm: trunk.realm)
    }

    struct GatewayError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
