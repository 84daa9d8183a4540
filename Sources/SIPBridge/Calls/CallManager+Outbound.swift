import Jingle
import Media
import SDP
import NIOCore
import SIP
import XMPPCore

/// Jingle -> SIP: the client's session-initiate becomes an INVITE through the routed trunk; SIP's
/// progress and answer come back as session-info and session-accept.
extension CallManager {
    func startOutbound(_ call: Call, offer contents: [JingleContent], decision: OutboundRouting.Decision) {
        guard let sip, let offer = parseOffer(call, contents) else { return }
        call.offer = offer
        let sipCodecs = sipOffer(trunk: decision.trunk, client: offer)
        guard sipCodecs.contains(where: { !$0.isTelephoneEvent }) else {
            let offered = offer.codecs.compactMap(\.name).joined(separator: ", ")
            return terminate(
                call,
                reason: JingleReason(
                    .failedApplication,
                    text: "no codec in common with trunk \(decision.trunk.name) (offered: \(offered))"))
        }
        setUpMedia(call, offer: offer, sipLeg: true) { [weak self] setup in
            guard let self, let sipAddress = setup.sipAddress else { return }
            call.setup = setup
            if decision.trunk.srtp == .sdes {
                do {
                    call.sdes = try SIPLegSDP.SDES.random()
                } catch {
                    return self.terminate(call, reason: JingleReason(.generalError, text: "SRTP key: \(error)"))
                }
            }
            let sdp = SIPLegSDP.make(
                address: sipAddress, codecs: sipCodecs, sessionID: call.sdpSessionID, version: 1, sdes: call.sdes)
            call.sipOfferSDP = sdp
            self.placeInvite(call, decision: decision, sdp: sdp)
        }
    }

    /// Finds the trunk's address (RFC 3263) and sends the INVITE there.
    private func placeInvite(_ call: Call, decision: OutboundRouting.Decision, sdp: String) {
        guard let sip else { return }
        sip.destination(for: decision.trunk).hop(to: component.eventLoop).assumeIsolated().whenComplete {
            [weak self] result in
            guard let self, call.state == .connecting else { return }
            switch result {
            case .success(let destination):
                self.sendInvite(call, decision: decision, sdp: sdp, to: destination)
            case .failure(let error):
                self.logger.warning("call \(call.sid): trunk \(decision.trunk.name) unreachable: \(error)")
                if self.failOver(call, decision: decision, after: "\(error)") { return }
                self.terminate(
                    call, reason: JingleReason(.connectivityError, text: "trunk \(decision.trunk.name): \(error)"))
            }
        }
    }

    /// RFC 3263 section 4.3: a trunk that does not answer (timeout, transport error) or answers 503 before
    /// any provisional response is replaced by its next `<failover uri>`; true when a new INVITE is under way.
    private func failOver(_ call: Call, decision: OutboundRouting.Decision, after problem: String) -> Bool {
        let trunk = decision.trunk
        guard call.answeredAt == nil, !call.sipProvisionalSeen, let sdp = call.sipOfferSDP,
            call.failoverAttempt < trunk.failover.count
        else { return false }
        var next = decision
        next.trunk.uri = trunk.failover[call.failoverAttempt]
        call.failoverAttempt += 1
        logger.notice("call \(call.sid): trunk \(trunk.name) at \(decision.trunk.uri): \(problem); trying \(next.trunk.uri)")
        placeInvite(call, decision: next, sdp: sdp)
        return true
    }

    /// The codecs offered to the trunk: its own list, in its order. The bridge transcodes whatever the
    /// trunk picks that the client lacks; telephone-event only when the client sends it too.
    func sipOffer(trunk: TrunkConfiguration, client: JingleMediaOffer) -> [SIPLegSDP.Codec] {
        SIPLegSDP.Codec.offered(trunk.codecs).filter { !$0.isTelephoneEvent || client.telephoneEvent != nil }
    }

    private func sendInvite(_ call: Call, decision: OutboundRouting.Decision, sdp: String, to destination: SocketAddress) {
        guard let sip else { return }
        call.sipDecision = decision
        call.ringTimer?.cancel()
        let host = decision.host ?? decision.trunk.uri.host
        let port = decision.host == nil ? decision.trunk.uri.port.map { ":\($0)" } ?? "" : ""
        let fromHost = decision.trunk.uri.host
        do {
            let requestURI = try SIPAnyURI(parsing: "sip:\(decision.user)@\(host)\(port)")
            let identity = "<sip:\(decision.callerID)@\(fromHost)>"
            var extraHeaders = SIPHeaders()
            // RFC 3325 9.1 / RFC 3323 4.1.1.3: the real identity for the trunk, the anonymous one in From.
            if decision.trunk.assertedIdentity { extraHeaders.add("P-Asserted-Identity", identity) }
            if decision.hideNumber { extraHeaders.add("Privacy", "id") }
            let from = try SIPNameAddress(
                parsing: decision.hideNumber ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>" : identity)
            let parameters = SIPInviteParameters(
                requestURI: requestURI, from: from, sdp: Array(sdp.utf8), extraHeaders: extraHeaders)
            let managerBox = NIOLoopBound(self, eventLoop: component.eventLoop)
            let sid = call.sid
            call.sipCall = try sip.userAgent.placeCall(
                parameters, to: destination, credentials: sip.credentials(for: decision.trunk)
            ) { event in
                managerBox.value.sipEvent(event, sid: sid)
            }
            logger.info("call \(call.sid): INVITE \(requestURI) to \(destination) for \(call.caller)")
            // No answer within ring-timeout: CANCEL and tell the client `timeout`.
            call.ringTimer = component.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.ringTimeout)) {
                [weak self] in
                guard let self, let call = self.calls[sid], call.answeredAt == nil, call.state != .ended else { return }
                self.logger.info("call \(sid): no answer within \(self.limits.ringTimeout); cancelling")
                self.terminate(call, reason: JingleReason(.timeout, text: "no answer"))
            }
        } catch {
            logger.error("call \(call.sid): cannot build the INVITE: \(error)")
            terminate(call, reason: JingleReason(.generalError, text: "cannot build the INVITE: \(error)"))
        }
    }

    func sipEvent(_ event: SIPSessionEvent, sid: String) {
        guard let call = calls[sid] else {
            if case .terminated = event { return }
            return
        }
        switch event {
        case .provisional(let status, let reason, let body):
            logger.info("call \(sid): SIP \(status) \(reason)")
            // RFC 3262 section 5: after an answer in a reliable 18x the 200 may carry none.
            if let body, !body.isEmpty { call.provisionalSDP = body }
            call.sipProvisionalSeen = true
            // early-media="accept": the carrier's announcements and ringback reach the client (the client
            // then shows the call as connected); the default leaves ringback to the client.
            if case .sip(let decision) = call.farEnd, decision.trunk.earlyMedia == .accept, let body, !body.isEmpty,
                !call.earlyAccepted, call.state == .connecting
            {
                logger.info("call \(sid): early media from SIP accepted")
                sipAnswered(call, body: body, early: true)
                return
            }
            if (180...183).contains(status), !call.ringingSent, var session = call.session {
                call.ringingSent = true
                if let actions = try? session.sendInfo(.ringing) {
                    call.session = session
                    perform(actions, call: call)
                }
            }
        case .answered(let response):
            sipAnswered(call, body: response.body)
            describeSIPLeg(call)
            if call.earlyAccepted, call.answeredAt == nil {
                call.answeredAt = component.eventLoop.now
                call.ringTimer?.cancel()
                logger.info("call \(sid): SIP answered after early media")
            }
        case .failed(let status, let reason, _):
            logger.info("call \(sid): SIP failed with \(status) \(reason)")
            call.sipCall = nil
            if status == 408 || status == 503, case .sip(let decision) = call.farEnd,
                failOver(call, decision: call.sipDecision ?? decision, after: "\(status) \(reason)")
            {
                return
            }
            terminate(call, reason: SIPFailureMapping.jingleReason(status: status, reason: reason))
        case .remoteHangUp:
            logger.info("call \(sid): BYE from SIP")
            call.sipCall = nil
            terminate(call, reason: JingleReason(.success))
        case .reinviteReceived(let request):
            answerReinvite(call, request: request) { call.sipCall?.answer(reinvite: request, sdp: $0) } reject: {
                call.sipCall?.reject(reinvite: request, status: $0)
            }
        case .infoReceived(let body, let contentType):
            forwardInfoDTMF(call, body: body, contentType: contentType)
        case .cancelled, .terminated, .earlyDialog, .acknowledged, .ackTimedOut, .reinviteAnswered, .reinviteFailed,
            .infoAnswered:
            break
        }
    }

    /// The SIP answer (200, or with `early-media="accept"` the first 18x with SDP): set up the SIP leg and
    /// accept the client's session. After an early accept the 200 only updates the SIP leg's address.
    private func sipAnswered(_ call: Call, body: [UInt8], early: Bool = false) {
        guard let offer = call.offer, let setup = call.setup else { return }
        let body = body.isEmpty ? call.provisionalSDP ?? body : body
        let remote: SIPLegSDP.Remote
        do {
            remote = try SIPLegSDP.remote(String(decoding: body, as: UTF8.self))
        } catch {
            logger.warning("call \(call.sid): the SIP answer's SDP is unusable: \(error)")
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "SIP answer: \(error)"))
        }
        if call.earlyAccepted {
            // The 200 may come from another fork, or restate the key: take its address and SDES key.
            let inbound = call.sdesInbound
            guard acceptSDESAnswer(call, remote, from: "the SIP answer") else { return }
            let keys = call.sdesInbound == inbound ? nil : call.srtpKeys
            let payloadTypes = (call.sipCodecDescription ?? []).map(\.payloadType)
            setup.handle.execute {
                $0.configureSIPLeg(remote, payloadTypes: payloadTypes, onlyIfMoved: true, keys: keys)
            }
            return
        }
        call.earlyAccepted = early
        // An answer may list several codecs (RFC 3264 section 6.1); peers send the first, so that is the one
        // the SIP leg runs on.
        guard let sipCodec = remote.audioCodec else {
            return terminate(call, reason: JingleReason(.incompatibleParameters, text: "the SIP answer has no audio codec"))
        }
        guard acceptSDESAnswer(call, remote, from: "the SIP answer") else { return }
        call.sipCodec = sipCodec.name
        call.sipCodecDescription = [sipCodec] + (remote.telephoneEvent.map { [$0] } ?? [])
        let payloadTypes = [sipCodec.payloadType] + (remote.telephoneEvent.map { [$0.payloadType] } ?? [])
        let srtpKeys = call.srtpKeys
        setup.handle.execute { $0.configureSIPLeg(remote, payloadTypes: payloadTypes, keys: srtpKeys) }
        if case .sip(let decision) = call.farEnd { signalDTMFByInfo(call, decision: decision) }
        // Pass-through when the client offered the trunk's codec; else transcode to the client's favourite.
        if let same = offer.codecs.first(where: { $0.name?.lowercased() == sipCodec.name.lowercased() }) {
            call.clientFormats = (same, offer.telephoneEvent)
            relay(call, setup: setup, client: same, clientEvent: offer.telephoneEvent, sip: sipCodec, sipEvent: remote.telephoneEvent)
            logger.info("call \(call.sid): SIP answered with \(sipCodec.name) from \(remote.rtp); relaying")
            return accept(call, offer: offer, codec: same, setup: setup, early: early)
        }
        guard let sipAudio = AudioCodec(sipCodec),
            let (clientCodec, clientAudio) = offer.codecs.lazy.compactMap({ pt in AudioCodec(pt).map { (pt, $0) } }).first
        else {
            return terminate(
                call, reason: JingleReason(.incompatibleParameters, text: "cannot transcode \(sipCodec.name) for the client"))
        }
        let clientEvent = offer.telephoneEvent.flatMap { $0.clockrate ?? 8000 == clientCodec.clockrate ?? 8000 ? $0 : nil }
        call.clientFormats = (clientCodec, offer.telephoneEvent)
        transcode(
            call, setup: setup, client: (clientAudio, clientCodec.id), sip: (sipAudio, sipCodec.payloadType),
            clientEvent: clientEvent, sipEvent: remote.telephoneEvent)
        logger.info("call \(call.sid): SIP answered with \(sipCodec.name) from \(remote.rtp); transcoding to \(clientAudio)")
        accept(call, offer: offer, codec: clientCodec, setup: setup, early: early)
    }

    /// Tells the SIP session what our side now is (the offer narrowed to the answer's codec), so that a
    /// session refresh by re-INVITE repeats that rather than the first offer's whole codec list.
    func describeSIPLeg(_ call: Call) {
        guard let sipCall = call.sipCall, let sipAddress = call.setup?.sipAddress, let codecs = call.sipCodecDescription
        else { return }
        call.sdpVersion += 1
        let sdp = SIPLegSDP.make(
            address: sipAddress, codecs: codecs, sessionID: call.sdpSessionID, version: UInt64(call.sdpVersion),
            sdes: call.sdes)
        sipCall.updateLocalSDP(Array(sdp.utf8))
    }

    /// Takes the SIP peer's key from its answer to our SDES offer (RFC 4568 section 7.1.1: its line with our
    /// tag); ends the call with `security-error` and returns false when the answer refuses SRTP.
    func acceptSDESAnswer(_ call: Call, _ remote: SIPLegSDP.Remote, from what: String) -> Bool {
        guard let sdes = call.sdes else { return true }
        do {
            call.sdesInbound = try remote.acceptedSDES(sdes).inbound
            return true
        } catch {
            logger.warning("call \(call.sid): \(what) refuses SDES-SRTP: \(error)")
            terminate(call, reason: JingleReason(.securityError, text: "\(what): \(error)"))
            return false
        }
    }

    /// Relays RTP between the legs with payload types mapped (same codec on both sides).
    func relay(
        _ call: Call, setup: MediaSetup, client: JinglePayloadType, clientEvent: JinglePayloadType?,
        sip: SIPLegSDP.Codec, sipEvent: SIPLegSDP.Codec?
    ) {
        call.codec = client.name
        var toSIP: [UInt8: UInt8] = [client.id: sip.payloadType]
        var toClient: [UInt8: UInt8] = [sip.payloadType: client.id]
        if let sipEvent, let clientEvent {
            toSIP[clientEvent.id] = sipEvent.payloadType
            toClient[sipEvent.payloadType] = clientEvent.id
        }
        let sipMap = toSIP
        let clientMap = toClient
        let clockRate = sip.clockRate
        let events = (
            jingle: clientEvent.map { ($0.id, $0.clockrate ?? 8000) }, sip: sipEvent.map { ($0.payloadType, $0.clockRate) }
        )
        setup.handle.execute { media in
            media.setTelephoneEvents(jingle: events.jingle, sip: events.sip)
            media.setPayloadTypeMap(on: .sip, sipMap)
            media.setPayloadTypeMap(on: .jingle, clientMap)
            media.setClockRate(on: .sip, clockRate)
            media.setClockRate(on: .jingle, clockRate)
            media.setMode(.relay)
        }
    }

    /// Starts transcoding between the legs; if the codecs cannot be set up the call is terminated (from the
    /// media loop, so after this returns).
    func transcode(
        _ call: Call, setup: MediaSetup, client: (AudioCodec, UInt8), sip: (AudioCodec, UInt8),
        clientEvent: JinglePayloadType?, sipEvent: SIPLegSDP.Codec?
    ) {
        let events = (
            jingle: clientEvent.map { ($0.id, $0.clockrate ?? 8000) }, sip: sipEvent.map { ($0.payloadType, $0.clockRate) }
        )
        call.codec = client.0.encodingName
        call.transcoding = true
        let opus = OpusEncoder.Configuration(bitrate: media.opusBitrate, complexity: media.opusComplexity)
        let sid = call.sid
        let managerBox = NIOLoopBound(self, eventLoop: component.eventLoop)
        let componentLoop = component.eventLoop
        setup.handle.execute { callMedia in
            do {
                try callMedia.startTranscoding(
                    jingle: (client.0, client.1), sip: (sip.0, sip.1), opus: opus)
                callMedia.setTelephoneEvents(jingle: events.jingle, sip: events.sip)
            } catch {
                componentLoop.execute {
                    let manager = managerBox.value
                    guard let call = manager.calls[sid] else { return }
                    manager.logger.error("call \(sid): cannot transcode: \(error)")
                    manager.terminate(call, reason: JingleReason(.mediaError, text: "transcoder: \(error)"))
                }
            }
        }
    }

    /// A re-INVITE or UPDATE from the SIP side: the answer mirrors its direction (RFC 3264 section 6.1:
    /// sendonly -> recvonly, the hold of RFC 6337 section 5.3), follows a new address, and tells the
    /// client about hold and resume with session-info.
    func answerReinvite(
        _ call: Call, request: SIPMessage, answer: ([UInt8]) -> Void, reject: (Int) -> Void
    ) {
        guard let sipAddress = call.setup?.sipAddress, var codecs = call.sipCodecDescription, let handle = call.media
        else { return reject(491) }
        var direction = MediaDirection.sendrecv
        if !request.body.isEmpty {
            guard let remote = try? SIPLegSDP.remote(String(decoding: request.body, as: UTF8.self)) else {
                return reject(488)
            }
            direction = remote.direction
            var codecChanged = false
            if let current = codecs.first(where: { !$0.isTelephoneEvent }),
                !remote.codecs.contains(where: { $0.name.lowercased() == current.name.lowercased() })
            {
                // The new offer drops our codec (RFC 3264 section 8.3.2): take one of its codecs instead.
                guard let changed = changeSIPCodec(call, offered: remote) else { return reject(488) }
                codecs = changed
                codecChanged = true
            }
            var keys: SIPLegSDP.SRTPKeys?
            if var sdes = call.sdes {
                // RFC 4568 section 7.1.4: a re-offer restates (or changes) the peer's key; ours stays.
                guard let chosen = remote.cryptos.first(where: { $0.profile == sdes.profile }) else { return reject(488) }
                sdes.tag = chosen.tag
                if chosen.key != call.sdesInbound {
                    // New contexts both ways: reusing our key with a fresh context would repeat keystream
                    // once the rollover counter restarts (RFC 3711 section 9.1), so ours changes too.
                    guard let fresh = try? SIPLegSDP.SDES.random(tag: chosen.tag, profile: chosen.profile) else {
                        return reject(488)
                    }
                    sdes = fresh
                    keys = SIPLegSDP.SRTPKeys(outbound: sdes.key.masterKey, inbound: chosen.key)
                    call.sdesInbound = chosen.key
                }
                call.sdes = sdes
            }
            let payloadTypes = codecs.map(\.payloadType)
            let onlyIfMoved = !codecChanged
            let srtpKeys = keys
            handle.execute {
                $0.configureSIPLeg(remote, payloadTypes: payloadTypes, onlyIfMoved: onlyIfMoved, keys: srtpKeys)
            }
        }
        let mirrored: MediaDirection
        switch direction {
        case .sendonly: mirrored = .recvonly
        case .recvonly: mirrored = .sendonly
        case .inactive: mirrored = .inactive
        case .sendrecv: mirrored = .sendrecv
        }
        call.sdpVersion += 1
        let sdp = SIPLegSDP.make(
            address: sipAddress, codecs: codecs, sessionID: call.sdpSessionID, version: UInt64(call.sdpVersion),
            direction: mirrored, sdes: call.sdes)
        answer(Array(sdp.utf8))
        let held = direction != .sendrecv
        if held != call.heldBySIP, var session = call.session {
            call.heldBySIP = held
            logger.info("call \(call.sid): SIP side \(held ? "holds" : "resumes") the call")
            if let actions = try? session.sendInfo(held ? .hold : .unhold) {
                call.session = session
                perform(actions, call: call)
            }
        }
    }

    /// A re-offer from SIP without the call's codec: picks the client's own codec if offered (relay),
    /// else the first the engine can transcode, and switches the media over. Returns the SIP leg's new
    /// codecs (with the offer's telephone-event), nil when nothing offered can be used.
    func changeSIPCodec(_ call: Call, offered remote: SIPLegSDP.Remote) -> [SIPLegSDP.Codec]? {
        guard let setup = call.setup, let (client, clientEvent) = call.clientFormats else { return nil }
        let same = remote.codecs.first { !$0.isTelephoneEvent && $0.name.lowercased() == client.name?.lowercased() }
        guard let codec = same ?? remote.codecs.first(where: { AudioCodec($0) != nil }) else { return nil }
        let event = remote.telephoneEvent
        logger.info("call \(call.sid): SIP changes the codec from \(call.sipCodec ?? "?") to \(codec.name)")
        if same != nil {
            call.transcoding = false
            relay(call, setup: setup, client: client, clientEvent: clientEvent, sip: codec, sipEvent: event)
        } else {
            guard let clientAudio = AudioCodec(client), let sipAudio = AudioCodec(codec) else { return nil }
            let matchingEvent = clientEvent.flatMap { $0.clockrate ?? 8000 == client.clockrate ?? 8000 ? $0 : nil }
            transcode(
                call, setup: setup, client: (clientAudio, client.id), sip: (sipAudio, codec.payloadType),
                clientEvent: matchingEvent, sipEvent: event)
        }
        let codecs = [codec] + (event.map { [$0] } ?? [])
        call.sipCodec = codec.name
        call.sipCodecDescription = codecs
        return codecs
    }

    /// XEP-0167 section 7 hold from the client -> re-INVITE `sendonly` toward SIP (RFC 6337 section 5.3);
    /// unhold -> `sendrecv`. The bridge keeps sending (silence) meanwhile, so the SIP leg never goes quiet.
    func clientHold(_ call: Call, held: Bool) {
        guard held != call.heldByClient, call.answeredAt != nil, let sipAddress = call.setup?.sipAddress,
            let codecs = call.sipCodecDescription
        else { return }
        call.heldByClient = held
        call.sdpVersion += 1
        let sdp = Array(
            SIPLegSDP.make(
                address: sipAddress, codecs: codecs, sessionID: call.sdpSessionID, version: UInt64(call.sdpVersion),
                direction: held ? .sendonly : .sendrecv, sdes: call.sdes
            ).utf8)
        logger.info("call \(call.sid): the client \(held ? "holds" : "resumes"); re-INVITE to SIP")
        if let sipCall = call.sipCall {
            sipCall.reinvite(sdp: sdp)
        } else {
            call.serverCall?.reinvite(sdp: sdp)
        }
    }

    /// For trunks with `dtmf="info"`: the client's RFC 4733 digits leave as SIP INFO
    /// (`application/dtmf-relay`) instead of RTP events.
    func signalDTMFByInfo(_ call: Call, decision: OutboundRouting.Decision) {
        guard decision.trunk.dtmf == .info, let handle = call.media else { return }
        let sid = call.sid
        let componentLoop = component.eventLoop
        let managerBox = NIOLoopBound(self, eventLoop: componentLoop)
        handle.execute { media in
            media.eventsToSignalling = [.jingle]
            media.onDTMF = { _, event in
                componentLoop.execute { managerBox.value.sendInfoDTMF(sid: sid, event: event) }
            }
        }
    }

    func sendInfoDTMF(sid: String, event: UInt8) {
        guard let call = calls[sid], let sipCall = call.sipCall, event < 16 else { return }
        let signal = Array("0123456789*#ABCD")[Int(event)]
        logger.info("call \(sid): DTMF \(signal) to SIP by INFO")
        let contentType = try? SIPMediaType(parsing: "application/dtmf-relay")
        sipCall.sendInfo(body: Array("Signal=\(signal)\r\nDuration=160\r\n".utf8), contentType: contentType)
    }

    /// SIP INFO DTMF -> RFC 4733 events toward the client.
    func forwardInfoDTMF(_ call: Call, body: [UInt8], contentType: SIPMediaType?) {
        guard let dtmf = SIPInfoDTMF(body: body, contentType: contentType) else {
            return logger.debug("call \(call.sid): SIP INFO without DTMF (\(contentType.map { "\($0)" } ?? "no body"))")
        }
        logger.info("call \(call.sid): DTMF event \(dtmf.event) by SIP INFO")
        let duration = TimeAmount.milliseconds(Int64(dtmf.durationMilliseconds))
        call.media?.execute { media in
            media.sendDTMF(on: .jingle, event: dtmf.event, duration: duration)
        }
    }

    /// Ends the SIP side of a call that ends: CANCEL before the answer, BYE after.
    func endSIP(_ call: Call, reason: JingleReason) {
        call.ringTimer?.cancel()
        guard let sipCall = call.sipCall else { return }
        call.sipCall = nil
        logger.info("call \(call.sid): ending the SIP leg (\(Self.describe(reason)))")
        sipCall.hangUp()
    }
}
