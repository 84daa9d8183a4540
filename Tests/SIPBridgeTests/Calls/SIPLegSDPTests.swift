import Media
import Testing

@testable import SIPBridge

@Suite("SIP leg SDP")
struct SIPLegSDPTests {
    @Test("an offer in the trunk's codecs reads back with static and dynamic payload types")
    func offerRoundTrip() throws {
        let codecs = SIPLegSDP.Codec.offered([.opus, .pcmu, .g722, .telephoneEvent])
        #expect(codecs.map(\.payloadType) == [96, 0, 9, 101])
        let text = SIPLegSDP.make(
            address: TransportAddress("203.0.113.7", port: 20002)!, codecs: codecs, sessionID: 42, version: 1)
        #expect(text.contains("c=IN IP4 203.0.113.7\r\n"))
        #expect(text.contains("m=audio 20002 RTP/AVP 96 0 9 101\r\n"))
        #expect(text.contains("a=rtpmap:9 G722/8000\r\n"))
        let remote = try SIPLegSDP.remote(text)
        #expect(remote.rtp == TransportAddress("203.0.113.7", port: 20002))
        #expect(remote.codecs == codecs)
        #expect(remote.audioCodec?.name == "opus")
        #expect(remote.telephoneEvent?.payloadType == 101)
        #expect(remote.rtcpMux == false)
        #expect(remote.ptime == 20)
        #expect(remote.direction == .sendrecv)
    }

    @Test("a PBX answer without rtpmap for static types, with a=rtcp and sendonly (hold)")
    func pbxAnswer() throws {
        let text = """
            v=0\r
            o=root 1 2 IN IP4 198.51.100.4\r
            s=Asterisk\r
            c=IN IP4 198.51.100.4\r
            t=0 0\r
            m=audio 10000 RTP/AVP 8 101\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-16\r
            a=rtcp:10005\r
            a=sendonly\r

            """
        let remote = try SIPLegSDP.remote(text)
        #expect(remote.audioCodec == SIPLegSDP.Codec(payloadType: 8, name: "PCMA", clockRate: 8000))
        #expect(remote.telephoneEvent?.fmtp == "0-16")
        #expect(remote.rtcp == TransportAddress("198.51.100.4", port: 10005))
        #expect(remote.direction == .sendonly)
    }

    @Test("rejected, address-less and garbage descriptions are named problems")
    func problems() {
        let base = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
        #expect(throws: SIPLegSDP.Problem.rejected) {
            try SIPLegSDP.remote(base + "c=IN IP4 192.0.2.1\r\nm=audio 0 RTP/AVP 0\r\n")
        }
        #expect(throws: SIPLegSDP.Problem.noAddress) {
            try SIPLegSDP.remote(base + "c=IN IP4 pbx.example.com\r\nm=audio 4000 RTP/AVP 0\r\n")
        }
        #expect(throws: SIPLegSDP.Problem.noAudio) {
            try SIPLegSDP.remote(base + "c=IN IP4 192.0.2.1\r\nm=video 4000 RTP/AVP 96\r\n")
        }
        #expect(throws: (any Error).self) { try SIPLegSDP.remote("hello") }
    }
}
