/// `<xmpp>`: the XEP-0114 component connection.
///
/// The secret is already resolved (from `secret`, `secret-env` or
/// `secret-file`); ``description`` never prints it.
public struct XMPPSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `domain`: the component's JID domain, lower-cased (e.g. `sip.example.org`).
    public var domain: String
    /// The shared component secret (XEP-0114 handshake).
    public var secret: String
    /// `server`: host name or IP address of the XMPP server. Default `127.0.0.1`.
    public var server: String = "127.0.0.1"
    /// `port`: the server's component port. Default 5347.
    public var port: Int = 5347
    /// `reconnect-min`: first delay before reconnecting. Default 1 s.
    public var reconnectMin: Duration = .seconds(1)
    /// `reconnect-max`: upper bound of the exponential reconnect back-off. Default 30 s.
    public var reconnectMax: Duration = .seconds(30)
    /// `ping-interval`: idle time after which an XEP-0199 ping is sent to the
    /// server. Default 30 s.
    public var pingInterval: Duration = .seconds(30)
    /// `ping-timeout`: how long to wait for the ping reply before the
    /// connection is considered dead. Default 10 s.
    public var pingTimeout: Duration = .seconds(10)
    /// `iq-timeout`: how long to wait for the reply to an IQ the bridge sent. Default 30 s.
    public var iqTimeout: Duration = .seconds(30)
    /// `max-stanza-size`: largest accepted stanza in bytes. Default 524288
    /// (Prosody's limit for components).
    public var maxStanzaSize: Int = 524_288
    /// `max-depth`: maximum element nesting inside a stanza. Default 64.
    public var maxDepth: Int = 64
    /// `max-attributes`: maximum attributes on one element. Default 64.
    public var maxAttributes: Int = 64
    /// `name`: display name announced in service discovery. Default "Jingle SIP bridge".
    public var name: String = "Jingle SIP bridge"

    /// Creates settings with the given domain and secret and every other
    /// value at its documented default.
    public init(domain: String, secret: String) {
        self.domain = domain
        self.secret = secret
    }

    /// A summary with the secret redacted.
    public var description: String {
        "XMPPSettings(domain: \(domain), server: \(server):\(port), secret: <redacted>, name: \(name))"
    }

    /// Same as ``description``: the secret is redacted.
    public var debugDescription: String { description }
}
