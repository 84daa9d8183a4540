// Provenance: written for this project in the shape of the SDP an Asterisk 20 chan_pjsip
// endpoint puts in an INVITE without ICE or encryption: "s=Asterisk", one session-level c=,
// RTP/AVP with static payload types (RFC 3551: PCMU 0, PCMA 8, G722 9) and telephone-event
// with Asterisk's event list 0-16 (RFC 4733), a=ptime and a=maxptime (RFC 8866 sections 6.4
// and 6.5), a=sendrecv.
extension Fixtures {
    static let asteriskOffer = """
        v=0
        o=- 1707744123 1707744123 IN IP4 203.0.113.10
        s=Asterisk
        c=IN IP4 203.0.113.10
        t=0 0
        m=audio 13578 RTP/AVP 0 8 9 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv

        """
}
