/// An audio codec the bridge decodes, encodes and transcodes: what SDP and RTP need to know about it, and the
/// rate its PCM is processed at.
///
/// G.711 and G.722 are narrowband and wideband telephone codecs with fixed payload sizes; Opus is what XMPP
/// clients send. Everything here follows RFC 3551 (static payload types, clock rates, sizes) and RFC 7587
/// (Opus over RTP).
public enum AudioCodec: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// G.711 μ-law, 64 kbit/s at 8 kHz (RFC 3551 section 4.5.14).
    case pcmu = "PCMU"
    /// G.711 A-law, 64 kbit/s at 8 kHz (RFC 3551 section 4.5.14).
    case pcma = "PCMA"
    /// G.722 sub-band ADPCM, 64 kbit/s at 16 kHz (RFC 3551 section 4.5.2).
    case g722 = "G722"
    /// Opus (RFC 6716, RFC 7587), processed mono.
    case opus = "opus"

    /// The encoding name of `a=rtpmap`.
    public var encodingName: String { rawValue }

    public var description: String { rawValue }

    /// The static payload type of RFC 3551 table 4; nil for Opus, which is always dynamic.
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .g722: 9
        case .opus: nil
        }
    }

    /// Ticks per second of the RTP timestamp. G.722 samples at 16 kHz but uses 8000, an error of RFC 1890
    /// kept for compatibility (RFC 3551 section 4.5.2); Opus always uses 48000, whatever its audio bandwidth
    /// (RFC 7587 section 4.1).
    public var rtpClockRate: Int {
        switch self {
        case .pcmu, .pcma, .g722: 8000
        case .opus: 48000
        }
    }

    /// The channel count of `a=rtpmap`: RFC 7587 section 7 requires `opus/48000/2` even for mono streams.
    public var sdpChannels: Int { self == .opus ? 2 : 1 }

    /// The sample rate of the codec's own audio: 8 kHz for G.711, 16 kHz for G.722, 48 kHz for Opus (which
    /// can also be encoded from and decoded to 8, 12, 16 or 24 kHz; see `processingSampleRate(pairedWith:)`).
    public var nativeSampleRate: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .g722: 16000
        case .opus: 48000
        }
    }

    /// The rate of the PCM exchanged with this codec when the other leg uses `other`.
    ///
    /// G.711 and G.722 have one rate. Opus is fed and decoded at the narrowest rate the other leg can carry:
    /// 8 kHz toward G.711, 16 kHz toward G.722, 48 kHz only toward Opus. Audio above the other leg's band
    /// would be thrown away anyway, and libopus works much less at 8 kHz, with no resampler in between.
    public func processingSampleRate(pairedWith other: AudioCodec) -> Int {
        self == .opus ? other.nativeSampleRate : nativeSampleRate
    }

    /// Whether packets of `milliseconds` can be produced: G.711 and G.722 in steps of 10 ms up to 60 ms;
    /// Opus 10, 20, 40 or 60 ms (RFC 6716 section 2.1.4 frame sizes; 30 ms needs two frames per packet).
    public func canProduce(ptime milliseconds: Int) -> Bool {
        switch self {
        case .pcmu, .pcma, .g722: milliseconds >= 10 && milliseconds <= 60 && milliseconds % 10 == 0
        case .opus: [10, 20, 40, 60].contains(milliseconds)
        }
    }

    /// The payload size of a packet of `milliseconds`: 8 octets per millisecond for G.711 (8 bits at 8 kHz)
    /// and G.722 (64 kbit/s); nil for Opus, whose size varies from packet to packet.
    public func payloadSize(ptime milliseconds: Int) -> Int? {
        switch self {
        case .pcmu, .pcma, .g722: 8 * milliseconds
        case .opus: nil
        }
    }

    /// The largest payload our encoder writes for a packet of `milliseconds`: the fixed size, or for Opus
    /// 1275 octets (the largest frame of RFC 6716 section 3.2.1; the encoder lowers the bitrate to fit).
    public func maximumPayloadSize(ptime milliseconds: Int) -> Int {
        payloadSize(ptime: milliseconds) ?? Self.maximumOpusPayloadSize
    }

    /// The cap the Opus encoder is given (RFC 6716 section 3.2.1).
    public static let maximumOpusPayloadSize = 1275

    /// RTP timestamp ticks in `milliseconds` (RFC 3551 section 4.5.2 for G.722: 8 per millisecond).
    public func timestampIncrement(ptime milliseconds: Int) -> UInt32 {
        UInt32(rtpClockRate / 1000 * milliseconds)
    }

    /// PCM samples in `milliseconds` at `sampleRate`.
    public static func samples(milliseconds: Int, sampleRate: Int) -> Int { sampleRate / 1000 * milliseconds }

    /// The codec of an `a=rtpmap` entry; encoding names compare case-insensitively (RFC 4855 section 3). A
    /// channel count, when given, must match (`opus/48000/2`; 1 for the others).
    public init?(encodingName: String, clockRate: Int, channels: Int? = nil) {
        guard
            let codec = Self.allCases.first(where: {
                $0.rawValue.lowercased() == encodingName.lowercased() && $0.rtpClockRate == clockRate
            })
        else { return nil }
        if let channels, channels != codec.sdpChannels { return nil }
        self = codec
    }
}
