import NIOCore

/// The state of a registration as the status command shows it.
public enum SIPRegistrationStatus: Equatable, Sendable, CustomStringConvertible {
    /// Not started.
    case idle
    /// The first REGISTER (or a retry after a failure) is in progress.
    case registering
    /// The registrar accepted our Contact until `until`; `expires` is the granted interval in
    /// seconds. Refreshes happen in this state.
    case registered(until: NIODeadline, expires: UInt32)
    /// The last attempt failed; the next one starts at `retryAt`.
    case failed(reason: String, retryAt: NIODeadline)
    /// The unregistering REGISTER (Expires: 0) is in progress.
    case unregistering
    /// Stopped: the binding was removed, or unregistering ended (see `reason`, nil on success).
    case unregistered(reason: String?)

    /// True while the registrar holds our binding.
    public var isRegistered: Bool {
        if case .registered = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .idle: return "idle"
        case .registering: return "registering"
        case .registered(_, let expires): return "registered (\(expires) s)"
        case .failed(let reason, _): return "failed: \(reason)"
        case .unregistering: return "unregistering"
        case .unregistered(let reason): return reason.map { "unregistered: \($0)" } ?? "unregistered"
        }
    }
}
