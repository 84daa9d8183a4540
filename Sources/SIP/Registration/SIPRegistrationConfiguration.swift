import NIOCore

/// What a registration client registers, where, and with which credentials and timing
/// (RFC 3261 10.2). A value type shared by `SIPRegistration` and `SIPRegistrationClient`.
public struct SIPRegistrationConfiguration: Sendable, Equatable {
    /// A host and optional port as written in Via and Contact.
    public struct Address: Sendable, Equatable {
        /// The host (an IP address or a name).
        public var host: SIPHost
        /// The port; nil leaves it out (5060 implied).
        public var port: UInt16?

        /// Creates an address.
        public init(host: SIPHost, port: UInt16? = nil) {
            self.host = host
            self.port = port
        }
    }

    /// The address of record, `sip:user@domain`: To and From of every REGISTER (RFC 3261 10.2).
    public var addressOfRecord: SIPURI
    /// The Request-URI: the registrar's domain without user part (RFC 3261 10.2). Defaults to
    /// `sip:` and the domain of the address of record.
    public var registrarURI: SIPURI
    /// Our own address (the socket we listen on), used in Via and Contact unless an external
    /// address is configured.
    public var localAddress: Address
    /// The public address of a NAT in front of us. When set it replaces the local address in
    /// Via and Contact, so a private address never reaches the registrar.
    public var externalAddress: Address?
    /// The user name for digest authentication.
    public var username: String
    /// The password for digest authentication.
    public var password: String
    /// The realm the credentials belong to; nil answers any realm the registrar names.
    public var realm: String?
    /// The registration interval asked for, in seconds (the Expires header). Default 600.
    public var expires: UInt32
    /// The first retry delay after a failure; it doubles per failure up to `maximumRetryDelay`.
    public var initialRetryDelay: TimeAmount
    /// The longest retry delay.
    public var maximumRetryDelay: TimeAmount
    /// How often a CRLF keepalive goes to the registrar while registered, keeping NAT bindings
    /// open (in the spirit of RFC 5626 4.4.1); nil disables keepalives. Default 25 s.
    public var keepaliveInterval: TimeAmount?
    /// The transport named in Via ("UDP", "TCP", ...).
    public var transport: String
    /// The User-Agent header; nil leaves it out.
    public var userAgent: String?

    /// Creates a configuration with the defaults of the `<trunk>` element: Expires 600 s, retry
    /// after 30 s doubling to 10 min, keepalive every 25 s.
    public init(
        addressOfRecord: SIPURI, registrarURI: SIPURI? = nil, localAddress: Address, externalAddress: Address? = nil,
        username: String, password: String, realm: String? = nil, expires: UInt32 = 600,
        initialRetryDelay: TimeAmount = .seconds(30), maximumRetryDelay: TimeAmount = .minutes(10),
        keepaliveInterval: TimeAmount? = .seconds(25), transport: String = "UDP",
        userAgent: String? = "jingle-sip-bridge"
    ) {
        self.addressOfRecord = addressOfRecord.withoutParametersAndHeaders
        self.registrarURI =
            registrarURI
            ?? SIPURI(scheme: addressOfRecord.scheme, host: addressOfRecord.host, port: addressOfRecord.port)
        self.localAddress = localAddress
        self.externalAddress = externalAddress
        self.username = username
        self.password = password
        self.realm = realm
        self.expires = expires
        self.initialRetryDelay = initialRetryDelay
        self.maximumRetryDelay = maximumRetryDelay
        self.keepaliveInterval = keepaliveInterval
        self.transport = transport
        self.userAgent = userAgent
    }

    /// The address others see: the external address when configured, else the local one.
    public var advertisedAddress: Address {
        guard let externalAddress else { return localAddress }
        return Address(host: externalAddress.host, port: externalAddress.port ?? localAddress.port)
    }

    /// Our Contact URI: the user of the address of record at the advertised address.
    public var contactURI: SIPURI {
        let address = advertisedAddress
        var uri = SIPURI(scheme: .sip, host: address.host, port: address.port)
        uri.encodedUser = addressOfRecord.encodedUser
        let transport = SIPGrammar.asciiLowercased(self.transport)
        if transport != "udp" { uri.transport = transport }
        return uri
    }
}
