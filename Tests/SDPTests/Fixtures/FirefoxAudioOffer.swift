// Provenance: written for this project in the shape of a Firefox audio offer as JSEP
// (RFC 8829 section 5.2.1) describes it: the "mozilla...THIS_IS_SDPARTA" origin user name,
// session-level fingerprint, BUNDLE group, ice-options and msid-semantic, attributes sorted by
// name within the media section, extmap with a direction (RFC 8285 section 8), braces around
// msid identifiers (RFC 8830), hex ICE credentials and a=end-of-candidates (RFC 8840).
extension Fixtures {
    static let firefoxAudioOffer = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-115.0 7052848360639826063 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 34:60:BE:31:20:1E:69:FE:DA:A0:EE:E8:B9:99:7F:5C:7C:29:99:FD:AF:E5:93:25:3C:D6:54:AF:4D:FA:D7:14
        a=group:BUNDLE 0
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
        c=IN IP4 0.0.0.0
        a=candidate:0 1 UDP 2122252543 192.0.2.44 61012 typ host
        a=candidate:1 1 TCP 2105524479 192.0.2.44 9 typ host tcptype active
        a=candidate:2 1 UDP 1686052863 198.51.100.9 61012 typ srflx raddr 192.0.2.44 rport 61012
        a=sendrecv
        a=end-of-candidates
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
        a=fmtp:101 0-15
        a=ice-pwd:034d6608697a8d41bed440e50454f31a
        a=ice-ufrag:4e4fb440
        a=mid:0
        a=msid:{5a2e9d41-7c3b-4f6e-8a1d-2b3c4d5e6f70} {9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d}
        a=rtcp-mux
        a=rtpmap:109 opus/48000/2
        a=rtpmap:9 G722/8000/1
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=setup:actpass
        a=ssrc:2655508255 cname:{7d6c5b4a-3e2f-4d1c-8b0a-9f8e7d6c5b4a}

        """
}
