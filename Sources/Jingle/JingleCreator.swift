/// Which party created a content definition (XEP-0166 section 7.3, attribute `creator`).
public enum JingleCreator: String, Sendable, Hashable, CaseIterable {
    case initiator
    case responder

    /// The other party.
    public var other: JingleCreator { self == .initiator ? .responder : .initiator }
}
