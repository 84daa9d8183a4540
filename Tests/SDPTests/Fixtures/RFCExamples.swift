// Provenance: the example session descriptions printed in the RFCs named on each constant,
// retyped for this project (RFC text is the reference the brief asks the tests to follow).
extension Fixtures {
    /// RFC 8866 section 5, the example session description.
    static let rfc8866Example = """
        v=0
        o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
        s=Call to John Smith
        i=SDP Offer #1
        u=http://www.jdoe.example.com/home.html
        e=Jane Doe <jane@jdoe.example.com>
        p=+1 617 555-6011
        c=IN IP4 198.51.100.1
        t=0 0
        m=audio 49170 RTP/AVP 0
        m=audio 49180 RTP/AVP 0
        m=video 51372 RTP/AVP 99
        c=IN IP6 2001:db8::2
        a=rtpmap:99 h263-1998/90000

        """

    /// RFC 4566 section 5, the example session description (a multicast seminar).
    static let rfc4566Example = """
        v=0
        o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
        s=SDP Seminar
        i=A Seminar on the session description protocol
        u=http://www.example.com/seminars/sdp.pdf
        e=j.doe@example.com (Jane Doe)
        c=IN IP4 224.2.17.12/127
        t=2873397496 2873404696
        a=recvonly
        m=audio 49170 RTP/AVP 0
        m=video 51372 RTP/AVP 99
        a=rtpmap:99 h263-1998/90000

        """

    /// RFC 3264 section 10.1, Alice's offer (note the empty "s=" line).
    static let rfc3264AliceOffer = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
        s=
        c=IN IP4 host.atlanta.example.com
        t=0 0
        m=audio 49170 RTP/AVP 0 8 97
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:97 iLBC/8000
        m=video 51372 RTP/AVP 31 32
        a=rtpmap:31 H261/90000
        a=rtpmap:32 MPV/90000

        """

    /// RFC 3264 section 10.1, Bob's answer to Alice's offer.
    static let rfc3264BobAnswer = """
        v=0
        o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com
        s=
        c=IN IP4 host.biloxi.example.com
        t=0 0
        m=audio 49172 RTP/AVP 0 8
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        m=video 0 RTP/AVP 31
        a=rtpmap:31 H261/90000

        """

    /// RFC 8866 sections 5.10 and 5.11: repeat times and time zone adjustments, in a session
    /// built around the section 5.10 and 5.11 example lines.
    static let rfc8866RepeatAndZone = """
        v=0
        o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
        s=Weekly seminar
        c=IN IP4 233.252.0.1/127
        t=3034423619 3042462419
        r=604800 3600 0 90000
        r=7d 1h 0 25h
        z=2882844526 -1h 2898848070 0
        m=audio 49170 RTP/AVP 0

        """
}
