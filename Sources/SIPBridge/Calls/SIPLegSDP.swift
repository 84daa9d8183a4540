import Media
import SDP

/// The SDP of the bridge's SIP leg: plain RTP/AVP audio (RFC 3551 profile) offered in the trunk's
/// codecs, and the remote description read back into what the media engine needs.
///
/// The address in `c=` and `o=` is the advertised one (the media `public-address` behind NAT), never a
/// private bind address a carrier could not reach.
enum SIPLegSDP {
    /// One codec on the SIP leg.
    struct Codec: Hashable, Sendable {
        var payloadType: UInt8
        var name: String
        var clockRate: UInt32
        var channels: UInt8?
        var fmtp: String?

        var isTelephoneEvent: Bool { name.lowercased() == "telephone-event" }

        /// Static payload types where RFC 3551 section 6 assigns one; dynamic ones from 96 on.
        static func offered(_ codecs: [TrunkConfiguration.Codec]) -> [Codec] {
            var result: [Codec] = []
            var nextDynamic: UInt8 = 96
            for codec in codecs {
                switch codec {
                case .pcmu: result.append(Codec(payloadType: 0, name: "PCMU", clockRate: 8000))
                case .pcma: result.append(Codec(payloadType: 8, name: "PCMA", clockRate: 8000))
                // RFC 3551 section 4.5.2: G.722's RTP clock is 8000 although it samples at 16 kHz.
                case .g722: result.append(Codec(payloadType: 9, name: "G722", clockRate: 8000))
                case .opus:
                    result.append(
                        Codec(payloadType: nextDynamic, name: "opus", clockRate: 48000, channels: 2,
                              fmtp: "useinbandfec=1"))
                    nextDynamic += 1
                case .telephoneEvent:
                    result.append(
                        Codec(payloadType: 101, name: "telephone-event", clockRate: 8000, fmtp: "0-16"))
                }
            }
            return result
        }
    }

    /// Our SDES-SRTP crypto line (RFC 4568): its tag, suite and our key for what we send.
    struct SDES: Equatable, Sendable {
        var tag: UInt32
        var profile: SRTPProfile
        var key: SDESKeyParams

        /// A fresh key (RFC 4568 section 6.1: new per session and direction) for `profile`.
        static func random(tag: UInt32 = 1, profile: SRTPProfile = .aes128CMHMACSHA1_80) throws(MediaError) -> SDES {
            SDES(tag: tag, profile: profile, key: try SDESKeyParams.random(for: profile))
        }

        var attribute: String { "\(tag) \(profile.sdesName) \(key.encoded)" }
    }

    /// The keys of an SDES-SRTP SIP leg: ours for sending, the peer's for receiving.
    struct SRTPKeys: Equatable, Sendable {
        var outbound: SRTPMasterKey
        var inbound: SRTPMasterKey
    }

    /// What the peer's description says about the audio stream.
    struct Remote: Equatable {
        var rtp: TransportAddress
        var rtcp: TransportAddress?
        var rtcpMux: Bool
        /// The codecs the peer listed, in its order; the first audio one is what it will send.
        var codecs: [Codec]
        var direction: MediaDirection
        var ptime: Int?
        /// RTP/SAVP (SRTP) rather than RTP/AVP.
        var secure = false
        /// Its `a=crypto` lines we could use (inline keys, suites we support, no MKI), in its order.
        var cryptos: [(tag: UInt32, profile: SRTPProfile, key: SRTPMasterKey)] = []

        static func == (a: Remote, b: Remote) -> Bool {
            a.rtp == b.rtp && a.rtcp == b.rtcp && a.rtcpMux == b.rtcpMux && a.codecs == b.codecs
                && a.direction == b.direction && a.ptime == b.ptime && a.secure == b.secure
                && a.cryptos.elementsEqual(b.cryptos) { $0.tag == $1.tag && $0.profile == $1.profile && $0.key == $1.key }
        }

        /// The answerer's choice (RFC 4568 section 7.1.1): the first offered line we support, answered with
        /// the same tag and suite and a key of ours.
        func answerSDES() throws(Problem) -> (ours: SDES, keys: SRTPKeys) {
            guard let chosen = cryptos.first else { throw .noCrypto }
            do {
                let ours = try SDES.random(tag: chosen.tag, profile: chosen.profile)
                return (ours, SRTPKeys(outbound: ours.key.masterKey, inbound: chosen.key))
            } catch {
                throw .noCrypto
            }
        }

        /// The peer's key in its answer to our offered line (same tag and suite, section 7.1.1).
        func acceptedSDES(_ ours: SDES) throws(Problem) -> SRTPKeys {
            guard let theirs = cryptos.first(where: { $0.tag == ours.tag && $0.profile == ours.profile }) else {
                throw .noCrypto
            }
            return SRTPKeys(outbound: ours.key.masterKey, inbound: theirs.key)
        }

        var audioCodec: Codec? { codecs.first { !$0.isTelephoneEvent } }
        var telephoneEvent: Codec? { codecs.first(where: \.isTelephoneEvent) }
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case unparsable(String)
        case noAudio
        case rejected
        case noAddress
        case noCommonCodec
        case noCrypto

        var description: String {
            switch self {
            case .noCrypto: "no a=crypto line with an inline key for a suite the bridge supports (SDES-SRTP, RFC 4568)"
            case .unparsable(let reason): "unparsable SDP: \(reason)"
            case .noAudio: "the SDP has no audio stream"
            case .rejected: "the audio stream was rejected (port 0)"
            case .noAddress: "the audio stream has no usable IPv4/IPv6 connection address"
            case .noCommonCodec: "no audio codec in common with the bridge"
            }
        }
    }

    /// An offer (or answer, with `codecs` narrowed to the chosen one) for the SIP leg.
    static func make(
        address: TransportAddress, codecs: [Codec], sessionID: UInt64, version: UInt64,
        direction: MediaDirection = .sendrecv, ptime: Int = 20, sdes: SDES? = nil
    ) -> String {
        let family = address.ip.isIPv4 ? "IP4" : "IP6"
        var lines = [
            "v=0",
            "o=- \(sessionID) \(version) IN \(family) \(address.ipDescription)",
            "s=jingle-sip-bridge",
            "c=IN \(family) \(address.ipDescription)",
            "t=0 0",
            "m=audio \(address.port) \(sdes == nil ? "RTP/AVP" : "RTP/SAVP") "
                + codecs.map { String($0.payloadType) }.joined(separator: " "),
        ]
        if let sdes { lines.append("a=crypto:\(sdes.attribute)") }
        for codec in codecs {
            let channels = codec.channels.map { "/\($0)" } ?? ""
            lines.append("a=rtpmap:\(codec.payloadType) \(codec.name)/\(codec.clockRate)\(channels)")
            if let fmtp = codec.fmtp { lines.append("a=fmtp:\(codec.payloadType) \(fmtp)") }
        }
        lines.append("a=ptime:\(ptime)")
        lines.append("a=\(direction.rawValue)")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Reads the first audio stream of a peer's offer or answer.
    static func remote(_ text: String) throws(Problem) -> Remote {
        let description: SessionDescription
        do {
            description = try SessionDescription(parsing: text)
        } catch {
            throw .unparsable("\(error)")
        }
        guard let index = description.media.firstIndex(where: { $0.type == .audio }) else { throw .noAudio }
        let media = description.media[index]
        guard !media.isRejected else { throw .rejected }
        guard let connection = description.effectiveConnection(ofMediaAt: index),
            let rtp = TransportAddress(connection.address, port: media.port)
        else { throw .noAddress }
        var codecs: [Codec] = []
        for payloadType in media.payloadTypes {
            let fmtp = media.formatParameters(for: String(payloadType))?.parameters
            if let map = media.rtpMap(for: payloadType) {
                codecs.append(
                    Codec(payloadType: payloadType, name: map.encodingName, clockRate: map.clockRate,
                          channels: map.channels, fmtp: fmtp))
            } else if let known = staticCodec(payloadType) {
                codecs.append(known)
            }
        }
        var rtcp: TransportAddress?
        if let attribute = media.rtcp {
            rtcp = TransportAddress(attribute.address?.address ?? connection.address, port: attribute.port)
        }
        var cryptos: [(tag: UInt32, profile: SRTPProfile, key: SRTPMasterKey)] = []
        for crypto in media.values(CryptoAttribute.self) {
            // Session parameters (UNENCRYPTED_SRTP, KDR...) change the transform: lines with any are skipped.
            guard let profile = SRTPProfile(sdesName: crypto.suite), crypto.keyParameters.count == 1,
                crypto.sessionParameters.isEmpty,
                let inline = crypto.inlineKey, inline.mki == nil,
                let key = try? SRTPMasterKey(profile: profile, concatenated: inline.keySalt)
            else { continue }  // MKI, several keys or other suites: EVPSRTPContext takes none of them
            cryptos.append((crypto.tag, profile, key))
        }
        return Remote(
            rtp: rtp, rtcp: rtcp, rtcpMux: media.rtcpMux, codecs: codecs,
            direction: description.effectiveDirection(ofMediaAt: index), ptime: media.ptime,
            secure: media.proto.description.contains("SAVP"), cryptos: cryptos)
    }

    static func staticCodec(_ payloadType: UInt8) -> Codec? {
        switch payloadType {
        case 0: Codec(payloadType: 0, name: "PCMU", clockRate: 8000)
        case 8: Codec(payloadType: 8, name: "PCMA", clockRate: 8000)
        case 9: Codec(payloadType: 9, name: "G722", clockRate: 8000)
        default: nil
        }
    }
}
