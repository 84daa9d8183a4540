/// Which side of the DTLS handshake an endpoint takes, derived from XEP-0320 `setup` attributes.
///
/// The rules are RFC 5763 section 5 (as updated by RFC 8842 section 5) with RFC 4145 section 4.1:
/// - the offerer normally says `actpass`; RFC 8842 also lets it say `active` or `passive`;
/// - the answerer MUST say `active` or `passive`, never `actpass`; we choose `active` (RFC 5763
///   section 5 RECOMMENDS it: the answerer then starts the handshake as soon as ICE completes);
/// - `active` is the DTLS client, `passive` the server;
/// - an absent `setup` is RFC 4145's default: `active` in an offer, `passive` in an answer;
/// - `holdconn` has no XEP-0320 mapping and is refused.
public enum JingleDTLSRole: Sendable, Hashable {
    /// Sends the ClientHello (`setup:active`).
    case client
    /// Waits for the ClientHello (`setup:passive`).
    case server

    /// Our part in the offer/answer exchange that negotiates the role.
    public enum Negotiation: Sendable, Hashable {
        /// We sent the offer (as Jingle initiator: the `session-initiate`).
        case offerer
        /// We answer (as Jingle responder: the `session-accept`).
        case answerer
    }

    /// The `setup` we put in an answer to an offer carrying `offered`: `active`, unless the offerer
    /// insists on being active itself (RFC 8842), in which case `passive`. Never `actpass`.
    public static func answerSetup(toOffered offered: JingleDTLSSetup?) throws(JingleError) -> JingleDTLSSetup {
        switch offered ?? .active {
        case .actpass, .passive: return .active
        case .active: return .passive
        case .holdconn: throw holdconnError
        }
    }

    /// Our DTLS role, given our part in the exchange and the `setup` the peer sent.
    ///
    /// As answerer this is the role our `answerSetup(toOffered:)` implies; as offerer (having sent
    /// `actpass`) it is the opposite of the peer's answer. An answer saying `actpass` is an error
    /// (RFC 5763 section 5: "the answerer MUST NOT use actpass").
    public static func resolve(_ us: Negotiation, peerSetup: JingleDTLSSetup?) throws(JingleError) -> JingleDTLSRole {
        switch us {
        case .answerer:
            return try answerSetup(toOffered: peerSetup) == .active ? .client : .server
        case .offerer:
            switch peerSetup ?? .passive {
            case .active: return .server
            case .passive: return .client
            case .actpass:
                throw JingleError(
                    .invalidAttribute, element: "fingerprint", attribute: "setup",
                    "<fingerprint/> attribute 'setup' is 'actpass' in an answer; RFC 5763 section 5 requires active or passive"
                )
            case .holdconn: throw holdconnError
            }
        }
    }

    /// The `setup` value that announces this role in an answer.
    public var setup: JingleDTLSSetup { self == .client ? .active : .passive }

    private static var holdconnError: JingleError {
        JingleError(
            .invalidAttribute, element: "fingerprint", attribute: "setup",
            "<fingerprint/> attribute 'setup' is 'holdconn', which XEP-0320 does not map")
    }
}
