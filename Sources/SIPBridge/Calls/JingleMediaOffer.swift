import Jingle
import Media

/// What the bridge takes from a Jingle audio content offered by a client, and how it answers it.
///
/// The client leg is always ICE-UDP + DTLS-SRTP with rtcp-mux (XEP-0176, XEP-0320, RFC 8842); the
/// bridge answers as DTLS `active` (RFC 5763 section 5: the answerer picks, and `active` lets the
/// handshake start as soon as ICE has a pair).
struct JingleMediaOffer {
    let content: JingleContent
    let description: JingleRTPDescription
    let transport: JingleICEUDPTransport
    let fingerprints: [DTLSFingerprint]
    /// The audio codecs the bridge accepts, in the client's order of preference.
    let codecs: [JinglePayloadType]
    let telephoneEvent: JinglePayloadType?

    enum Problem: Error, CustomStringConvertible {
        case noAudio
        case noTransport
        case noFingerprint
        case noCommonCodec([String])
        case badFingerprint(String)

        var description: String {
            switch self {
            case .noAudio: "the offer has no RTP audio content"
            case .noTransport: "the audio content has no ICE-UDP transport with ufrag and pwd (XEP-0176)"
            case .noFingerprint: "the audio content has no DTLS fingerprint (XEP-0320); unencrypted media is refused"
            case .noCommonCodec(let offered):
                "none of the offered codecs (\(offered.joined(separator: ", "))) is Opus, G.722, PCMU or PCMA"
            case .badFingerprint(let reason): "unusable DTLS fingerprint: \(reason)"
            }
        }

        /// The Jingle reason the session ends with (XEP-0166 section 7.4).
        var reason: JingleReason {
            switch self {
            case .noAudio: JingleReason(.unsupportedApplications, text: description)
            case .noTransport: JingleReason(.unsupportedTransports, text: description)
            case .noFingerprint, .badFingerprint: JingleReason(.securityError, text: description)
            case .noCommonCodec: JingleReason(.failedApplication, text: description)
            }
        }
    }

    static let supportedCodecs: Set<String> = ["opus", "g722", "pcmu", "pcma"]

    init(contents: [JingleContent]) throws(Problem) {
        guard let content = contents.first(where: { $0.rtpDescription?.media == "audio" }),
            let description = content.rtpDescription
        else { throw .noAudio }
        guard let transport = content.iceUDPTransport, transport.ufrag != nil, transport.pwd != nil else {
            throw .noTransport
        }
        guard !transport.fingerprints.isEmpty else { throw .noFingerprint }
        var fingerprints: [DTLSFingerprint] = []
        for fingerprint in transport.fingerprints {
            do {
                fingerprints.append(try DTLSFingerprint(hashName: fingerprint.hash, hex: fingerprint.value))
            } catch {
                throw .badFingerprint(error.reason)
            }
        }
        let codecs = description.payloadTypes.filter {
            Self.supportedCodecs.contains($0.name?.lowercased() ?? "") || (($0.name == nil) && [0, 8, 9].contains($0.id))
        }
        guard !codecs.isEmpty else {
            throw .noCommonCodec(description.payloadTypes.map { $0.name ?? String($0.id) })
        }
        self.content = content
        self.description = description
        self.transport = transport
        self.fingerprints = fingerprints
        self.codecs = codecs
        self.telephoneEvent = description.payloadTypes.first(where: \.isTelephoneEvent)
    }

    /// The DTLS role the client's setup leaves us, as answerer: `active` (client) unless the client
    /// itself insists on being active.
    var localSetup: JingleDTLSSetup {
        transport.fingerprints.first?.setup == .active ? .passive : .active
    }

    /// The remote ICE candidates in the Media module's form; unusable ones (TCP, unparsable addresses)
    /// are skipped.
    var remoteCandidates: [Media.ICECandidate] { transport.candidates.compactMap(Self.mediaCandidate) }

    static func mediaCandidate(_ candidate: JingleICECandidate) -> Media.ICECandidate? {
        ICECandidateTranslation.media(candidate)
    }

    static func jingleCandidate(_ candidate: Media.ICECandidate, id: String) -> JingleICECandidate {
        ICECandidateTranslation.jingle(candidate, id: id)
    }

    /// Our session-accept content: the chosen codec (and telephone-event), rtcp-mux, our ICE credentials,
    /// candidates and fingerprint.
    func answer(
        codec: JinglePayloadType, credentials: ICECredentials, candidates: [Media.ICECandidate],
        fingerprint: DTLSFingerprint
    ) -> JingleContent {
        var payloadTypes = [codec]
        if let telephoneEvent, telephoneEvent.clockrate ?? 8000 == codec.clockrate ?? 8000 {
            payloadTypes.append(telephoneEvent)
        }
        let rtp = JingleRTPDescription(media: "audio", payloadTypes: payloadTypes, rtcpMux: true)
        let transport = JingleICEUDPTransport(
            ufrag: credentials.ufrag, pwd: credentials.password,
            candidates: candidates.enumerated().map { Self.jingleCandidate($1, id: "c\($0)") },
            fingerprints: [
                JingleDTLSFingerprint(
                    hash: fingerprint.algorithm.rawValue, setup: localSetup, value: fingerprint.hexValue)
            ])
        return JingleContent(
            creator: content.creator, name: content.name, senders: content.senders, description: .rtp(rtp),
            transport: .iceUDP(transport))
    }
}
