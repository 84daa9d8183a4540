import Foundation
import Jingle
import Media
import NIOCore
import SIP
import XMPPCore

/// SIP -> Jingle: an INVITE to a DID rings every device of the mapped user with a JMI `<propose/>`
/// (XEP-0353: push-only and offline devices too, which is why the propose goes to the bare JID and is
/// stored by the server); the first device to proceed gets our session-initiate, and its session-accept
/// becomes the 200 OK.
extension CallManager {
    func incomingSIP(_ serverCall: SIPServerCall) {
        let invite = serverCall.invite
        let sourceIP = serverCall.session.peer.ipAddress ?? "?"
        let routing = InboundRouting(settings: sipSettings, domain: component.domain)
        var authenticated: TrunkConfiguration?
        // RFC 3261 22.1: not from a trunk's addresses; a trunk may still prove itself by Digest.
        if routing.trunk(for: sourceIP) == nil, case let authentication = InboundAuthentication(
            settings: sipSettings, realm: component.domain.description, secret: digestSecret, source: sourceIP),
            !authentication.trunks.isEmpty
        {
            switch authentication.check(invite, now: UInt64(Date().timeIntervalSince1970)) {
            case .authorized(let trunk):
                logger.info("SIP call \(serverCall.callID) from \(sourceIP): authenticated as trunk \(trunk.name)")
                authenticated = trunk
            case .challenge(let value):
                logger.info("SIP call \(serverCall.callID) from \(sourceIP): challenged (401)")
                return serverCall.reject(status: 401, reason: "Unauthorized", headers: [(.wwwAuthenticate, value)])
            case .refused(let why):
                logger.notice("refused SIP call \(serverCall.callID) from \(sourceIP): Digest: \(why)")
                return serverCall.reject(status: 403, reason: "Forbidden")
            }
        }
        let decision: InboundRouting.Decision
        do {
            decision = try routing.route(invite, sourceIP: sourceIP, authenticated: authenticated)
        } catch {
            logger.notice("refused SIP call \(serverCall.callID) from \(sourceIP): \(error)")
            return serverCall.reject(status: error.status.0, reason: error.status.1)
        }
        guard calls.count < limits.calls else {
            logger.notice("refused SIP call \(serverCall.callID): \(limits.calls) calls already active")
            return serverCall.reject(status: 503, reason: "Service Unavailable")
        }
        var remote: SIPLegSDP.Remote
        if serverCall.session.isOfferless {
            // RFC 3261 13.2.1: no offer in the INVITE, so our 200 carries one (in the trunk's codecs) and
            // the ACK the answer; until then the SIP leg has no address.
            remote = SIPLegSDP.Remote(
                rtp: TransportAddress(ip: .v4(0), port: 0), rtcp: nil, rtcpMux: false,
                codecs: SIPLegSDP.Codec.offered(decision.trunk.codecs), direction: .sendrecv, ptime: nil)
        } else {
            do {
                remote = try SIPLegSDP.remote(String(decoding: invite.body, as: UTF8.self))
            } catch {
                logger.notice("refused SIP call \(serverCall.callID): \(error)")
                return serverCall.reject(status: 488, reason: "Not Acceptable Here")
            }
        }
        // SDES-SRTP only with trunks that ask for it (their keys travel over TLS, config checks that):
        // SRTP offered to another trunk, or plain RTP offered by an srtp="sdes" one, is refused.
        var sdes: SIPLegSDP.SDES?
        var sdesInbound: SRTPMasterKey?
        if decision.trunk.srtp == .sdes {
            // RFC 4568 section 8.3: the keys are in the SDP, so the INVITE must have come over TLS.
            guard [.tls, .wss].contains(SIPEndpoint.transport(of: invite)) else {
                logger.notice("refused SIP call \(serverCall.callID): SDES-SRTP keys offered outside TLS")
                return serverCall.reject(status: 488, reason: "Not Acceptable Here")
            }
            do {
                if serverCall.session.isOfferless {
                    sdes = try SIPLegSDP.SDES.random()
                } else {
                    let answer = try remote.answerSDES()
                    (sdes, sdesInbound) = (answer.ours, answer.keys.inbound)
                }
            } catch {
                logger.notice("refused SIP call \(serverCall.callID): srtp=\"sdes\" but \(error)")
                return serverCall.reject(status: 488, reason: "Not Acceptable Here")
            }
        } else if remote.secure {
            logger.notice("refused SIP call \(serverCall.callID): SRTP offered to trunk \(decision.trunk.name) without srtp=\"sdes\"")
            return serverCall.reject(status: 488, reason: "Not Acceptable Here")
        }
        let clientCodecs = Self.jingleCodecs(for: remote)
        guard clientCodecs.contains(where: { !$0.isTelephoneEvent }) else {
            logger.notice("refused SIP call \(serverCall.callID): no codec the bridge relays (\(remote.codecs.map(\.name)))")
            return serverCall.reject(status: 488, reason: "Not Acceptable Here")
        }
        let local = (try? decision.caller.with(resource: Self.resource)) ?? decision.caller
        let sid = UUID().uuidString.lowercased()
        let call = Call(sid: sid, farEnd: .inbound(decision), caller: decision.user, callee: local, now: component.eventLoop.now)
        call.serverCall = serverCall
        call.sipRemote = remote
        call.sdes = sdes
        call.sdesInbound = sdesInbound
        counters.total += 1
        calls[sid] = call
        let managerBox = NIOLoopBound(self, eventLoop: component.eventLoop)
        serverCall.onEvent = { event in managerBox.value.serverEvent(event, sid: sid) }
        logger.info("call \(sid): SIP INVITE \(serverCall.callID) from \(decision.caller) to \(decision.calledNumber) -> \(decision.user)")

        let description = JingleRTPDescription(media: "audio", payloadTypes: clientCodecs)
        let (proposal, actions) = JingleOutgoingProposal.propose(
            id: sid, from: local, to: decision.user, descriptions: [.rtp(description)])
        call.outgoingProposal = proposal
        // Caps first, so clients see that the caller speaks Jingle (XEP-0115).
        component.send(presenceWithCaps(local, decision.user))
        for case .send(let stanza) in actions { component.send(stanza) }
        serverCall.ring()
        call.ringTimer = component.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.ringTimeout)) {
            [weak self] in
            guard let self, let call = self.calls[sid], call.state == .proposed || call.state == .proceeding else { return }
            self.logger.info("call \(sid): nobody answered within \(self.limits.ringTimeout)")
            self.terminate(call, reason: JingleReason(.timeout, text: "no answer"))
        }
    }

    /// What the client is offered: Opus first (transcoded, unless the SIP caller offered Opus itself), then
    /// the SIP offer's codecs it can take as they are, with their payload types so a relay needs no mapping.
    static func jingleCodecs(for remote: SIPLegSDP.Remote) -> [JinglePayloadType] {
        let relayable = relayableCodecs(for: remote)
        let sipHasOpus = remote.codecs.contains { $0.name.lowercased() == "opus" }
        guard !sipHasOpus, remote.codecs.contains(where: { AudioCodec($0) != nil }) else { return relayable }
        let used = Set(remote.codecs.map(\.payloadType))
        let free = Array((UInt8(96)...127).filter { !used.contains($0) })
        guard free.count >= 2 else { return relayable }
        // DTMF with Opus needs telephone-event at Opus's 48 kHz clock (RFC 4733 section 2.1).
        let events = remote.telephoneEvent != nil ? [JinglePayloadType.telephoneEvent(id: free[1], clockrate: 48000)] : []
        return [.opus(id: free[0], parameters: [JingleParameter("useinbandfec", "1")])] + events + relayable
    }

    static func relayableCodecs(for remote: SIPLegSDP.Remote) -> [JinglePayloadType] {
        remote.codecs.compactMap { codec in
            let name = codec.name.lowercased()
            guard JingleMediaOffer.supportedCodecs.contains(name) || codec.isTelephoneEvent else { return nil }
            let parameters = (codec.fmtp ?? "").split(separator: ";").compactMap { item -> JingleParameter? in
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let key = parts.first, !key.isEmpty else { return nil }
                if codec.isTelephoneEvent, parts.count == 1 { return JingleParameter("events", key) }
                return JingleParameter(key, parts.count > 1 ? parts[1] : nil)
            }
            return JinglePayloadType(
                id: codec.payloadType, name: codec.name, clockrate: codec.clockRate, channels: codec.channels,
                parameters: parameters)
        }
    }

    /// A JMI message about an inbound call from the user's devices.
    func handleOutgoingProposalMessage(_ message: XMLElement, call: Call) {
        guard var proposal = call.outgoingProposal else { return }
        let actions = proposal.handle(message)
        call.outgoingProposal = proposal
        for action in actions {
            switch action {
            case .send(let stanza): component.send(stanza)
            case .event(.ringing(let device)):
                logger.debug("call \(call.sid): \(device) is ringing")
            case .event(.proceed(let device)):
                logger.info("call \(call.sid): \(device) proceeds")
                call.caller = device
                call.state = .proceeding
                startInboundSession(call)
            case .event(.rejected(let device, let reason)):
                logger.info("call \(call.sid): \(device) rejected (\(reason.map(Self.describe) ?? "no reason"))")
                end(call, reason: reason ?? JingleReason(.decline), notifyPeer: false)
            case .event(.finished(let reason)):
                end(call, reason: reason ?? JingleReason(.success), notifyPeer: false)
            case .event(.deliveryFailed(let error)):
                logger.info("call \(call.sid): the propose bounced: \(error.map { "\($0)" } ?? "no error")")
                end(call, reason: JingleReason(.connectivityError, text: "the user cannot be reached"), notifyPeer: false)
            case .event(.lostTieBreak):
                end(call, reason: JingleReason(.expired, text: "Tie-Break"), notifyPeer: false)
            }
        }
    }

    /// After proceed: bind media, then session-initiate to the device with our offer.
    private func startInboundSession(_ call: Call) {
        guard let remote = call.sipRemote else { return }
        let codecs = Self.jingleCodecs(for: remote)
        setUpMedia(call, offer: nil, sipLeg: true) { [weak self] setup in
            guard let self, let proposal = call.outgoingProposal else { return }
            call.setup = setup
            let transport = JingleICEUDPTransport(
                ufrag: setup.credentials.ufrag, pwd: setup.credentials.password,
                candidates: setup.candidates.enumerated().map { JingleMediaOffer.jingleCandidate($1, id: "c\($0)") },
                fingerprints: [
                    JingleDTLSFingerprint(
                        hash: self.certificate.fingerprint.algorithm.rawValue, setup: .actpass,
                        value: self.certificate.fingerprint.hexValue)
                ])
            let content = JingleContent(
                creator: .initiator, name: "0", senders: .both,
                description: .rtp(JingleRTPDescription(media: "audio", payloadTypes: codecs, rtcpMux: true)),
                transport: .iceUDP(transport))
            do {
                let (session, actions) = try proposal.initiateSession(contents: [content])
                call.session = session
                call.transportSignalled = true
                call.state = .connecting
                self.perform(actions, call: call)
            } catch {
                self.logger.error("call \(call.sid): cannot start the session: \(error)")
                self.terminate(call, reason: JingleReason(.generalError, text: "\(error)"))
            }
        }
    }

    /// The device accepted: finish ICE/DTLS setup, answer SIP in the codec the device chose.
    func inboundAccepted(_ call: Call, answer contents: [JingleContent]) {
        guard let setup = call.setup, let remote = call.sipRemote, let serverCall = call.serverCall,
            let sipAddress = setup.sipAddress
        else { return }
        let answer: JingleMediaOffer
        do {
            answer = try JingleMediaOffer(contents: contents)
        } catch {
            logger.notice("call \(call.sid): unusable session-accept: \(error)")
            return terminate(call, reason: error.reason)
        }
        guard let chosen = answer.codecs.first else {
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "the answer chose no codec"))
        }
        // Relay when the device took one of the SIP caller's codecs; else transcode its choice to the
        // caller's first codec the engine knows.
        let relayed = remote.codecs.first { $0.payloadType == chosen.id && !$0.isTelephoneEvent }
        guard let sipCodec = relayed ?? remote.codecs.first(where: { AudioCodec($0) != nil }),
            relayed != nil || AudioCodec(chosen) != nil
        else {
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "the answer chose no offered codec"))
        }
        call.codec = chosen.name
        call.sipCodec = sipCodec.name
        // Relayed: telephone-event only if the device took the caller's; transcoded: the bridge forwards events.
        let event =
            relayed != nil
            ? answer.telephoneEvent.flatMap { te in remote.codecs.first { $0.isTelephoneEvent && $0.payloadType == te.id } }
            : remote.telephoneEvent
        let sipCodecs = [sipCodec] + (event.map { [$0] } ?? [])
        call.sipCodecDescription = sipCodecs
        let payloadTypes = sipCodecs.map(\.payloadType)
        let offerless = serverCall.session.isOfferless
        let keys = call.srtpKeys
        let credentials = ICECredentials(ufrag: answer.transport.ufrag!, password: answer.transport.pwd!)
        let candidates = answer.remoteCandidates
        let fingerprints = answer.fingerprints
        // RFC 5763 section 5: the answerer's `active` makes it the DTLS client, so we serve.
        let role: DTLSRole = answer.transport.fingerprints.first?.setup == .passive ? .client : .server
        setup.handle.execute { media in
            media.withSecureTransport(.jingle) { secure in
                secure.setRemoteCredentials(credentials)
                for candidate in candidates { secure.addRemoteCandidate(candidate) }
                secure.setRemoteFingerprints(fingerprints, now: media.eventLoop.now)
                secure.setDTLSRole(role, now: media.eventLoop.now)
            }
            // Offerless INVITE: the SIP leg's address comes with the answer in the ACK.
            if !offerless { media.configureSIPLeg(remote, payloadTypes: payloadTypes, keys: keys) }
        }
        call.clientFormats = (chosen, answer.telephoneEvent)
        if relayed != nil {
            // Our offer reused the caller's payload types, so the relay maps each to itself.
            relay(
                call, setup: setup, client: chosen, clientEvent: event == nil ? nil : answer.telephoneEvent,
                sip: sipCodec, sipEvent: event)
        } else if let clientAudio = AudioCodec(chosen), let sipAudio = AudioCodec(sipCodec) {
            let clientEvent = answer.telephoneEvent.flatMap { $0.clockrate ?? 8000 == chosen.clockrate ?? 8000 ? $0 : nil }
            transcode(
                call, setup: setup, client: (clientAudio, chosen.id), sip: (sipAudio, sipCodec.payloadType),
                clientEvent: clientEvent, sipEvent: remote.telephoneEvent)
        }
        let sdp = SIPLegSDP.make(
            address: sipAddress, codecs: sipCodecs, sessionID: call.sdpSessionID, version: 1, sdes: call.sdes)
        serverCall.answer(sdp: Array(sdp.utf8))
        call.ringTimer?.cancel()
        call.state = .active
        call.answeredAt = component.eventLoop.now
        logger.info("call \(call.sid): \(call.caller) answered with \(sipCodec.name); 200 OK sent")
    }

    func serverEvent(_ event: SIPSessionEvent, sid: String) {
        guard let call = calls[sid] else { return }
        switch event {
        case .cancelled:
            logger.info("call \(sid): CANCEL from SIP")
            call.serverCall = nil
            terminate(call, reason: JingleReason(.cancel, text: "the caller hung up"))
        case .remoteHangUp:
            logger.info("call \(sid): BYE from SIP")
            call.serverCall = nil
            terminate(call, reason: JingleReason(.success))
        case .ackTimedOut:
            call.serverCall = nil
            terminate(call, reason: JingleReason(.connectivityError, text: "the SIP caller never acknowledged our answer"))
        case .failed(let status, let reason, _):
            call.serverCall = nil
            terminate(call, reason: SIPFailureMapping.jingleReason(status: status, reason: reason))
        case .reinviteReceived(let request):
            answerReinvite(call, request: request) { call.serverCall?.answer(reinvite: request, sdp: $0) } reject: {
                call.serverCall?.reject(reinvite: request, status: $0)
            }
        case .infoReceived(let body, let contentType):
            forwardInfoDTMF(call, body: body, contentType: contentType)
        case .acknowledged(let ack):
            offerlessAnswered(call, ack: ack)
        case .terminated, .provisional, .earlyDialog, .answered, .reinviteAnswered, .reinviteFailed, .infoAnswered:
            break
        }
    }

    /// The ACK of an offerless INVITE's 200 carries the SIP side's answer to our offer (RFC 3261
    /// 13.2.1): its address and codec start the SIP leg. An unusable answer ends the call.
    private func offerlessAnswered(_ call: Call, ack: SIPMessage) {
        guard call.serverCall?.session.isOfferless == true, let handle = call.media,
            let codecs = call.sipCodecDescription, call.sipAnswerApplied == false
        else { return }
        call.sipAnswerApplied = true
        let remote: SIPLegSDP.Remote
        do {
            remote = try SIPLegSDP.remote(String(decoding: ack.body, as: UTF8.self))
        } catch {
            logger.notice("call \(call.sid): the ACK's SDP answer is unusable: \(error)")
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "SIP answer in ACK: \(error)"))
        }
        guard let audio = remote.audioCodec, codecs.contains(where: { $0.payloadType == audio.payloadType }) else {
            logger.notice("call \(call.sid): the ACK's answer chose none of our codecs")
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "SIP answer took no offered codec"))
        }
        guard acceptSDESAnswer(call, remote, from: "the answer in the ACK") else { return }
        call.sipRemote = remote
        let payloadTypes = codecs.map(\.payloadType)
        let srtpKeys = call.srtpKeys
        handle.execute { $0.configureSIPLeg(remote, payloadTypes: payloadTypes, keys: srtpKeys) }
        logger.info("call \(call.sid): answer in ACK, SIP media at \(remote.rtp)")
    }

    /// Ends the SIP side of an inbound call: an error response before the answer, BYE after.
    func endInboundSIP(_ call: Call, reason: JingleReason) {
        call.ringTimer?.cancel()
        if var proposal = call.outgoingProposal {
            switch proposal.state {
            case .proposing:
                if let actions = try? proposal.retract(reason: reason) {
                    for case .send(let stanza) in actions { component.send(stanza) }
                }
            case .proceeding:
                for case .send(let stanza) in proposal.finish(reason: reason) { component.send(stanza) }
            case .ended:
                for case .send(let stanza) in proposal.finish(reason: reason) { component.send(stanza) }
            }
            call.outgoingProposal = proposal
        }
        guard let serverCall = call.serverCall else { return }
        call.serverCall = nil
        if call.answeredAt == nil {
            let (status, phrase) = SIPFailureMapping.sipStatus(for: reason)
            serverCall.reject(status: status, reason: phrase)
        } else {
            serverCall.hangUp()
        }
    }
}
