/// Which checks the parsers run on a framed message beyond the line syntax.
public struct SIPValidation: Hashable, Sendable {
    /// Check that the header fields every request and response carries (Via, From, To,
    /// Call-ID, CSeq; RFC 3261 8.1.1 and 8.2.6.2) are present once and parse, that the CSeq
    /// method equals the request method (8.1.1.5), and that the fields a UA acts on when present
    /// (Contact, Route, Record-Route, Content-Type, Expires, Require, Proxy-Require) parse.
    /// Default true.
    public var checksMandatoryHeaders: Bool
    /// Also require Max-Forwards in requests (RFC 3261 8.1.1.6). Default true; turn off to accept
    /// RFC 2543 peers, which did not send it (RFC 4475 3.4.1).
    public var requiresMaxForwards: Bool

    /// Creates a validation policy.
    public init(checksMandatoryHeaders: Bool = true, requiresMaxForwards: Bool = true) {
        self.checksMandatoryHeaders = checksMandatoryHeaders
        self.requiresMaxForwards = requiresMaxForwards
    }

    /// All RFC 3261 checks.
    public static let rfc3261 = SIPValidation()
    /// Framing and line syntax only: header values are checked when read.
    public static let framingOnly = SIPValidation(checksMandatoryHeaders: false, requiresMaxForwards: false)
}
