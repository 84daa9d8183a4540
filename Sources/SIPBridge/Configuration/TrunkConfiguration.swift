/// `<trunk>`: a SIP provider or PBX the bridge sends calls to and receives
/// calls from.
///
/// ``description`` never prints the password.
public struct TrunkConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// An audio codec (or the DTMF event payload) offered on the trunk.
    public enum Codec: String, Sendable, Equatable, CaseIterable {
        /// G.711 µ-law.
        case pcmu = "PCMU"
        /// G.711 A-law.
        case pcma = "PCMA"
        /// G.722 wideband.
        case g722 = "G722"
        /// Opus.
        case opus = "opus"
        /// RFC 4733 DTMF events.
        case telephoneEvent = "telephone-event"
    }

    /// How DTMF digits are sent.
    public enum DTMFMode: String, Sendable, Equatable, CaseIterable {
        /// RTP events (RFC 4733); needs ``Codec/telephoneEvent`` in ``codecs``.
        case rfc4733
        /// SIP INFO requests.
        case info
    }

    /// Media encryption toward the trunk.
    public enum SRTPMode: String, Sendable, Equatable, CaseIterable {
        /// Plain RTP.
        case off
        /// SRTP keyed with SDES (RFC 4568); only allowed over tls or wss.
        case sdes
    }

    /// What to do with early media (183 Session Progress with SDP).
    public enum EarlyMediaMode: String, Sendable, Equatable, CaseIterable {
        /// Ignore the trunk's early media and let the XMPP client play its own ringback.
        case ringback
        /// Pass the trunk's early media (announcements, ringback tones) through.
        case accept
    }

    /// The codecs used when `codecs` is absent: PCMU, PCMA, G722 and telephone-event.
    public static let defaultCodecs: [Codec] = [.pcmu, .pcma, .g722, .telephoneEvent]

    /// `name`: unique name, referenced by routes.
    public var name: String
    /// `uri`: where requests are sent (`sip:host[:port]` or `sips:`).
    public var uri: TrunkURI
    /// `transport`. Default udp.
    public var transport: SIPTransportKind = .udp
    /// `username`: for digest authentication and registration. Default: none.
    public var username: String?
    /// `password`: for digest authentication. Default: none.
    public var password: String?
    /// `realm`: restricts credentials to this digest realm. Default: any realm.
    public var realm: String?
    /// `register`: keep a registration with the trunk. Default false.
    public var register: Bool = false
    /// `expires`: requested registration lifetime. Default 600 s.
    public var expires: Duration = .seconds(600)
    /// `external-address`: overrides ``SIPSettings/externalAddress`` for this trunk.
    public var externalAddress: String?
    /// `codecs`, in order of preference. Default ``defaultCodecs``.
    public var codecs: [Codec] = TrunkConfiguration.defaultCodecs
    /// `dtmf`. Default rfc4733.
    public var dtmf: DTMFMode = .rfc4733
    /// `srtp`. Default off.
    public var srtp: SRTPMode = .off
    /// `early-media`. Default ringback.
    public var earlyMedia: EarlyMediaMode = .ringback
    /// `verify-tls`: verify the trunk's certificate on tls and wss. Default true.
    public var verifyTLS: Bool = true
    /// `asserted-identity`: outbound INVITEs carry the caller's number in P-Asserted-Identity
    /// (RFC 3325), as trunks that take the identity from there need. Default false.
    public var assertedIdentity = false
    /// `qualify`: seconds between OPTIONS that check the trunk answers (RFC 3261 11); its state is
    /// shown in "Bridge status" and an unreachable trunk is logged. 0 turns it off. Default 60.
    public var qualify: Duration = .seconds(60)
    /// `authenticate-inbound`: INVITEs from addresses outside `allow-from` are challenged (401) and
    /// accepted as this trunk's when they answer with its `username` and `password`. Default false.
    public var authenticateInbound = false
    /// `<allow-from address>`: networks inbound requests may come from. When
    /// empty, inbound requests are accepted from the addresses `uri` resolves to.
    public var allowFrom: [IPNetwork] = []
    /// `<failover uri>`: tried in order when `uri` fails.
    public var failover: [TrunkURI] = []

    /// Creates a trunk with every optional value at its documented default.
    public init(name: String, uri: TrunkURI) {
        self.name = name
        self.uri = uri
    }

    /// A summary with the password redacted.
    public var description: String {
        "TrunkConfiguration(name: \(name), uri: \(uri), transport: \(transport.rawValue), username: \(username ?? "-"), password: \(password == nil ? "-" : "<redacted>"))"
    }

    /// Same as ``description``: the password is redacted.
    public var debugDescription: String { description }
}
