/// Which end of the DTLS handshake we are (RFC 6347): the client sends the ClientHello. The same type the
/// SRTP layer picks keys by (`DTLSSRTPKeyingMaterial.keys(for:)`).
///
/// In SDP and Jingle the role follows from the `setup` attribute of the answer (RFC 5763 section 5,
/// RFC 8842 section 5): the endpoint whose setup is `active` is the client. See `init(answerSetup:localIsOfferer:)`.
public typealias DTLSRole = DTLSSRTPKeyingMaterial.Role

extension DTLSSRTPKeyingMaterial.Role: CustomStringConvertible {
    /// Our role once the answer's `setup` value is known; nil when the answer carries a value an answer
    /// must not use (`actpass`, RFC 8842 section 5.3) or `holdconn`.
    ///
    /// - Parameters:
    ///   - answerSetup: the `setup` value in the answer (ours if we answered, the peer's if we offered).
    ///   - localIsOfferer: whether we sent the offer.
    public init?(answerSetup: DTLSSetup, localIsOfferer: Bool) {
        let answererRole: Self
        switch answerSetup {
        case .active: answererRole = .client
        case .passive: answererRole = .server
        case .actpass, .holdconn: return nil
        }
        self = localIsOfferer ? answererRole.opposite : answererRole
    }

    /// The other end's role.
    public var opposite: Self {
        switch self {
        case .client: .server
        case .server: .client
        }
    }

    public var description: String {
        switch self {
        case .client: "client"
        case .server: "server"
        }
    }
}
