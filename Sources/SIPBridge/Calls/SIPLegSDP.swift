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

    /// What the peer's description says about the audio stream.
    struct Remote: Equatable {
        var rtp: TransportAddress
        var rtcp: TransportAddress?
        var rtcpMux: Bool
        /// The codecs the peer listed, in its order; the first audio one is what it will send.
        var codecs: [Codec]
        var direction: MediaDirection
        var ptime: Int?

        var audioCodec: Codec? { codecs.first { !$0.isTelephoneEvent } }
        var telephoneEvent: Codec? { codecs.first(where: \.isTelephoneEvent) }
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case unparsable(String)
        case noAudio
        case rejected
        case noAddress
        case noCommonCodec

        var description: String {
            switch self {
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
        direction: MediaDirection = .sendrecv, ptime: Int = 20
    ) -> String {
        let family = address.ip.isIPv4 ? "IP4" : "IP6"
        var lines = [
            "v=0",
            "o=- \(sessionID) \(version) IN \(family) \(address.ipDescription)",
            "s=jingle-sip-bridge",
            "c=IN \(family) \(address.ipDescription)",
            "t=0 0",
            "m=audio \(address.port) RTP/AVP \(codecs.map { String($0.payloadType) }.joined(separator: " "))",
        ]
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
        return Remote(
            rtp: rtp, rtcp: rtcp, rtcpMux: media.rtcpMux, codecs: codecs,
            direction: description.effectiveDirection(ofMediaAt: index), ptime: media.ptime)
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
