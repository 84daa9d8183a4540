/// ICE candidate type (XEP-0176 section 5.3, attribute `type`; RFC 8445 section 5.1.1).
public enum JingleICECandidateType: String, Sendable, Hashable, CaseIterable {
    case host
    case prflx
    case relay
    case srflx
}
