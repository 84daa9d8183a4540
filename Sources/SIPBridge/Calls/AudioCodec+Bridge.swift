import Jingle
import Media

extension AudioCodec {
    /// The codec of an SDP payload type on the SIP leg, if the media engine can transcode it.
    init?(_ codec: SIPLegSDP.Codec) {
        self.init(encodingName: codec.name, clockRate: Int(codec.clockRate), channels: codec.channels.map(Int.init))
    }

    /// The codec of a Jingle payload type (XEP-0167), if the media engine can transcode it. Static payload
    /// types may come without a name.
    init?(_ payloadType: JinglePayloadType) {
        guard let name = payloadType.name else {
            guard let codec = AudioCodec.allCases.first(where: { $0.staticPayloadType == payloadType.id }) else {
                return nil
            }
            self = codec
            return
        }
        self.init(
            encodingName: name, clockRate: Int(payloadType.clockrate ?? 8000),
            channels: payloadType.channels.map(Int.init))
    }
}
