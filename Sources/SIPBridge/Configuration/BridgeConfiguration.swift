/// The complete, validated contents of `component.xml`.
///
/// Values are plain data: every default documented in `docs/configuration.md`
/// is filled in, relative paths are resolved against the directory of the
/// configuration file, and the component secret has been read from wherever
/// the file said it lives. Create one with ``ConfigurationLoader``.
public struct BridgeConfiguration: Sendable, Equatable {
    /// The default for ``dataDirectory`` when `<data>` is absent.
    public static let defaultDataDirectory = "/var/lib/jingle-sip-bridge"

    /// `<xmpp>`: how to reach the XMPP server and who the component is.
    public var xmpp: XMPPSettings
    /// `<data directory>`: where the bridge keeps its state (absolute unless
    /// the configuration itself was loaded from a relative location).
    public var dataDirectory: String
    /// `<admins>`: bare JIDs (lower-cased) allowed to administer the bridge.
    /// ``AccessPolicy/allows(bareJID:)`` evaluates only the `<allow>` rules;
    /// the bridge additionally lets administrators place calls.
    public var admins: [String]
    /// `<access>`: who may place calls through the bridge.
    public var access: AccessPolicy
    /// `<sip>`: the SIP side (listeners, trunks and routing).
    public var sip: SIPSettings
    /// `<media>`: RTP, ICE and codec settings.
    public var media: MediaSettings
    /// `<log level>`: the minimum level that is logged.
    public var logLevel: LogLevel

    /// Creates a configuration; every parameter but `xmpp` defaults to the
    /// documented default.
    public init(
        xmpp: XMPPSettings,
        dataDirectory: String = BridgeConfiguration.defaultDataDirectory,
        admins: [String] = [],
        access: AccessPolicy = AccessPolicy(),
        sip: SIPSettings = SIPSettings(),
        media: MediaSettings = MediaSettings(),
        logLevel: LogLevel = .info
    ) {
        self.xmpp = xmpp
        self.dataDirectory = dataDirectory
        self.admins = admins
        self.access = access
        self.sip = sip
        self.media = media
        self.logLevel = logLevel
    }

    /// Whether `bareJID` is one of the ``admins`` (compared case-insensitively;
    /// a resource, if any, is ignored).
    public func isAdmin(bareJID: String) -> Bool {
        let jid = AccessPolicy.normalize(bareJID)
        return admins.contains(jid)
    }
}
