/// RFC 3264 offer/answer: make an offer from local capabilities, answer a remote offer, and tell
/// what a new offer changed.
///
/// The descriptions returned carry codecs, directions and addresses. Transport security and ICE
/// (`ice-ufrag`, `candidate`, `fingerprint`, `setup`, `crypto`) belong to the media layer: pass
/// them in ``MediaCapability/attributes`` or add them to the result.
public enum OfferAnswer {
    // MARK: Offer

    /// Builds an offer (RFC 3264 section 5) from local capabilities.
    ///
    /// Payload types: codecs with an RFC 3551 static payload type use it; others take their
    /// preferred dynamic type when free, else the lowest free one from 96 to 127 (RFC 3551
    /// section 3). `telephone-event` is offered once per distinct clock rate of the codecs
    /// (RFC 4733 section 2.1), with the capability's event list.
    /// - Throws: `invalidCapabilities` when the dynamic range runs out, two codecs claim one static
    ///   payload type, or a value cannot be written (for example a codec name with a space).
    public static func makeOffer(_ capabilities: LocalCapabilities) throws(SDPError) -> SessionDescription {
        var offer = SessionDescription(
            origin: capabilities.origin, sessionName: capabilities.sessionName, connection: capabilities.connection,
            attributes: capabilities.attributes)
        for capability in capabilities.media {
            offer.media.append(try offerMedia(capability))
        }
        do throws(SDPError) {
            try offer.validate()
        } catch {
            throw SDPError(
                code: .invalidCapabilities, line: 0, lineText: nil,
                reason: "the capabilities do not give a valid offer (\(error.description))")
        }
        return offer
    }

    static func offerMedia(_ capability: MediaCapability) throws(SDPError) -> MediaDescription {
        var media = MediaDescription(type: capability.type, port: capability.port, proto: capability.proto)
        if let connection = capability.connection { media.connections = [connection] }
        var used: Set<UInt8> = []
        var assigned: [UInt8?] = capability.codecs.map { codec in
            StaticPayloadTypes.payloadType(
                encodingName: codec.name, clockRate: codec.clockRate, channels: codec.channels)
        }
        for case let payloadType? in assigned {
            guard used.insert(payloadType).inserted else {
                throw capabilitiesError(
                    "two codecs of one \(capability.type) stream have static payload type \(payloadType)")
            }
        }
        for index in assigned.indices where assigned[index] == nil {
            if let preferred = capability.codecs[index].preferredPayloadType, (96...127).contains(preferred),
                used.insert(preferred).inserted
            {
                assigned[index] = preferred
            }
        }
        for index in assigned.indices where assigned[index] == nil {
            assigned[index] = try allocate(&used, for: capability)
        }
        var formats: [(UInt8, RTPMap, String?)] = []
        for (codec, payloadType) in zip(capability.codecs, assigned) {
            let payloadType = payloadType ?? 0
            let channels = codec.isOpus ? 2 : codec.channels
            formats.append(
                (
                    payloadType,
                    RTPMap(
                        payloadType: payloadType, encodingName: codec.name, clockRate: codec.clockRate,
                        channels: channels),
                    codec.formatParameters
                ))
        }
        if let telephoneEvent = capability.telephoneEvent {
            var rates: [UInt32] = []
            for codec in capability.codecs where !codec.isAuxiliary && !rates.contains(codec.clockRate) {
                rates.append(codec.clockRate)
            }
            for (index, rate) in rates.enumerated() {
                let payloadType: UInt8
                if index == 0, let preferred = telephoneEvent.preferredPayloadType, (96...127).contains(preferred),
                    used.insert(preferred).inserted
                {
                    payloadType = preferred
                } else {
                    payloadType = try allocate(&used, for: capability)
                }
                formats.append(
                    (
                        payloadType, RTPMap(payloadType: payloadType, encodingName: "telephone-event", clockRate: rate),
                        telephoneEvent.events.description
                    ))
            }
        }
        for (payloadType, rtpMap, parameters) in formats {
            media.formats.append(String(payloadType))
            media.attributes.append(Attribute(rtpMap))
            if let parameters {
                media.attributes.append(Attribute(FormatParameters(payloadType: payloadType, parameters: parameters)))
            }
        }
        appendCommon(to: &media, capability: capability, direction: capability.direction, rtcpMux: capability.rtcpMux)
        return media
    }

    static func allocate(_ used: inout Set<UInt8>, for capability: MediaCapability) throws(SDPError) -> UInt8 {
        for candidate in UInt8(96)...127 where used.insert(candidate).inserted {
            return candidate
        }
        throw capabilitiesError("the \(capability.type) stream needs more than 32 dynamic payload types")
    }

    static func capabilitiesError(_ reason: String) -> SDPError {
        SDPError(code: .invalidCapabilities, line: 0, lineText: nil, reason: reason)
    }

    static func appendCommon(
        to media: inout MediaDescription, capability: MediaCapability, direction: MediaDirection, rtcpMux: Bool
    ) {
        if let ptime = capability.ptime { media.ptime = ptime }
        if let maxptime = capability.maxptime { media.maxptime = maxptime }
        media.direction = direction
        if rtcpMux { media.rtcpMux = true }
        media.attributes.append(contentsOf: capability.attributes)
    }

    // MARK: Answer

    /// Answers an offer (RFC 3264 section 6).
    ///
    /// - Every offered media section gets one answer section, in the same order (section 6).
    /// - Each offered stream takes the first unused capability of its media type whose protocols
    ///   include the offered one. A stream with no such capability, no common codec (comfort noise
    ///   and `telephone-event` alone do not count) or port 0 in the offer is rejected: port 0, the
    ///   offered formats, and the offered `a=mid` if any (section 6). An `a=mid` that is not a
    ///   token (possible when the offer was parsed without attribute validation) is not mirrored.
    /// - Codecs match by encoding name ignoring case, clock rate and channels (Opus always
    ///   `opus/48000/2`); static payload types without `rtpmap` mean what RFC 3551 says. The answer
    ///   uses the offer's payload type numbers (section 6.1), in the offer's order, or in ours
    ///   when `preferOurOrder` is set. Our `fmtp` is sent for each codec that has one.
    /// - `telephone-event` is answered only at the clock rate of an accepted codec, with the events
    ///   both sides support (the offer's list, or 0-15 when it has no `fmtp`: RFC 4733 section 2.4.1).
    /// - Direction (section 6.1): offered `sendonly` is answered `recvonly`, `recvonly` with
    ///   `sendonly`, `inactive` with `inactive`, `sendrecv` with our preference; each narrowed by
    ///   our capability. An offer with `c=0.0.0.0` and no ICE counts as not receiving (section 8.4).
    /// - `a=rtcp-mux` is answered when offered and supported (RFC 5761 section 5.1.1).
    public static func answer(
        to offer: SessionDescription, capabilities: LocalCapabilities, preferOurOrder: Bool = false
    ) throws(SDPError) -> SessionDescription {
        var answer = SessionDescription(
            origin: capabilities.origin, sessionName: capabilities.sessionName, connection: capabilities.connection,
            attributes: capabilities.attributes)
        var used: Set<Int> = []
        for index in offer.media.indices {
            let offered = offer.media[index]
            let match = capabilities.media.indices.first { candidate in
                !used.contains(candidate) && capabilities.media[candidate].type == offered.type
                    && capabilities.media[candidate].accepts(offered.proto)
            }
            if !offered.isRejected, let match,
                let accepted = answerMedia(
                    offer: offer, index: index, capability: capabilities.media[match], preferOurOrder: preferOurOrder)
            {
                used.insert(match)
                answer.media.append(accepted)
            } else {
                answer.media.append(rejected(offered))
            }
        }
        do throws(SDPError) {
            try answer.validate()
        } catch {
            throw SDPError(
                code: .invalidCapabilities, line: 0, lineText: nil,
                reason: "the capabilities do not give a valid answer (\(error.description))")
        }
        return answer
    }

    /// The answer to an offered direction given the directions we want (RFC 3264 section 6.1).
    public static func answerDirection(offered: MediaDirection, local: MediaDirection) -> MediaDirection {
        MediaDirection(sends: offered.receives && local.sends, receives: offered.sends && local.receives)
    }

    static func rejected(_ offered: MediaDescription) -> MediaDescription {
        var media = MediaDescription(type: offered.type, port: 0, proto: offered.proto, formats: offered.formats)
        if let mid = offered.mid, SDPGrammar.isToken(mid) { media.mid = mid }
        return media
    }

    static func answerMedia(
        offer: SessionDescription, index: Int, capability: MediaCapability, preferOurOrder: Bool
    ) -> MediaDescription? {
        let offered = offer.media[index]
        var matches: [(payloadType: UInt8, rtpMap: RTPMap, codec: Codec, rank: Int)] = []
        var events: [(payloadType: UInt8, rtpMap: RTPMap)] = []
        for payloadType in offered.payloadTypes {
            guard let rtpMap = offered.codec(for: payloadType) else { continue }
            if SDPGrammar.equalsIgnoringCase(rtpMap.encodingName, "telephone-event") {
                events.append((payloadType, rtpMap))
            } else if let rank = capability.codecs.firstIndex(where: { $0.matches(rtpMap) }),
                !matches.contains(where: { $0.payloadType == payloadType })
            {
                matches.append((payloadType, rtpMap, capability.codecs[rank], rank))
            }
        }
        guard matches.contains(where: { !$0.codec.isAuxiliary }) else { return nil }
        if preferOurOrder {
            matches = matches.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
                .map(\.element)
        }
        var media = MediaDescription(type: offered.type, port: capability.port, proto: offered.proto)
        if let connection = capability.connection { media.connections = [connection] }
        if let mid = offered.mid, SDPGrammar.isToken(mid) { media.mid = mid }
        for match in matches {
            var rtpMap = match.rtpMap
            rtpMap.payloadType = match.payloadType
            media.formats.append(String(match.payloadType))
            media.attributes.append(Attribute(rtpMap))
            if let parameters = match.codec.formatParameters {
                media.attributes.append(
                    Attribute(FormatParameters(payloadType: match.payloadType, parameters: parameters)))
            }
        }
        if let supported = capability.telephoneEvent?.events {
            let rates = Set(matches.filter { !$0.codec.isAuxiliary }.map(\.rtpMap.clockRate))
            for event in events where rates.contains(event.rtpMap.clockRate) {
                // Without fmtp the events are 0-15; an fmtp that is no event list offers none.
                let offeredEvents: TelephoneEvents
                if let parameters = offered.formatParameters(for: String(event.payloadType)) {
                    offeredEvents = parameters.telephoneEvents ?? TelephoneEvents([])
                } else {
                    offeredEvents = .dtmf
                }
                let common = offeredEvents.intersection(supported)
                guard !common.isEmpty else { continue }
                media.formats.append(String(event.payloadType))
                media.attributes.append(Attribute(event.rtpMap))
                media.attributes.append(
                    Attribute(FormatParameters(payloadType: event.payloadType, parameters: common.description)))
            }
        }
        var offeredDirection = offer.effectiveDirection(ofMediaAt: index)
        if isHoldAddress(offer, index) {
            offeredDirection = MediaDirection(sends: offeredDirection.sends, receives: false)
        }
        appendCommon(
            to: &media, capability: capability,
            direction: answerDirection(offered: offeredDirection, local: capability.direction),
            rtcpMux: capability.rtcpMux && offered.rtcpMux)
        return media
    }

    /// `c=IN IP4 0.0.0.0` without ICE: the RFC 2543 hold (RFC 3264 section 8.4). With ICE the
    /// address is only a placeholder (RFC 8839 section 4.3.1), so it does not count.
    static func isHoldAddress(_ description: SessionDescription, _ index: Int) -> Bool {
        guard description.effectiveConnection(ofMediaAt: index)?.isHoldAddress == true else { return false }
        return (description.media[index].iceUfrag ?? description.iceUfrag) == nil
    }

    // MARK: Changes

    /// What `new` changed compared with `old`, two descriptions from the same side (for example
    /// a re-INVITE's offer against the previous one). Media sections are compared by position,
    /// as RFC 3264 section 8 keeps them.
    public static func changes(from old: SessionDescription, to new: SessionDescription) -> Set<SDPChange> {
        var changes: Set<SDPChange> = []
        for index in 0..<max(old.media.count, new.media.count) {
            let before = index < old.media.count ? old.media[index] : nil
            let after = index < new.media.count ? new.media[index] : nil
            guard let before, !before.isRejected else {
                if let after, !after.isRejected { changes.insert(.mediaAdded(media: index)) }
                continue
            }
            guard let after, !after.isRejected else {
                changes.insert(.mediaRemoved(media: index))
                continue
            }
            guard before.type == after.type else {
                changes.insert(.mediaRemoved(media: index))
                changes.insert(.mediaAdded(media: index))
                continue
            }
            let oldDirection = old.effectiveDirection(ofMediaAt: index)
            let newDirection = new.effectiveDirection(ofMediaAt: index)
            if oldDirection != newDirection {
                changes.insert(.directionChanged(media: index, from: oldDirection, to: newDirection))
            }
            let wasHeld = isHeld(old, index)
            let isHeldNow = isHeld(new, index)
            if !wasHeld, isHeldNow { changes.insert(.hold(media: index)) }
            if wasHeld, !isHeldNow { changes.insert(.resume(media: index)) }

            let oldCodecs = codecList(before)
            let newCodecs = codecList(after)
            if oldCodecs != newCodecs {
                let sameSet = oldCodecs.count == newCodecs.count && Set(oldCodecs) == Set(newCodecs)
                changes.insert(sameSet ? .codecOrderChanged(media: index) : .codecsChanged(media: index))
            }

            let oldConnection = old.effectiveConnection(ofMediaAt: index)
            let newConnection = new.effectiveConnection(ofMediaAt: index)
            let addressChanged =
                oldConnection?.isHoldAddress != true && newConnection?.isHoldAddress != true
                && (oldConnection?.address != newConnection?.address
                    || oldConnection?.addressType != newConnection?.addressType)
            if addressChanged || before.port != after.port { changes.insert(.connectionChanged(media: index)) }

            let oldUfrag = before.iceUfrag ?? old.iceUfrag
            let oldPwd = before.icePwd ?? old.icePwd
            let newUfrag = after.iceUfrag ?? new.iceUfrag
            let newPwd = after.icePwd ?? new.icePwd
            if oldUfrag != nil || oldPwd != nil, newUfrag != nil || newPwd != nil,
                oldUfrag != newUfrag || oldPwd != newPwd
            {
                changes.insert(.iceRestart(media: index))
            }

            if Set(before.ssrcs) != Set(after.ssrcs) { changes.insert(.ssrcChanged(media: index)) }
        }
        return changes
    }

    /// Held by the writer: `sendonly` or `inactive`, or the RFC 2543 `0.0.0.0` address.
    static func isHeld(_ description: SessionDescription, _ index: Int) -> Bool {
        let direction = description.effectiveDirection(ofMediaAt: index)
        return direction == .sendonly || direction == .inactive || isHoldAddress(description, index)
    }

    /// What each format means, for comparing codec lists: format, lowercased encoding, clock
    /// rate, channels and format parameters.
    struct FormatMeaning: Hashable {
        var format: String
        var encoding: String?
        var clockRate: UInt32?
        var channels: UInt8?
        var parameters: String?
    }

    static func codecList(_ media: MediaDescription) -> [FormatMeaning] {
        media.formats.map { format in
            let payloadType = SDPGrammar.number(format, as: UInt8.self)
            let rtpMap = payloadType.flatMap { $0 <= 127 ? media.codec(for: $0) : nil }
            return FormatMeaning(
                format: format, encoding: rtpMap.map { SDPGrammar.lowercased($0.encodingName) },
                clockRate: rtpMap?.clockRate, channels: rtpMap.map { $0.channels ?? 1 },
                parameters: media.formatParameters(for: format)?.parameters)
        }
    }
}
