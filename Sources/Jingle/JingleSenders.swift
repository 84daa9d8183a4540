/// Which parties send media for a content (XEP-0166 section 7.3, attribute `senders`; default `both`).
///
/// XEP-0166 maps the values onto SDP `sendrecv`, `sendonly`, `inactive` and `recvonly`, but which of
/// `sendonly`/`recvonly` applies depends on whose SDP it is: see `direction(from:)`.
public enum JingleSenders: String, Sendable, Hashable, CaseIterable {
    case both
    case initiator
    case responder
    case none

    /// Whether `party` sends media.
    public func includes(_ party: JingleCreator) -> Bool {
        switch self {
        case .both: true
        case .none: false
        case .initiator: party == .initiator
        case .responder: party == .responder
        }
    }

    /// Builds the value from who sends.
    public init(initiatorSends: Bool, responderSends: Bool) {
        switch (initiatorSends, responderSends) {
        case (true, true): self = .both
        case (true, false): self = .initiator
        case (false, true): self = .responder
        case (false, false): self = .none
        }
    }
}
