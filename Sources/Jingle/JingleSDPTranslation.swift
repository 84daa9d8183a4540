#if canImport(XMPPCore)
    import XMPPCore
#endif
#if canImport(SDP)
    import SDP
#endif

/// Translation between Jingle RTP contents (XEP-0167 with XEP-0176, XEP-0320, XEP-0293, XEP-0294,
/// XEP-0338, XEP-0339) and SDP (RFC 8866), in both directions.
///
/// A Jingle session-initiate or session-accept describes what its *author* (the initiator or the
/// responder) will do, exactly like the SDP offer or answer that party would write, so every function
/// takes the author: Jingle `senders` are absolute ("initiator sends") while SDP directions are the
/// writer's ("sendonly" = I send); with `author: .responder`, `senders='initiator'` is `recvonly`.
/// The same holds for XEP-0294 `senders` and `a=extmap` directions.
///
/// Mapping, field by field: content name <-> `a=mid`; `<group/>` <-> session `a=group`; payload type
/// <-> format + `a=rtpmap` (names and rates as the RFCs fix them: `opus/48000/2`, `G722/8000`) +
/// `a=fmtp` (a parameter with an empty name is a value without name, as in `a=fmtp:101 0-15`) +
/// `a=rtcp-fb:<pt>`; description-level feedback <-> `a=rtcp-fb:*`; `<rtcp-fb-trr-int/>` <->
/// `a=rtcp-fb:<pt|*> trr-int`; `<rtp-hdrext/>` <-> `a=extmap`; `<extmap-allow-mixed/>` <->
/// `a=extmap-allow-mixed`; `<rtcp-mux/>` <-> `a=rtcp-mux`; `<source/>` parameters <-> `a=ssrc`;
/// `<ssrc-group/>` <-> `a=ssrc-group`; `<bandwidth/>` <-> `b=`; `<crypto/>` <-> `a=crypto`;
/// ufrag/pwd <-> `a=ice-ufrag`/`a=ice-pwd`; `<candidate/>` <-> `a=candidate` (component, foundation,
/// protocol, priority, ip, port, type, rel-addr/raddr, rel-port/rport, generation, network <->
/// `network-id`, tcptype); `<remote-candidate/>` <-> `a=remote-candidates`; `<fingerprint/>` <->
/// `a=fingerprint` + `a=setup`; `senders` <-> direction attribute.
///
/// What one side cannot express (also listed in docs/jingle-sdp.md):
/// - Only in Jingle, dropped towards SDP: candidate `id`; the legacy description `ssrc` attribute;
///   `<source/>` elements without parameters and their unknown children (Jitsi `<ssrc-info/>`);
///   `<rtcp-fb/>` parameters; the `<encryption required=''/>` flag and non-crypto children (ZRTP);
///   content `creator` and `disposition`; unknown children of any element; per-payload-type
///   `ptime`/`maxptime` (SDP has one per media section: the first payload type carrying one wins).
/// - Only in SDP, dropped towards Jingle: `o=`, `s=`, `t=` and other session lines; `m=` port and
///   `c=` (Jingle carries addresses only as candidates; towards SDP they come from the default
///   candidate, or `9` / `0.0.0.0` while candidates trickle, RFC 8840); the proto (derived back from
///   the content: `UDP/TLS/RTP/SAVPF` with a fingerprint, `RTP/SAVP(F)` with crypto, else
///   `RTP/AVP(F)`); media-level `a=msid`, `a=msid-semantic`, `a=ice-options`, `a=ice-lite`,
///   `a=end-of-candidates`, `a=rtcp`, `a=rtcp-rsize`, session-level `b=`; candidate extensions other
///   than generation, network-id and tcptype; non-RTP media sections (data channels) and rejected
///   (`port 0`) ones, which are reported instead of translated.
/// - Normalized on the way: SDP -> Jingle fills `generation='0'` and an `id` for each candidate (the
///   XEP-0176 schema requires both) and names a content after its media type when there is no
///   `a=mid`; Jingle -> SDP always writes `a=mid` and an `a=rtpmap` for every named payload type
///   (also static ones); a session-level ICE/DTLS/direction/extmap-allow-mixed attribute
///   becomes media-level; fingerprints are written in upper-case hex; a telephone-event parameter
///   named `events` (Gajim/Farstream) becomes the unnamed fmtp value; `a=ptime`/`a=maxptime` apply
///   to every payload type of the section.
public enum JingleSDPTranslation {
    /// The result of translating an SDP into Jingle contents.
    public struct Contents: Sendable, Hashable {
        public var contents: [JingleContent]
        public var groups: [JingleGroup]
        /// Media sections not translated: rejected (`port 0`) or not RTP (data channels), by their
        /// `a=mid` or media type.
        public var skipped: [String]
    }

    // MARK: - Jingle -> SDP

    /// The SDP that the author of these contents would have written (the offer for a
    /// session-initiate, with `author: .initiator`; the answer for a session-accept, with `.responder`).
    /// The result is checked with the SDP module's parser, so it always parses back to itself.
    public static func sessionDescription(
        contents: [JingleContent], groups: [JingleGroup] = [], author: JingleCreator, origin: Origin
    ) throws(JingleError) -> SessionDescription {
        var sdp = SessionDescription(origin: origin)
        for group in groups {
            try requireToken(group.semantics, element: "group", attribute: "semantics")
            for name in group.contents { try requireToken(name, element: "content", attribute: "name") }
            sdp.attributes.append(Attribute(MediaGroup(semantics: group.semantics, mids: group.contents)))
        }
        for content in contents { sdp.media.append(try mediaDescription(content, author: author)) }
        // Whatever a peer put in its Jingle, what we hand on must be SDP that parses back to itself.
        do {
            try sdp.validate()
        } catch {
            throw JingleError(
                .untranslatable, element: "jingle",
                "the SDP built from these contents is not valid: \(error.reason)\(error.lineText.map { " (\($0.jinglePrefix(80)))" } ?? "")"
            )
        }
        return sdp
    }

    /// The SDP for a session-initiate (offer, written by the initiator) or session-accept (answer,
    /// written by the responder) payload.
    public static func sessionDescription(_ payload: JinglePayload, origin: Origin) throws(JingleError)
        -> SessionDescription
    {
        let author: JingleCreator
        switch payload.action {
        case .sessionInitiate: author = .initiator
        case .sessionAccept: author = .responder
        default:
            throw JingleError(
                .untranslatable, element: "jingle", attribute: "action",
                "only session-initiate (offer) and session-accept (answer) translate to a whole SDP, not \(payload.action.rawValue)"
            )
        }
        return try sessionDescription(
            contents: payload.contents, groups: payload.groups, author: author, origin: origin)
    }

    /// One media section for one content.
    public static func mediaDescription(_ content: JingleContent, author: JingleCreator) throws(JingleError)
        -> MediaDescription
    {
        guard let rtp = content.rtpDescription else {
            throw JingleError(
                .untranslatable, element: "description",
                "<content name='\(content.name.jinglePrefix(64))'/> has no XEP-0167 RTP <description/>")
        }
        if case .other(let element)? = content.transport {
            throw JingleError(
                .untranslatable, element: "transport",
                "<transport xmlns='\(element.namespace.jinglePrefix(96))'/> is not ICE-UDP (XEP-0176)")
        }
        try requireToken(content.name, element: "content", attribute: "name")
        try requireToken(rtp.media, element: "description", attribute: "media")
        let transport = content.iceUDPTransport
        let payloadTypes = rtp.payloadTypes.map { $0.canonicalized() }
        let hasFeedback =
            !rtp.feedback.isEmpty || rtp.feedbackTRRInterval != nil
            || payloadTypes.contains { !$0.feedback.isEmpty || $0.feedbackTRRInterval != nil }
        let fingerprints = transport?.fingerprints ?? []
        let proto: TransportProtocol
        if !fingerprints.isEmpty {
            proto = .udpTLSRTPSAVPF
        } else if !(rtp.encryption?.crypto.isEmpty ?? true) {
            proto = hasFeedback ? .rtpSAVPF : .rtpSAVP
        } else {
            proto = hasFeedback ? .rtpAVPF : .rtpAVP
        }
        var media = MediaDescription(
            type: MediaType(rtp.media), port: 9, proto: proto, formats: payloadTypes.map { String($0.id) })
        let candidates = transport?.candidates ?? []
        if let rtpDefault = defaultCandidate(candidates, component: 1) {
            media.port = rtpDefault.port
            media.connection = connection(for: rtpDefault.ip)
        } else {
            // RFC 8840 section 5.1: no candidate yet (trickle ICE).
            media.connection = .ip4("0.0.0.0")
        }
        for bandwidth in rtp.bandwidths {
            try requireToken(bandwidth.type, element: "bandwidth", attribute: "type")
            media.bandwidths.append(Bandwidth(type: bandwidth.type, value: UInt64(bandwidth.value)))
        }

        var attributes: [Attribute] = []
        if let transport {
            if let ufrag = transport.ufrag {
                try requireField(ufrag, element: "transport", attribute: "ufrag")
                attributes.append(Attribute("ice-ufrag", ufrag))
            }
            if let pwd = transport.pwd {
                try requireField(pwd, element: "transport", attribute: "pwd")
                attributes.append(Attribute("ice-pwd", pwd))
            }
        }
        for fingerprint in fingerprints {
            attributes.append(Attribute(try sdpFingerprint(fingerprint)))
        }
        if let setup = fingerprints.lazy.compactMap(\.setup).first, let role = SetupRole(rawValue: setup.rawValue) {
            attributes.append(Attribute(role))
        }
        attributes.append(Attribute("mid", content.name))
        for extensionMap in rtp.headerExtensions {
            attributes.append(Attribute(try sdpExtensionMap(extensionMap, author: author)))
        }
        if rtp.extmapAllowMixed { attributes.append(Attribute("extmap-allow-mixed")) }
        if let senders = content.senders { attributes.append(Attribute(direction(senders, author: author).rawValue)) }
        if rtp.rtcpMux { attributes.append(Attribute("rtcp-mux")) }
        if !rtp.rtcpMux, let rtcpDefault = defaultCandidate(candidates, component: 2) {
            let address = RTCPAttribute.Address(
                addressType: rtcpDefault.ip.contains(":") ? "IP6" : "IP4", address: rtcpDefault.ip)
            attributes.append(Attribute(RTCPAttribute(port: rtcpDefault.port, address: address)))
        }
        for payloadType in payloadTypes {
            attributes += try payloadTypeAttributes(payloadType)
        }
        for feedback in rtp.feedback {
            attributes.append(Attribute(try sdpFeedback(feedback, target: .all)))
        }
        if let interval = rtp.feedbackTRRInterval {
            attributes.append(Attribute(RTCPFeedback(target: .all, type: "trr-int", subtype: String(interval))))
        }
        if let ptime = payloadTypes.lazy.compactMap(\.ptime).first {
            attributes.append(Attribute("ptime", String(ptime)))
        }
        if let maxptime = payloadTypes.lazy.compactMap(\.maxptime).first {
            attributes.append(Attribute("maxptime", String(maxptime)))
        }
        for crypto in rtp.encryption?.crypto ?? [] { attributes.append(Attribute(try sdpCrypto(crypto))) }
        for group in rtp.sourceGroups {
            try requireToken(group.semantics, element: "ssrc-group", attribute: "semantics")
            attributes.append(Attribute(SSRCGroup(semantics: group.semantics, ssrcs: group.sources)))
        }
        for source in rtp.sources {
            for parameter in source.parameters {
                try requireToken(parameter.name, element: "parameter", attribute: "name")
                if let value = parameter.value { try requireLine(value, element: "parameter", attribute: "value") }
                attributes.append(
                    Attribute(SSRCAttribute(ssrc: source.ssrc, attribute: parameter.name, value: parameter.value)))
            }
        }
        for candidate in candidates { attributes.append(Attribute(try sdpCandidate(candidate))) }
        if let remote = transport?.remoteCandidate {
            try requireField(remote.ip, element: "remote-candidate", attribute: "ip")
            attributes.append(Attribute("remote-candidates", "\(remote.component) \(remote.ip) \(remote.port)"))
        }
        media.attributes = attributes
        return media
    }

    /// The SDP direction of a Jingle `senders` value, written by `author` (XEP-0166 section 7.3).
    public static func direction(_ senders: JingleSenders, author: JingleCreator) -> MediaDirection {
        MediaDirection(sends: senders.includes(author), receives: senders.includes(author.other))
    }

    /// The Jingle `senders` value of an SDP direction written by `author`.
    public static func senders(_ direction: MediaDirection, author: JingleCreator) -> JingleSenders {
        author == .initiator
            ? JingleSenders(initiatorSends: direction.sends, responderSends: direction.receives)
            : JingleSenders(initiatorSends: direction.receives, responderSends: direction.sends)
    }

    /// An XEP-0176 candidate as an `a=candidate` value (RFC 8839 section 5.1), field by field. The
    /// Jingle `id` has no SDP counterpart and is dropped.
    public static func sdpCandidate(_ candidate: JingleICECandidate) throws(JingleError) -> ICECandidate {
        for (name, value) in [
            ("foundation", candidate.foundation), ("ip", candidate.ip), ("protocol", candidate.protocol),
        ] {
            try requireField(value, element: "candidate", attribute: name)
        }
        var extensions: [ICECandidate.Extension] = []
        if let tcpType = candidate.tcpType {
            try requireField(tcpType, element: "candidate", attribute: "tcptype")
            extensions.append(.init("tcptype", tcpType))
        }
        if let generation = candidate.generation { extensions.append(.init("generation", String(generation))) }
        if let network = candidate.network { extensions.append(.init("network-id", String(network))) }
        if let relAddr = candidate.relAddr { try requireField(relAddr, element: "candidate", attribute: "rel-addr") }
        return ICECandidate(
            foundation: candidate.foundation, component: UInt16(candidate.component), transport: candidate.protocol,
            priority: candidate.priority, address: candidate.ip, port: candidate.port,
            type: ICECandidate.CandidateType(rawValue: candidate.type.rawValue), relatedAddress: candidate.relAddr,
            relatedPort: candidate.relPort, extensions: extensions)
    }

    // MARK: - SDP -> Jingle

    /// The Jingle contents and groups equivalent to an SDP written by `author`.
    public static func contents(
        _ sdp: SessionDescription, author: JingleCreator, creator: JingleCreator = .initiator
    ) throws(JingleError) -> Contents {
        var result = Contents(contents: [], groups: [], skipped: [])
        var usedNames = Set<String>()
        for (index, media) in sdp.media.enumerated() {
            var name = media.mid ?? media.type.rawValue
            if media.mid == nil, usedNames.contains(name) { name += "-\(index)" }
            guard media.proto.isRTP, media.port != 0 || media.hasAttribute("bundle-only") else {
                result.skipped.append(name)
                continue
            }
            guard usedNames.insert(name).inserted else {
                throw JingleError(
                    .untranslatable, element: "content", attribute: "name",
                    "two media sections share a=mid:\(name.jinglePrefix(64)); Jingle content names are unique (XEP-0166 section 7.3)"
                )
            }
            result.contents.append(try content(media, at: index, of: sdp, name: name, author: author, creator: creator))
        }
        for group in sdp.groups {
            result.groups.append(JingleGroup(semantics: group.semantics, contents: group.mids))
        }
        return result
    }

    /// A session-initiate (SDP offer, `author` initiator) or session-accept (SDP answer, `author`
    /// responder) payload for this SDP.
    public static func payload(
        _ sdp: SessionDescription, action: JingleAction, sid: String, initiator: String? = nil,
        responder: String? = nil
    ) throws(JingleError) -> JinglePayload {
        let author: JingleCreator
        switch action {
        case .sessionInitiate: author = .initiator
        case .sessionAccept: author = .responder
        default:
            throw JingleError(
                .untranslatable, element: "jingle", attribute: "action",
                "a whole SDP translates to session-initiate or session-accept, not \(action.rawValue)")
        }
        let translated = try contents(sdp, author: author)
        return JinglePayload(
            action: action, sid: sid, initiator: initiator, responder: responder, contents: translated.contents,
            groups: translated.groups)
    }

    /// An `a=candidate` as an XEP-0176 candidate. `generation` defaults to 0 and `id` must be supplied,
    /// since the XEP-0176 schema requires both and SDP has neither.
    public static func jingleCandidate(_ candidate: ICECandidate, id: String?) throws(JingleError) -> JingleICECandidate
    {
        guard let component = UInt8(exactly: candidate.component), component >= 1 else {
            throw JingleError(
                .untranslatable, element: "candidate", attribute: "component",
                "a=candidate component \(candidate.component) does not fit XEP-0176 (1-255)")
        }
        guard let type = JingleICECandidateType(rawValue: candidate.type.rawValue) else {
            throw JingleError(
                .untranslatable, element: "candidate", attribute: "type",
                "a=candidate type '\(candidate.type.rawValue.jinglePrefix(32))' is not host, srflx, prflx or relay")
        }
        let generation = candidate.extensionValue("generation").flatMap(UInt32.jingleDecimal) ?? 0
        let network = candidate.extensionValue("network-id").flatMap(UInt32.jingleDecimal)
        return JingleICECandidate(
            component: component, foundation: candidate.foundation, generation: generation, id: id,
            ip: candidate.address, network: network, port: candidate.port, priority: candidate.priority,
            protocol: candidate.transport, relAddr: candidate.relatedAddress, relPort: candidate.relatedPort,
            type: type,
            tcpType: candidate.tcpType)
    }

    private static func content(
        _ media: MediaDescription, at index: Int, of sdp: SessionDescription, name: String, author: JingleCreator,
        creator: JingleCreator
    ) throws(JingleError) -> JingleContent {
        var rtp = JingleRTPDescription(media: media.type.rawValue)
        let allFeedback = media.rtcpFeedback
        let ptime = media.ptime.flatMap { UInt32(exactly: $0) }
        let maxptime = media.maxptime.flatMap { UInt32(exactly: $0) }
        for id in media.payloadTypes {
            let codec = media.codec(for: id)
            var payloadType = JinglePayloadType(
                id: id, name: codec?.encodingName, clockrate: codec?.clockRate, channels: codec?.channels,
                ptime: ptime, maxptime: maxptime)
            if id >= 96, payloadType.name == nil {
                throw JingleError(
                    .untranslatable, element: "payload-type", attribute: "name",
                    "dynamic payload type \(id) has no a=rtpmap, so it has no name (XEP-0167 section 4)")
            }
            if let fmtp = media.formatParameters(for: String(id)) {
                payloadType.parameters = fmtp.parameterList.map { item in
                    item.value.map { JingleParameter(item.name, $0) } ?? JingleParameter("", item.name)
                }
            }
            for feedback in allFeedback where feedback.target == .format(String(id)) {
                if feedback.type == "trr-int" {
                    payloadType.feedbackTRRInterval = feedback.subtype.flatMap(UInt32.jingleDecimal)
                } else {
                    payloadType.feedback.append(JingleRTCPFeedback(type: feedback.type, subtype: feedback.subtype))
                }
            }
            rtp.payloadTypes.append(payloadType)
        }
        for feedback in allFeedback where feedback.target == .all {
            if feedback.type == "trr-int" {
                rtp.feedbackTRRInterval = feedback.subtype.flatMap(UInt32.jingleDecimal)
            } else {
                rtp.feedback.append(JingleRTCPFeedback(type: feedback.type, subtype: feedback.subtype))
            }
        }
        for bandwidth in media.bandwidths {
            guard let value = UInt32(exactly: bandwidth.value) else {
                throw JingleError(
                    .untranslatable, element: "bandwidth", "b=\(bandwidth.type):\(bandwidth.value) exceeds 32 bits")
            }
            rtp.bandwidths.append(JingleBandwidth(type: bandwidth.type, value: value))
        }
        rtp.rtcpMux = media.rtcpMux
        for extensionMap in media.extensionMaps {
            rtp.headerExtensions.append(try jingleHeaderExtension(extensionMap, author: author))
        }
        rtp.extmapAllowMixed = media.hasAttribute("extmap-allow-mixed") || sdp.hasAttribute("extmap-allow-mixed")
        var sources: [JingleSource] = []
        for attribute in media.ssrcAttributes {
            let parameter = JingleParameter(attribute.attribute, attribute.value)
            if let index = sources.firstIndex(where: { $0.ssrc == attribute.ssrc }) {
                sources[index].parameters.append(parameter)
            } else {
                sources.append(JingleSource(ssrc: attribute.ssrc, parameters: [parameter]))
            }
        }
        rtp.sources = sources
        rtp.sourceGroups = media.ssrcGroups.map { JingleSourceGroup(semantics: $0.semantics, sources: $0.ssrcs) }
        let crypto = media.cryptos.map(jingleCrypto)
        if !crypto.isEmpty { rtp.encryption = JingleEncryption(crypto: crypto) }

        var transport = JingleICEUDPTransport(ufrag: media.iceUfrag ?? sdp.iceUfrag, pwd: media.icePwd ?? sdp.icePwd)
        for (number, candidate) in media.candidates.enumerated() {
            transport.candidates.append(try jingleCandidate(candidate, id: "\(name)-\(number + 1)"))
        }
        if let remote = media.firstValue(of: "remote-candidates") {
            let fields = remote.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 3, let component = UInt8.jingleDecimal(String(fields[0])),
                let port = UInt16.jingleDecimal(String(fields[2]))
            {
                transport.remoteCandidate = JingleICERemoteCandidate(
                    component: component, ip: String(fields[1]), port: port)
            }
        }
        let fingerprints = media.fingerprints.isEmpty ? sdp.fingerprints : media.fingerprints
        let setup = (media.setup ?? sdp.setup).flatMap { JingleDTLSSetup(rawValue: $0.rawValue) }
        transport.fingerprints = fingerprints.map { fingerprint in
            JingleDTLSFingerprint(hash: fingerprint.hashFunction, setup: setup, value: hex(fingerprint.value))
        }
        let direction = media.direction ?? sdp.direction
        return JingleContent(
            creator: creator, name: name, senders: direction.map { senders($0, author: author) },
            description: .rtp(rtp), transport: .iceUDP(transport))
    }

    // MARK: - Field helpers

    private static func payloadTypeAttributes(_ payloadType: JinglePayloadType) throws(JingleError) -> [Attribute] {
        var attributes: [Attribute] = []
        let clockrate = payloadType.clockrate ?? JinglePayloadType.staticNames[payloadType.id]?.clockrate
        if let name = payloadType.name {
            try requireToken(name, element: "payload-type", attribute: "name")
            guard let clockrate else {
                throw JingleError(
                    .untranslatable, element: "payload-type", attribute: "clockrate",
                    "<payload-type id='\(payloadType.id)'/> has no clockrate, which a=rtpmap needs")
            }
            attributes.append(
                Attribute(
                    RTPMap(
                        payloadType: payloadType.id, encodingName: name, clockRate: clockrate,
                        channels: payloadType.channels)))
        }
        if !payloadType.parameters.isEmpty {
            var items: [String] = []
            for parameter in payloadType.parameters {
                if let value = parameter.value { try requireLine(value, element: "parameter", attribute: "value") }
                try requireLine(parameter.name, element: "parameter", attribute: "name")
                switch (parameter.name, parameter.value) {
                case ("", let value?): items.append(value)
                // RFC 4733 section 2.4.1: the telephone-event fmtp is the bare event list.
                case ("events", let value?) where payloadType.isTelephoneEvent: items.append(value)
                case (let name, let value?): items.append("\(name)=\(value)")
                case (let name, nil): items.append(name)
                }
            }
            attributes.append(
                Attribute(FormatParameters(payloadType: payloadType.id, parameters: items.joined(separator: ";"))))
        }
        for feedback in payloadType.feedback {
            attributes.append(Attribute(try sdpFeedback(feedback, target: .format(String(payloadType.id)))))
        }
        if let interval = payloadType.feedbackTRRInterval {
            attributes.append(
                Attribute(
                    RTCPFeedback(target: .format(String(payloadType.id)), type: "trr-int", subtype: String(interval))))
        }
        return attributes
    }

    private static func sdpFeedback(_ feedback: JingleRTCPFeedback, target: RTCPFeedback.Target) throws(JingleError)
        -> RTCPFeedback
    {
        try requireToken(feedback.type, element: "rtcp-fb", attribute: "type")
        if let subtype = feedback.subtype { try requireToken(subtype, element: "rtcp-fb", attribute: "subtype") }
        return RTCPFeedback(target: target, type: feedback.type, subtype: feedback.subtype)
    }

    private static func sdpExtensionMap(_ extensionMap: JingleHeaderExtension, author: JingleCreator)
        throws(JingleError)
        -> ExtensionMap
    {
        try requireField(extensionMap.uri, element: "rtp-hdrext", attribute: "uri")
        var attributes: [String] = []
        for parameter in extensionMap.parameters {
            try requireField(parameter.name, element: "parameter", attribute: "name")
            if let value = parameter.value {
                try requireField(value, element: "parameter", attribute: "value")
                attributes.append(parameter.name.isEmpty ? value : "\(parameter.name)=\(value)")
            } else {
                attributes.append(parameter.name)
            }
        }
        return ExtensionMap(
            id: extensionMap.id, direction: extensionMap.senders.map { direction($0, author: author) },
            uri: extensionMap.uri, attributes: attributes.isEmpty ? nil : attributes.joined(separator: " "))
    }

    private static func jingleHeaderExtension(_ extensionMap: ExtensionMap, author: JingleCreator) throws(JingleError)
        -> JingleHeaderExtension
    {
        guard (1...256).contains(extensionMap.id) || (4096...4351).contains(extensionMap.id) else {
            throw JingleError(
                .untranslatable, element: "rtp-hdrext", attribute: "id",
                "a=extmap id \(extensionMap.id) is outside XEP-0294's 1-256 and 4096-4351")
        }
        let parameters = (extensionMap.attributes ?? "").split(separator: " ", omittingEmptySubsequences: true).map {
            item in
            if let equals = item.firstIndex(of: "=") {
                return JingleParameter(String(item[..<equals]), String(item[item.index(after: equals)...]))
            }
            return JingleParameter(String(item), nil)
        }
        return JingleHeaderExtension(
            id: extensionMap.id, uri: extensionMap.uri,
            senders: extensionMap.direction.map { senders($0, author: author) }, parameters: parameters)
    }

    private static func sdpCrypto(_ crypto: JingleCrypto) throws(JingleError) -> CryptoAttribute {
        var text = "\(crypto.tag) \(crypto.cryptoSuite) \(crypto.keyParams)"
        if let sessionParams = crypto.sessionParams, !sessionParams.isEmpty { text += " \(sessionParams)" }
        try requireLine(text, element: "crypto", attribute: "key-params")
        do {
            return try CryptoAttribute(attributeValue: text)
        } catch {
            throw JingleError(
                .untranslatable, element: "crypto", attribute: "key-params",
                "<crypto/> does not form a valid RFC 4568 a=crypto: \(error.reason)")
        }
    }

    private static func jingleCrypto(_ crypto: CryptoAttribute) -> JingleCrypto {
        // a=crypto:<tag> <suite> <key-params> [<session-params>...] (RFC 4568 section 9.1).
        let fields = crypto.attributeValue.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            .map(String.init)
        return JingleCrypto(
            cryptoSuite: crypto.suite, keyParams: fields.count > 2 ? fields[2] : "",
            sessionParams: fields.count > 3 ? fields[3] : nil, tag: String(crypto.tag))
    }

    private static func sdpFingerprint(_ fingerprint: JingleDTLSFingerprint) throws(JingleError) -> Fingerprint {
        try requireToken(fingerprint.hash, element: "fingerprint", attribute: "hash")
        var bytes: [UInt8] = []
        for pair in fingerprint.value.split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, let byte = UInt8(pair, radix: 16) else {
                throw JingleError(
                    .untranslatable, element: "fingerprint",
                    "<fingerprint/> '\(fingerprint.value.jinglePrefix(48))' is not colon-separated hex bytes (RFC 8122 section 5)"
                )
            }
            bytes.append(byte)
        }
        return Fingerprint(hashFunction: fingerprint.hash, value: bytes)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]]) }.joined(separator: ":")
    }

    /// RFC 8445 section 5.1.1.1 / RFC 8839 section 4.2.1.2: the default candidate is the one most
    /// likely to work: relayed, then server-reflexive, then host; UDP before TCP; then priority.
    private static func defaultCandidate(_ candidates: [JingleICECandidate], component: UInt8) -> JingleICECandidate? {
        func rank(_ candidate: JingleICECandidate) -> (Int, Int, UInt32) {
            let type: Int
            switch candidate.type {
            case .relay: type = 3
            case .srflx: type = 2
            case .prflx: type = 1
            case .host: type = 0
            }
            return (candidate.protocol.lowercased() == "udp" ? 1 : 0, type, candidate.priority)
        }
        return candidates.filter { $0.component == component }.max { rank($0) < rank($1) }
    }

    private static func connection(for address: String) -> ConnectionData {
        address.contains(":") ? .ip6(address) : .ip4(address)
    }

    /// RFC 8866 token characters (RFC 5888 identification-tag, encoding names, bwtype...).
    private static func requireToken(_ value: String, element: String, attribute: String) throws(JingleError) {
        let allowed = Set("!#$%&'*+-.^_`{|}~".utf8)
        guard !value.isEmpty,
            value.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || allowed.contains($0)
            })
        else {
            throw JingleError(
                .untranslatable, element: element, attribute: attribute,
                "<\(element)/> attribute '\(attribute)' is '\(value.jinglePrefix(64))', not an SDP token (RFC 8866 section 9)"
            )
        }
    }

    /// A space-separated SDP field: no white space, no control character.
    private static func requireField(_ value: String, element: String, attribute: String) throws(JingleError) {
        guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw JingleError(
                .untranslatable, element: element, attribute: attribute,
                "<\(element)/> attribute '\(attribute)' is '\(value.jinglePrefix(64))', which has white space or control characters an SDP field cannot hold"
            )
        }
    }

    /// Text that ends up inside one SDP line: no CR, LF or NUL (RFC 8866 section 5), so nothing a
    /// Jingle peer sends can inject SDP lines.
    private static func requireLine(_ value: String, element: String, attribute: String) throws(JingleError) {
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw JingleError(
                .untranslatable, element: element, attribute: attribute,
                "<\(element)/> attribute '\(attribute)' holds a line break, which an SDP line cannot")
        }
    }
}
