/// A header field name. Names compare case-insensitively and a compact form equals its long
/// form (RFC 3261 7.3.1, 7.3.3): `"v" == "Via" == "VIA"`. The spelling that was received is kept
/// in `rawValue` and written back unchanged.
public struct SIPHeaderName: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as written on the wire.
    public let rawValue: String
    /// Lowercased long form, the identity used for comparison.
    let key: String

    /// Wraps a header name (a compact form is recognised as its long form).
    public init(_ name: String) {
        self.rawValue = name
        let lower = SIPGrammar.asciiLowercased(name)
        if lower.utf8.count == 1, let long = Self.compactForms[lower] {
            self.key = long
        } else {
            self.key = lower
        }
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static func == (lhs: SIPHeaderName, rhs: SIPHeaderName) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public var description: String { rawValue }

    /// The standard spelling of the long form ("Call-ID" for "i" or "call-id"); for an
    /// unknown header, the received spelling.
    public var canonicalName: String { Self.known[key]?.canonical ?? rawValue }

    /// The compact form, if the header has one (RFC 3261 7.3.3 and later RFCs).
    public var compactForm: String? { Self.known[key]?.compact }

    /// True for header fields whose value is a comma-separated list (RFC 3261 7.3.1), which
    /// `SIPHeaders.elements(for:)` splits. Authorization-style fields are not lists: their commas
    /// separate parameters of one value.
    public var isList: Bool { Self.known[key]?.list ?? false }

    /// True for the header fields this type knows (and so knows whether they are lists).
    var isKnown: Bool { Self.known[key] != nil }

    private struct Known: Sendable {
        var canonical: String
        var compact: String?
        var list: Bool
    }

    /// Compact forms: RFC 3261 7.3.3 (i m e l c f s k t v), RFC 6665 (o u), RFC 3515 (r),
    /// RFC 3892 (b), RFC 4028 (x), RFC 8224 (y), RFC 3841 (a j d).
    private static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
        "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via",
        "o": "event", "r": "refer-to", "b": "referred-by", "u": "allow-events", "x": "session-expires",
        "y": "identity", "a": "accept-contact", "j": "reject-contact", "d": "request-disposition",
    ]

    private static let known: [String: Known] = {
        var table: [String: Known] = [:]
        func add(_ name: String, _ compact: String? = nil, list: Bool = false) {
            table[SIPGrammar.asciiLowercased(name)] = Known(canonical: name, compact: compact, list: list)
        }
        add("Accept", list: true)
        add("Accept-Contact", "a", list: true)
        add("Accept-Encoding", list: true)
        add("Accept-Language", list: true)
        add("Alert-Info", list: true)
        add("Allow", list: true)
        add("Allow-Events", "u", list: true)
        add("Authentication-Info")
        add("Authorization")
        add("Call-ID", "i")
        add("Call-Info", list: true)
        add("Contact", "m", list: true)
        add("Content-Disposition")
        add("Content-Encoding", "e", list: true)
        add("Content-Language", list: true)
        add("Content-Length", "l")
        add("Content-Type", "c")
        add("CSeq")
        add("Date")
        add("Diversion", list: true)
        add("Error-Info", list: true)
        add("Event", "o")
        add("Expires")
        add("From", "f")
        add("History-Info", list: true)
        add("Identity", "y")
        add("In-Reply-To", list: true)
        add("Max-Forwards")
        add("MIME-Version")
        add("Min-Expires")
        add("Min-SE")
        add("Organization")
        add("P-Asserted-Identity", list: true)
        add("P-Associated-URI", list: true)
        add("P-Preferred-Identity", list: true)
        add("Path", list: true)
        add("Priority")
        add("Privacy")
        add("Proxy-Authenticate")
        add("Proxy-Authorization")
        add("Proxy-Require", list: true)
        add("RAck")
        add("Reason", list: true)
        add("Record-Route", list: true)
        add("Refer-To", "r")
        add("Referred-By", "b")
        add("Reject-Contact", "j", list: true)
        add("Replaces")
        add("Reply-To")
        add("Request-Disposition", "d", list: true)
        add("Require", list: true)
        add("Retry-After")
        add("Route", list: true)
        add("RSeq")
        add("Security-Client", list: true)
        add("Security-Server", list: true)
        add("Security-Verify", list: true)
        add("Server")
        add("Service-Route", list: true)
        add("Session-Expires", "x")
        add("Subject", "s")
        add("Subscription-State")
        add("Supported", "k", list: true)
        add("Timestamp")
        add("To", "t")
        add("Unsupported", list: true)
        add("User-Agent")
        add("Via", "v", list: true)
        add("Warning", list: true)
        add("WWW-Authenticate")
        return table
    }()

    /// `Accept`.
    public static let accept: SIPHeaderName = "Accept"
    /// `Allow`.
    public static let allow: SIPHeaderName = "Allow"
    /// `Authorization`.
    public static let authorization: SIPHeaderName = "Authorization"
    /// `Call-ID`.
    public static let callID: SIPHeaderName = "Call-ID"
    /// `Contact`.
    public static let contact: SIPHeaderName = "Contact"
    /// `Content-Length`.
    public static let contentLength: SIPHeaderName = "Content-Length"
    /// `Content-Type`.
    public static let contentType: SIPHeaderName = "Content-Type"
    /// `CSeq`.
    public static let cseq: SIPHeaderName = "CSeq"
    /// `Expires`.
    public static let expires: SIPHeaderName = "Expires"
    /// `From`.
    public static let from: SIPHeaderName = "From"
    /// `Max-Forwards`.
    public static let maxForwards: SIPHeaderName = "Max-Forwards"
    /// `Min-Expires`.
    public static let minExpires: SIPHeaderName = "Min-Expires"
    /// `Min-SE`.
    public static let minSE: SIPHeaderName = "Min-SE"
    /// `P-Asserted-Identity`.
    public static let pAssertedIdentity: SIPHeaderName = "P-Asserted-Identity"
    /// `Privacy`.
    public static let privacy: SIPHeaderName = "Privacy"
    /// `Proxy-Authenticate`.
    public static let proxyAuthenticate: SIPHeaderName = "Proxy-Authenticate"
    /// `Proxy-Authorization`.
    public static let proxyAuthorization: SIPHeaderName = "Proxy-Authorization"
    /// `Proxy-Require`.
    public static let proxyRequire: SIPHeaderName = "Proxy-Require"
    /// `RAck`.
    public static let rack: SIPHeaderName = "RAck"
    /// `Reason`.
    public static let reason: SIPHeaderName = "Reason"
    /// `Record-Route`.
    public static let recordRoute: SIPHeaderName = "Record-Route"
    /// `Require`.
    public static let require: SIPHeaderName = "Require"
    /// `Route`.
    public static let route: SIPHeaderName = "Route"
    /// `RSeq`.
    public static let rseq: SIPHeaderName = "RSeq"
    /// `Session-Expires`.
    public static let sessionExpires: SIPHeaderName = "Session-Expires"
    /// `Supported`.
    public static let supported: SIPHeaderName = "Supported"
    /// `Timestamp`.
    public static let timestamp: SIPHeaderName = "Timestamp"
    /// `To`.
    public static let to: SIPHeaderName = "To"
    /// `Unsupported`.
    public static let unsupported: SIPHeaderName = "Unsupported"
    /// `User-Agent`.
    public static let userAgent: SIPHeaderName = "User-Agent"
    /// `Via`.
    public static let via: SIPHeaderName = "Via"
    /// `WWW-Authenticate`.
    public static let wwwAuthenticate: SIPHeaderName = "WWW-Authenticate"
}
