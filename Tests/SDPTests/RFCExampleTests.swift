import Testing

@testable import SDP

@Suite struct RFCExampleTests {
    /// RFC 8866 section 5: every field of the example lands in the model.
    @Test func rfc8866Section5() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rfc8866Example)
        #expect(sdp.version == 0)
        #expect(
            sdp.origin
                == Origin(
                    username: "jdoe", sessionID: "3724394400", sessionVersion: 3_724_394_405,
                    unicastAddress: "198.51.100.1"
                ))
        #expect(sdp.sessionName == "Call to John Smith")
        #expect(sdp.information == "SDP Offer #1")
        #expect(sdp.uri == "http://www.jdoe.example.com/home.html")
        #expect(sdp.emails == ["Jane Doe <jane@jdoe.example.com>"])
        #expect(sdp.phones == ["+1 617 555-6011"])
        #expect(sdp.connection == .ip4("198.51.100.1"))
        #expect(sdp.timing == [TimeDescription(start: 0, stop: 0)])
        #expect(sdp.media.map(\.type) == [.audio, .audio, .video])
        #expect(sdp.media.map(\.port) == [49170, 49180, 51372])
        #expect(sdp.media[2].connection == .ip6("2001:db8::2"))
        #expect(sdp.effectiveConnection(ofMediaAt: 0) == .ip4("198.51.100.1"))
        #expect(sdp.effectiveConnection(ofMediaAt: 2) == .ip6("2001:db8::2"))
        #expect(sdp.media[2].rtpMap(for: 99) == RTPMap(payloadType: 99, encodingName: "h263-1998", clockRate: 90000))
        #expect(sdp.media[0].codec(for: 0)?.encodingName == "PCMU")
    }

    /// RFC 4566 section 5: a multicast address with a TTL and a session-level direction.
    @Test func rfc4566Section5() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rfc4566Example)
        #expect(sdp.connection == ConnectionData(addressType: "IP4", address: "224.2.17.12", ttl: 127))
        #expect(sdp.timing == [TimeDescription(start: 2_873_397_496, stop: 2_873_404_696)])
        #expect(sdp.direction == .recvonly)
        #expect(sdp.media[0].direction == nil)
        #expect(sdp.effectiveDirection(ofMediaAt: 0) == .recvonly)
        #expect(sdp.emails == ["j.doe@example.com (Jane Doe)"])
    }

    /// RFC 8866 section 5.7: the multicast forms of the connection address.
    @Test(arguments: [
        ("IN IP4 233.252.0.1/127", ConnectionData(addressType: "IP4", address: "233.252.0.1", ttl: 127)),
        (
            "IN IP4 233.252.0.1/127/3",
            ConnectionData(addressType: "IP4", address: "233.252.0.1", ttl: 127, numberOfAddresses: 3)
        ),
        (
            "IN IP6 ff00::db8:0:101/3",
            ConnectionData(addressType: "IP6", address: "ff00::db8:0:101", numberOfAddresses: 3)
        ),
        ("IN IP4 host.atlanta.example.com", ConnectionData.ip4("host.atlanta.example.com")),
        ("IN X-TYPE a/b/c/d", ConnectionData(addressType: "X-TYPE", address: "a/b/c/d")),
    ])
    func connectionAddresses(value: String, expected: ConnectionData) throws {
        let sdp = try RoundTrip.assertExact("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=\(value)\nt=0 0\n")
        #expect(sdp.connection == expected)
    }

    /// RFC 8866 sections 5.10 and 5.11: repeat and zone lines are kept verbatim with their t=.
    @Test func repeatAndZone() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rfc8866RepeatAndZone)
        #expect(sdp.timing.count == 1)
        #expect(sdp.timing[0].start == 3_034_423_619)
        #expect(sdp.timing[0].repeats == ["604800 3600 0 90000", "7d 1h 0 25h"])
        #expect(sdp.zoneAdjustments == "2882844526 -1h 2898848070 0")
        #expect(sdp.connection?.ttl == 127)
    }

    /// RFC 3264 section 10.1: the empty session name and hostnames as addresses.
    @Test func rfc3264Example() throws {
        let offer = try SessionDescription(parsing: Fixtures.rfc3264AliceOffer)
        #expect(offer.sessionName == "")
        #expect(offer.connection?.address == "host.atlanta.example.com")
        #expect(offer.media[0].rtpMap(for: 97)?.encodingName == "iLBC")
        let answer = try SessionDescription(parsing: Fixtures.rfc3264BobAnswer)
        #expect(answer.media[1].isRejected)
        #expect(answer.media[1].formats == ["31"])
    }

    /// RFC 8866 section 5.14: "m=video 49170/2 RTP/AVP 31" uses two port pairs.
    @Test func portCount() throws {
        let sdp = try RoundTrip.assertExact(
            "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 233.252.0.1/127/2\nt=0 0\nm=video 49170/2 RTP/AVP 31\n")
        #expect(sdp.media[0].port == 49170)
        #expect(sdp.media[0].portCount == 2)
    }

    /// RFC 3551 section 6, tables 4 and 5.
    @Test func rfc3551StaticPayloadTypes() {
        #expect(StaticPayloadTypes.payloadType(encodingName: "pcmu", clockRate: 8000) == 0)
        #expect(StaticPayloadTypes.payloadType(encodingName: "PCMA", clockRate: 8000, channels: 1) == 8)
        #expect(StaticPayloadTypes.payloadType(encodingName: "G722", clockRate: 8000) == 9)
        #expect(StaticPayloadTypes.payloadType(encodingName: "G722", clockRate: 16000) == nil)
        #expect(StaticPayloadTypes.payloadType(encodingName: "L16", clockRate: 44100, channels: 2) == 10)
        #expect(StaticPayloadTypes.payloadType(encodingName: "L16", clockRate: 44100) == 11)
        #expect(StaticPayloadTypes.payloadType(encodingName: "CN", clockRate: 8000) == 13)
        #expect(StaticPayloadTypes.payloadType(encodingName: "DVI4", clockRate: 16000) == 6)
        #expect(StaticPayloadTypes.payloadType(encodingName: "G729", clockRate: 8000) == 18)
        #expect(StaticPayloadTypes.payloadType(encodingName: "opus", clockRate: 48000, channels: 2) == nil)
        #expect(StaticPayloadTypes.rtpMap(for: 34)?.encodingName == "H263")
        #expect(StaticPayloadTypes.rtpMap(for: 31)?.clockRate == 90000)
        #expect(StaticPayloadTypes.rtpMap(for: 96) == nil)
        #expect(StaticPayloadTypes.rtpMap(for: 1) == nil)
        #expect(TransportProtocol.udpTLSRTPSAVPF.isRTP)
        #expect(TransportProtocol.rtpAVP.isRTP)
        #expect(!TransportProtocol.udpDTLSSCTP.isRTP)
    }
}
