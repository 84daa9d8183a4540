/// The static RTP payload types of RFC 3551 section 6 (tables 4 and 5), which need no `a=rtpmap`.
public enum StaticPayloadTypes {
    /// What a static payload type means, or `nil` for a dynamic, reserved or unassigned one.
    public static func rtpMap(for payloadType: UInt8) -> RTPMap? {
        func entry(_ name: String, _ rate: UInt32, _ channels: UInt8? = nil) -> RTPMap {
            RTPMap(payloadType: payloadType, encodingName: name, clockRate: rate, channels: channels)
        }
        switch payloadType {
        case 0: return entry("PCMU", 8000)
        case 3: return entry("GSM", 8000)
        case 4: return entry("G723", 8000)
        case 5: return entry("DVI4", 8000)
        case 6: return entry("DVI4", 16000)
        case 7: return entry("LPC", 8000)
        case 8: return entry("PCMA", 8000)
        // G.722's RTP clock rate is 8000 although it samples at 16 kHz (RFC 3551 section 4.5.2).
        case 9: return entry("G722", 8000)
        case 10: return entry("L16", 44100, 2)
        case 11: return entry("L16", 44100)
        case 12: return entry("QCELP", 8000)
        case 13: return entry("CN", 8000)
        case 14: return entry("MPA", 90000)
        case 15: return entry("G728", 8000)
        case 16: return entry("DVI4", 11025)
        case 17: return entry("DVI4", 22050)
        case 18: return entry("G729", 8000)
        case 25: return entry("CelB", 90000)
        case 26: return entry("JPEG", 90000)
        case 28: return entry("nv", 90000)
        case 31: return entry("H261", 90000)
        case 32: return entry("MPV", 90000)
        case 33: return entry("MP2T", 90000)
        case 34: return entry("H263", 90000)
        default: return nil
        }
    }

    /// The static payload type for an encoding, matched by name (case-insensitively), clock rate
    /// and channel count (absent means one), or `nil` when the encoding has none.
    public static func payloadType(encodingName: String, clockRate: UInt32, channels: UInt8? = nil) -> UInt8? {
        for payloadType in UInt8(0)...34 {
            guard let map = rtpMap(for: payloadType) else { continue }
            if SDPGrammar.equalsIgnoringCase(map.encodingName, encodingName), map.clockRate == clockRate,
                (map.channels ?? 1) == (channels ?? 1)
            {
                return payloadType
            }
        }
        return nil
    }
}
