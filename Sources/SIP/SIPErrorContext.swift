/// Which error code, header and label a parser puts on its errors.
struct SIPErrorContext: Sendable {
    var code: SIPParseError.Code
    var header: String?
    var label: String

    /// Errors in a header value, e.g. label "Via header".
    static func header(_ name: String) -> SIPErrorContext {
        SIPErrorContext(code: .malformedHeader, header: name, label: "\(name) header")
    }

    static let uri = SIPErrorContext(code: .malformedURI, header: nil, label: "URI")
    static let requestURI = SIPErrorContext(code: .malformedRequestURI, header: nil, label: "Request-URI")

    func error(_ text: String, at position: Int) -> SIPParseError {
        SIPParseError(code: code, header: header, reason: "\(label): \(text)", position: position)
    }

    /// The same context for a URI inside this header ("From header URI: ...").
    var nestedURI: SIPErrorContext {
        code == .malformedHeader ? SIPErrorContext(code: code, header: header, label: "\(label) URI") : self
    }
}
