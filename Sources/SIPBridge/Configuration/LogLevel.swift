/// `<log level>`: the minimum severity that is logged. The names match
/// swift-log's `Logger.Level`.
public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    /// Everything, including per-packet detail.
    case trace
    /// Diagnostic detail (stanzas, SIP messages).
    case debug
    /// Normal operation: connections, calls. The default.
    case info
    /// Noteworthy but normal events.
    case notice
    /// Something unexpected that the bridge recovered from.
    case warning
    /// A failure affecting one call or request.
    case error
    /// A failure affecting the whole bridge.
    case critical
}
