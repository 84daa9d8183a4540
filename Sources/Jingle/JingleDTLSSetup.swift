/// The `setup` attribute of a XEP-0320 `<fingerprint/>`, carrying RFC 4145's `a=setup` role.
public enum JingleDTLSSetup: String, Sendable, Hashable, CaseIterable {
    case actpass
    case active
    case passive
    /// Defined by RFC 4145 but, per XEP-0320, not mapped to Jingle; parsed so it can be refused clearly.
    case holdconn
}
