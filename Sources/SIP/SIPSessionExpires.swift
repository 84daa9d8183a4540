/// The Session-Expires header of RFC 4028 4: the session interval and who refreshes.
public struct SIPSessionExpires: Hashable, Sendable, CustomStringConvertible {
    /// The `refresher` parameter.
    public enum Refresher: String, Hashable, Sendable {
        /// The UAC refreshes.
        case uac
        /// The UAS refreshes.
        case uas
    }

    /// The session interval in seconds.
    public var interval: UInt32
    /// Parameters in wire form, `refresher` included.
    public var parameters: SIPParameters

    /// Creates a Session-Expires value.
    public init(interval: UInt32, refresher: Refresher? = nil, parameters: SIPParameters = SIPParameters()) {
        self.interval = interval
        self.parameters = parameters
        if let refresher { self.parameters["refresher"] = refresher.rawValue }
    }

    /// Parses `delta-seconds *(SEMI se-params)`.
    public init(parsing text: String) throws {
        var s = SIPScanner(text, context: .header("Session-Expires"))
        s.skipWSP()
        let interval = try s.expectNumber("session interval", maximum: UInt64(UInt32.max))
        let parameters = try SIPParameters.parseHeaderParameters(&s)
        if let r = parameters["refresher"], Refresher(rawValue: SIPGrammar.asciiLowercased(r)) == nil {
            throw s.fail("refresher parameter '\(r)' is neither uac nor uas (RFC 4028 4)")
        }
        try s.expectEnd(after: "the Session-Expires value")
        self.init(interval: UInt32(interval), parameters: parameters)
    }

    /// The `refresher` parameter.
    public var refresher: Refresher? {
        get { parameters["refresher"].flatMap { Refresher(rawValue: SIPGrammar.asciiLowercased($0)) } }
        set { parameters["refresher"] = newValue?.rawValue }
    }

    public var description: String {
        var out = String(interval)
        parameters.write(to: &out)
        return out
    }
}
