import Testing

@testable import Media

/// RFC 7983 section 7 first-byte ranges and RFC 5761 section 4 RTP/RTCP separation.
@Suite struct MediaPacketKindTests {
    @Test func classifiesEveryFirstByte() {
        for first in 0...255 {
            let kind = MediaPacketKind.classify(first: UInt8(first), second: 0)
            switch first {
            case 0...3: #expect(kind == .stun)
            case 16...19: #expect(kind == .zrtp)
            case 20...63: #expect(kind == .dtls)
            case 64...79: #expect(kind == .turnChannel)
            case 128...191: #expect(kind == .rtp)
            default: #expect(kind == .unknown, "first byte \(first)")
            }
        }
    }

    @Test func separatesRTCPFromRTP() {
        for second in 0...255 {
            let kind = MediaPacketKind.classify(first: 0x80, second: UInt8(second))
            // RTCP packet types 192-223; for RTP that is payload type 64-95 with the marker set.
            #expect(kind == ((192...223).contains(second) ? .rtcp : .rtp), "second byte \(second)")
        }
        // SR (200), RR (201), RTPFB (205), PSFB (206) are RTCP; PCMU with marker (0x80) and Opus (111) are RTP.
        #expect(MediaPacketKind.classify([0x80, 200, 0, 6]) == .rtcp)
        #expect(MediaPacketKind.classify([0x81, 205, 0, 2]) == .rtcp)
        #expect(MediaPacketKind.classify([0x80, 0x80]) == .rtp)
        #expect(MediaPacketKind.classify([0x80, 111]) == .rtp)
        #expect(MediaPacketKind.classify([0x80]) == .unknown)
        #expect(MediaPacketKind.classify([]) == .unknown)
        #expect(MediaPacketKind.classify(STUNMessageTests.sampleRequest) == .stun)
        #expect(MediaPacketKind.classify([22, 0xFE, 0xFD]) == .dtls)
    }
}
