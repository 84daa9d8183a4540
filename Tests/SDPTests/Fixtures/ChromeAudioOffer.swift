// Provenance: written for this project in the shape of a Chrome (libwebrtc) Unified Plan audio
// offer as JSEP (RFC 8829 section 5.2.1) and RFC 8843 (BUNDLE) describe it: session-level
// a=group:BUNDLE and a=msid-semantic (Chrome writes it with a space after the colon), a media
// section on port 9 with c=IN IP4 0.0.0.0 and a=rtcp:9 placeholders, ICE (RFC 8839) with
// candidates carrying generation/network-id/network-cost extensions, DTLS (RFC 8122, RFC 8842),
// rtcp-fb (RFC 4585), extmap (RFC 8285), RED, telephone-event at 48 and 8 kHz, and ssrc (RFC 5576).
extension Fixtures {
    static let chromeAudioOffer = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS 6e7f3a2c-5b1d-4c8e-9f0a-1b2c3d4e5f60
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:1467250027 1 udp 2122260223 192.0.2.10 54400 typ host generation 0 network-id 1 network-cost 10
        a=candidate:435653019 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0 network-id 1 network-cost 10
        a=candidate:842163049 1 udp 1686052607 203.0.113.7 54400 typ srflx raddr 192.0.2.10 rport 54400 generation 0 network-id 1 network-cost 10
        a=ice-ufrag:CnD8
        a=ice-pwd:zRA9a9SkpXz9w3QlY7Zkuvqd
        a=ice-options:trickle
        a=fingerprint:sha-256 A5:4D:CA:18:25:30:BB:1D:6D:13:2C:DE:D6:23:7B:2E:D9:1E:3F:72:1F:CB:19:71:17:44:94:D6:49:3C:9D:5C
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmberg-mmusic-sdp-bundle-negotiation-00
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:6e7f3a2c-5b1d-4c8e-9f0a-1b2c3d4e5f60 0d4c1a8b-2e3f-4a5b-8c6d-7e8f9a0b1c2d
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:3570614608 cname:4TOk42mSjXCkVIa6
        a=ssrc:3570614608 msid:6e7f3a2c-5b1d-4c8e-9f0a-1b2c3d4e5f60 0d4c1a8b-2e3f-4a5b-8c6d-7e8f9a0b1c2d

        """
}
