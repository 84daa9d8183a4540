/// The SDP `a=setup` / Jingle `<fingerprint setup=..>` value that decides DTLS roles (RFC 4145 section 4,
/// used for DTLS-SRTP by RFC 5763 section 5 and updated by RFC 8842 section 5).
public enum DTLSSetup: String, Hashable, Sendable, CaseIterable {
    /// This endpoint sends the ClientHello (DTLS client).
    case active
    /// This endpoint waits for the ClientHello (DTLS server).
    case passive
    /// Either; only valid in an offer. An offerer must be ready for a ClientHello before the answer arrives.
    case actpass
    /// No connection for now (RFC 4145); RFC 8842 section 5.3 forbids it for DTLS.
    case holdconn

    /// What to put in our offer: always `actpass` (RFC 8842 section 5.2).
    public static let offer: DTLSSetup = .actpass

    /// What we put in an answer to an offer carrying `offer`: `active` where we may choose (RFC 5763
    /// section 5 recommends it, so the ClientHello goes out as soon as ICE allows), never `actpass`
    /// (RFC 8842 section 5.3). Nil for `holdconn`, which a DTLS offer must not carry.
    public static func answer(to offer: DTLSSetup) -> DTLSSetup? {
        switch offer {
        case .actpass, .passive: .active
        case .active: .passive
        case .holdconn: nil
        }
    }
}
