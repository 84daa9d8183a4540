// Provenance: written for this project in the shape of the answer a Kamailio proxy with
// rtpengine returns towards a WebRTC caller: rtpengine is an ICE-lite media relay (a=ice-lite at
// session level, RFC 8839 section 5.3), so the answer carries host candidates for RTP and RTCP
// (component 2), a=end-of-candidates (RFC 8840), a=setup:passive and a fingerprint (RFC 8842,
// RFC 8122), a=rtcp-mux with a=rtcp on the same port (RFC 5761), PCMA with telephone-event
// chosen from the offer with the offer's payload types (RFC 3264 section 6.1), and a=ptime.
extension Fixtures {
    static let kamailioRTPEngineAnswer = """
        v=0
        o=- 3912345678 3912345679 IN IP4 192.0.2.50
        s=-
        c=IN IP4 192.0.2.50
        t=0 0
        a=ice-lite
        m=audio 30000 UDP/TLS/RTP/SAVPF 8 126
        a=mid:0
        a=rtpmap:8 PCMA/8000
        a=rtpmap:126 telephone-event/8000
        a=fmtp:126 0-15
        a=sendrecv
        a=rtcp:30000
        a=rtcp-mux
        a=setup:passive
        a=fingerprint:sha-256 27:A0:AE:B3:FE:E9:23:2F:8A:F2:21:1F:9E:E4:91:C5:B1:0B:EC:B5:56:3B:FC:1E:6F:93:42:7E:CB:C8:FE:29
        a=ice-ufrag:m5di4PzJ
        a=ice-pwd:59FHz5r1pY4OjE2jBMptUsGr7C
        a=ice-options:trickle
        a=candidate:RHHJEYXg4JdpmrcX 1 UDP 2130706431 192.0.2.50 30000 typ host
        a=candidate:RHHJEYXg4JdpmrcX 2 UDP 2130706430 192.0.2.50 30001 typ host
        a=end-of-candidates
        a=ptime:20

        """
}
