import Jingle
import Media
import NIOCore
import SIPBridge
import XMPPCore

/// One call of the load: a WebRTC-style endpoint (the engine's own ICE + DTLS-SRTP on a socket of its
/// own) that calls the bridge's echo extension over Jingle and, once connected, sends 20 ms Opus-sized
/// packets, so the bridge relays real SRTP both ways while the commands are measured.
///
/// `session` and `accepted` are only touched on the component's loop and the media only through its
/// `NIOLoopBound`, which is what makes handing the object between the two loops safe.
final class LoadCall: @unchecked Sendable {
    static let payloadType: UInt8 = 111
    /// An Opus frame's worth of bytes (the bridge relays, it does not decode them).
    static let payload = [UInt8](repeating: 0xA5, count: 80)

    let sid: String
    let local: JID
    let media: NIOLoopBound<CallMedia>
    let mediaLoop: any EventLoop
    var session: JingleSession?
    var accepted = false

    init(index: Int, domain: String, media: NIOLoopBound<CallMedia>, mediaLoop: any EventLoop) throws {
        sid = "load-\(index)-\(UInt32.random(in: 0...UInt32.max))"
        local = try JID("caller\(index)@\(domain)/bench")
        self.media = media
        self.mediaLoop = mediaLoop
    }

    /// Binds the endpoint's socket; the result is what the session-initiate advertises.
    static func open(
        index: Int, domain: String, loop: any EventLoop, certificate: DTLSCertificate
    ) -> EventLoopFuture<(LoadCall, ICECredentials, [Media.ICECandidate])> {
        loop.flatSubmit {
            let media = CallMedia(eventLoop: loop, inactivityTimeout: nil)
            var ice = ICEConfiguration()
            ice.role = .controlling
            let transport = SecureMediaTransport(ice: ice, certificate: certificate)
            return media.addLeg(.jingle, transport: .secure(transport), bindAddress: "127.0.0.1", port: 0)
                .flatMapThrowing { _ in
                    let call = try LoadCall(
                        index: index, domain: domain, media: NIOLoopBound(media, eventLoop: loop), mediaLoop: loop)
                    return (call, transport.ice.localCredentials, transport.ice.localCandidates)
                }
        }
    }

    /// The session-initiate content: Opus, rtcp-mux, our ICE credentials and candidates, DTLS actpass.
    static func content(
        credentials: ICECredentials, candidates: [Media.ICECandidate], fingerprint: DTLSFingerprint
    ) -> JingleContent {
        let transport = JingleICEUDPTransport(
            ufrag: credentials.ufrag, pwd: credentials.password,
            candidates: candidates.enumerated().map { ICECandidateTranslation.jingle($1, id: "c\($0)") },
            fingerprints: [
                JingleDTLSFingerprint(hash: fingerprint.algorithm.rawValue, setup: .actpass, value: fingerprint.hexValue)
            ])
        let opus = JinglePayloadType(id: payloadType, name: "opus", clockrate: 48000, channels: 2)
        return JingleContent(
            creator: .initiator, name: "0", senders: .both,
            description: .rtp(JingleRTPDescription(media: "audio", payloadTypes: [opus], rtcpMux: true)),
            transport: .iceUDP(transport))
    }

    /// The bridge accepted: start ICE and DTLS toward its transport (it answers `active`, so we serve).
    func connect(to answer: JinglePayload) {
        guard let content = answer.contents.first, case .iceUDP(let transport)? = content.transport,
            let ufrag = transport.ufrag, let pwd = transport.pwd
        else { return }
        let credentials = ICECredentials(ufrag: ufrag, password: pwd)
        let candidates = transport.candidates.compactMap(ICECandidateTranslation.media)
        let fingerprints = transport.fingerprints.compactMap { try? DTLSFingerprint(hashName: $0.hash, hex: $0.value) }
        let role: DTLSRole = transport.fingerprints.first?.setup == .passive ? .client : .server
        let media = self.media
        mediaLoop.execute {
            media.value.withSecureTransport(.jingle) { secure in
                let now = media.value.eventLoop.now
                secure.setRemoteCredentials(credentials)
                for candidate in candidates { secure.addRemoteCandidate(candidate) }
                secure.setRemoteFingerprints(fingerprints, now: now)
                secure.setDTLSRole(role, now: now)
            }
        }
    }

    /// One 20 ms packet (dropped by the engine until DTLS has keys).
    func sendPacket() {
        Self.payload.withUnsafeBytes {
            media.value.sendRTP(on: .jingle, payloadType: Self.payloadType, payload: $0, samples: 960)
        }
    }
}
