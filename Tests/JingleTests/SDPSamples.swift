/// SDP inputs for the translation tests, hand-written for this project. Each names the public shape it
/// follows; addresses are RFC 5737/3849 documentation ranges and keys are made up.
enum SDPSample {
    /// Chrome 12x offer for audio+video (JSEP, RFC 8829 section 5.2 with RFC 8843 BUNDLE and RFC 8840
    /// trickle): session-level BUNDLE group, extmap-allow-mixed and msid-semantic; per media ICE
    /// credentials, fingerprint, setup actpass, mid, extmaps, msid, rtcp-mux, rtcp-rsize, rtpmap/fmtp/
    /// rtcp-fb, ssrc-group FID with cname/msid; one host and one srflx candidate with Chrome's
    /// generation/network-id/network-cost extensions.
    static let chromeOffer = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS stream0
        m=audio 54400 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 198.51.100.23
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:1467250027 1 udp 2122260223 192.0.2.10 54400 typ host generation 0 network-id 1 network-cost 10
        a=candidate:842163049 1 udp 1686052607 198.51.100.23 54400 typ srflx raddr 192.0.2.10 rport 54400 generation 0 network-id 1 network-cost 10
        a=ice-ufrag:EsAw
        a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
        a=ice-options:trickle
        a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:stream0 audio0
        a=rtcp-mux
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
        a=ssrc:3388392520 cname:Ey2oY7Xh2tGkYm5W
        a=ssrc:3388392520 msid:stream0 audio0
        m=video 54400 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 198.51.100.23
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:1467250027 1 udp 2122260223 192.0.2.10 54400 typ host generation 0 network-id 1 network-cost 10
        a=ice-ufrag:EsAw
        a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
        a=ice-options:trickle
        a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:stream0 video0
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=ssrc-group:FID 2231627014 632943048
        a=ssrc:2231627014 cname:Ey2oY7Xh2tGkYm5W
        a=ssrc:2231627014 msid:stream0 video0
        a=ssrc:632943048 cname:Ey2oY7Xh2tGkYm5W
        a=ssrc:632943048 msid:stream0 video0

        """

    /// Firefox 12x answer to an audio offer (JSEP answerer): setup active (RFC 5763 section 5), explicit
    /// "/1" channel counts, an extmap with "/recvonly", the relay candidate first, a TCP active candidate,
    /// end-of-candidates.
    static let firefoxAnswer = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-99.0 7153891347428426380 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 40:96:1B:77:9A:6E:E1:3C:51:10:72:3B:97:E7:84:7A:0E:92:A8:30:62:08:EB:94:09:53:6B:2F:A9:2A:8D:A8
        a=group:BUNDLE 0
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=audio 61405 UDP/TLS/RTP/SAVPF 109 9 101
        c=IN IP4 203.0.113.50
        a=candidate:0 1 UDP 2122252543 192.0.2.77 52110 typ host
        a=candidate:1 1 TCP 2105524479 192.0.2.77 9 typ host tcptype active
        a=candidate:2 1 UDP 8265727 203.0.113.50 61405 typ relay raddr 198.51.100.4 rport 52110
        a=sendrecv
        a=end-of-candidates
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
        a=fmtp:101 0-15
        a=ice-pwd:1bb9dcbe2ef8b3c9f1d2b06a8e0a2a1c
        a=ice-ufrag:5a2b1c0d
        a=mid:0
        a=msid:{9a0c5d1b-8f2e-4b7a-a1d3-6c5e4f3b2a19} {c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f}
        a=rtcp-mux
        a=rtpmap:109 opus/48000/2
        a=rtpmap:9 G722/8000/1
        a=rtpmap:101 telephone-event/8000/1
        a=setup:active
        a=ssrc:1839402957 cname:{5c7e9a1b-3d2f-4e6a-8b0c-1f2e3d4c5b6a}

        """

    /// Asterisk 20 (chan_pjsip) offer to a trunk: plain RTP/AVP without ICE or DTLS, static payload
    /// types with rtpmap, telephone-event 0-16, ptime/maxptime, sendrecv.
    static let asteriskOffer = """
        v=0
        o=- 1693911540 1693911540 IN IP4 203.0.113.5
        s=Asterisk
        c=IN IP4 203.0.113.5
        t=0 0
        m=audio 14620 RTP/AVP 0 8 9 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv

        """

    /// FreeSWITCH 1.10 offer with SDES-SRTP (RFC 4568): RTP/SAVP, two a=crypto lines, static codecs
    /// without rtpmap for PCMU, telephone-event, rtcp-mux, session-level direction.
    static let freeswitchSDES = """
        v=0
        o=FreeSWITCH 1693900000 1693900001 IN IP4 198.51.100.80
        s=FreeSWITCH
        c=IN IP4 198.51.100.80
        t=0 0
        a=sendonly
        m=audio 23040 RTP/SAVP 0 101
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:7zQyuqrY4V0FtZ6ZzC6vi1EjmEh2RbM1Tc4HBpHw
        a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:SkR/cRxfmPYqOgOeW2OVW5GiXs3ClJjHqk1YXyHm|2^31
        a=rtcp-mux
        a=ptime:20

        """

    /// Kamailio + rtpengine answer towards a WebRTC client: ICE-lite (session level), session-level
    /// fingerprint, setup passive, candidates with only standard fields, rtcp-mux, telephone-event.
    static let rtpengineAnswer = """
        v=0
        o=- 1545997027 3 IN IP4 203.0.113.200
        s=tester
        t=0 0
        a=ice-lite
        a=fingerprint:sha-256 7E:41:31:3D:CD:55:0E:2F:9C:87:4A:BE:D6:55:22:09:F4:D8:53:94:F4:A1:5C:83:F5:E0:3B:BB:C1:0A:96:18
        a=setup:passive
        m=audio 30010 UDP/TLS/RTP/SAVPF 111 101
        c=IN IP4 203.0.113.200
        a=mid:audio
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 useinbandfec=1
        a=rtpmap:101 telephone-event/48000
        a=sendrecv
        a=rtcp-mux
        a=ice-ufrag:Hx8GpWr2
        a=ice-pwd:4YyiAdg1Bs83e3Msc5cQwv9sfG
        a=candidate:Q1kHi9fvyMtS3XoL 1 UDP 2130706431 203.0.113.200 30010 typ host

        """

    static let all: [(name: String, sdp: String, author: JingleCreatorName)] = [
        ("chrome-offer", chromeOffer, .initiator), ("firefox-answer", firefoxAnswer, .responder),
        ("asterisk-offer", asteriskOffer, .initiator), ("freeswitch-sdes", freeswitchSDES, .initiator),
        ("rtpengine-answer", rtpengineAnswer, .responder),
    ]

    enum JingleCreatorName: Sendable { case initiator, responder }
}
