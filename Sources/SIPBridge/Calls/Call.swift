import Jingle
import Logging
import Media
import SIP
import NIOCore
import XMPPCore

/// One call as the bridge sees it, on the component's event loop: the Jingle session with the client,
/// the JMI proposal it may have started with, and a handle to its media on the media loop.
///
/// The far end decides what the media does: a built-in extension (echo) or, later, a SIP leg.
final class Call {
    enum FarEnd: Equatable, CustomStringConvertible {
        /// `echo@domain`: the caller hears itself through the full media path.
        case echo
        /// `tone@domain`: a 1 kHz tone, for checking what the client hears.
        case tone
        /// A SIP destination through a trunk.
        case sip(OutboundRouting.Decision)
        /// A call from a SIP trunk to an XMPP user.
        case inbound(InboundRouting.Decision)

        var description: String {
            switch self {
            case .echo: "echo"
            case .tone: "tone"
            case .sip(let decision): "sip:\(decision.user)@\(decision.host ?? decision.trunk.uri.host) via \(decision.trunk.name)"
            case .inbound(let decision): "from trunk \(decision.trunk.name) to DID \(decision.calledNumber)"
            }
        }
    }

    enum State: String {
        case proposed, proceeding, connecting, active, ended
    }

    let sid: String
    let farEnd: FarEnd
    /// The XMPP user's JID in the call: the full JID of the device (the bare JID of an inbound call's
    /// user until a device proceeds).
    var caller: JID
    /// Our JID in this call (e.g. `echo@sip.example.org/bridge`).
    let callee: JID
    var session: JingleSession?
    var proposal: JingleIncomingProposal?
    var state: State = .proposed
    let startedAt: NIODeadline
    var answeredAt: NIODeadline?
    var endedAt: NIODeadline?
    var endReason: JingleReason?
    var codec: String?
    var media: MediaHandle?
    var ports: RTPPortAllocator.Allocation?
    var sipPorts: RTPPortAllocator.Allocation?
    /// The SIP side of the call (outbound).
    var sipCall: SIPClientCall?
    /// The SIP side of an inbound call, and its offer.
    var serverCall: SIPServerCall?
    var sipRemote: SIPLegSDP.Remote?
    /// The client's negotiated audio format and telephone-event, for a later change of the SIP codec.
    var clientFormats: (audio: JinglePayloadType, event: JinglePayloadType?)?
    /// An offerless INVITE's answer (in the ACK) has been applied.
    var sipAnswerApplied = false
    /// Our ICE transport went out (session-accept or session-initiate): later candidates are trickled.
    var transportSignalled = false
    /// Our SDES-SRTP line on the SIP leg (`srtp="sdes"` trunks), repeated in every SDP we send there.
    var sdes: SIPLegSDP.SDES?
    /// The key the SIP peer sends with (its a=crypto), to notice when a re-offer changes it.
    var sdesInbound: SRTPMasterKey?
    /// The SDP of the last SIP 18x, the answer when a 200 after a reliable 18x carries none.
    var provisionalSDP: [UInt8]?
    /// Our SDP offer to the trunk, sent again to a `<failover uri>`.
    var sipOfferSDP: String?
    /// How many `<failover uri>`s were tried; the decision in use (its trunk URI is the failover's).
    var failoverAttempt = 0
    var sipDecision: OutboundRouting.Decision?
    /// A provisional response came: the trunk has the call, so no failover any more.
    var sipProvisionalSeen = false

    /// Both SDES keys of the SIP leg, once the peer's is known.
    var srtpKeys: SIPLegSDP.SRTPKeys? {
        sdes.flatMap { ours in sdesInbound.map { SIPLegSDP.SRTPKeys(outbound: ours.key.masterKey, inbound: $0) } }
    }
    /// Candidates the media reported before its set-up reached the call.
    var earlyCandidates: [Media.ICECandidate] = []
    /// Our JMI propose to the user's devices (inbound).
    var outgoingProposal: JingleOutgoingProposal?
    var ringTimer: Scheduled<Void>?
    /// Armed while the client's device is unavailable (`offline-grace`).
    var offlineTimer: Scheduled<Void>?
    var offer: JingleMediaOffer?
    var setup: CallManager.MediaSetup?
    var sipCodec: String?
    /// Whether the media is decoded and re-encoded (the legs' codecs differ).
    var transcoding = false
    /// The SIP leg's negotiated codec (and telephone-event), for answers to re-INVITEs.
    var sipCodecDescription: [SIPLegSDP.Codec]?
    var sdpVersion = 1
    /// The o= session id of our SIP SDP; the same for the whole call (RFC 3264 section 8).
    let sdpSessionID = UInt64.random(in: 1...UInt64(Int64.max))
    /// Whether the SIP side put the call on hold (re-INVITE sendonly or inactive).
    var heldBySIP = false
    /// Whether the client put the call on hold (session-info `<hold/>`).
    var heldByClient = false
    var ringingSent = false
    /// The client's session was accepted on early media (183 with SDP, `early-media="accept"`).
    var earlyAccepted = false
    /// The last statistics the media loop reported.
    var statistics: [CallMedia.LegStatistics] = []

    init(sid: String, farEnd: FarEnd, caller: JID, callee: JID, now: NIODeadline) {
        self.sid = sid
        self.farEnd = farEnd
        self.caller = caller
        self.callee = callee
        self.startedAt = now
    }
}

/// The call's `CallMedia`, owned by its media loop and reached from the component loop by hopping.
struct MediaHandle: Sendable {
    let loop: any EventLoop
    let media: NIOLoopBound<CallMedia>

    /// Runs `body` on the media loop.
    func execute(_ body: @escaping @Sendable (CallMedia) -> Void) {
        let media = self.media
        loop.execute { body(media.value) }
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (CallMedia) -> T) -> EventLoopFuture<T> {
        let media = self.media
        return loop.submit { body(media.value) }
    }
}
