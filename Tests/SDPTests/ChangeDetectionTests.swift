import Testing

@testable import SDP

@Suite struct ChangeDetectionTests {
    static let base = """
        v=0
        o=- 10 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 0 8 101
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=ssrc:1111 cname:a
        a=sendrecv

        """

    /// The base description with text replaced (each replacement must apply).
    static func edited(_ replacements: [(String, String)], from text: String = base) throws -> SessionDescription {
        var text = text.replacing("o=- 10 1 ", with: "o=- 10 2 ")
        for (old, new) in replacements {
            #expect(text.contains(old), "\(old)")
            text = text.replacing(old, with: new)
        }
        return try SessionDescription(parsing: text)
    }

    static func changes(_ replacements: [(String, String)], from text: String = base) throws -> Set<SDPChange> {
        OfferAnswer.changes(from: try SessionDescription(parsing: text), to: try edited(replacements, from: text))
    }

    @Test func nothingButTheVersion() throws {
        #expect(try Self.changes([]).isEmpty)
    }

    @Test func holdAndResumeByDirection() throws {
        #expect(
            try Self.changes([("a=sendrecv", "a=sendonly")])
                == [.hold(media: 0), .directionChanged(media: 0, from: .sendrecv, to: .sendonly)])
        #expect(
            try Self.changes([("a=sendrecv", "a=inactive")])
                == [.hold(media: 0), .directionChanged(media: 0, from: .sendrecv, to: .inactive)])
        // recvonly is not a hold.
        #expect(
            try Self.changes([("a=sendrecv", "a=recvonly")]) == [
                .directionChanged(media: 0, from: .sendrecv, to: .recvonly)
            ])
        let held = Self.base.replacing("a=sendrecv", with: "a=sendonly")
        #expect(
            try Self.changes([("a=sendonly", "a=sendrecv")], from: held)
                == [.resume(media: 0), .directionChanged(media: 0, from: .sendonly, to: .sendrecv)])
        // Removing the attribute means sendrecv again.
        #expect(
            try Self.changes([("a=sendonly\n", "")], from: held)
                == [.resume(media: 0), .directionChanged(media: 0, from: .sendonly, to: .sendrecv)])
        // Still held, other way.
        #expect(
            try Self.changes([("a=sendonly", "a=inactive")], from: held)
                == [.directionChanged(media: 0, from: .sendonly, to: .inactive)])
    }

    @Test func holdByAddress() throws {
        // RFC 2543 style: c=0.0.0.0 is a hold, and not reported as an address change.
        #expect(try Self.changes([("c=IN IP4 198.51.100.7", "c=IN IP4 0.0.0.0")]) == [.hold(media: 0)])
        let held = Self.base.replacing("c=IN IP4 198.51.100.7", with: "c=IN IP4 0.0.0.0")
        #expect(try Self.changes([("c=IN IP4 0.0.0.0", "c=IN IP4 198.51.100.7")], from: held) == [.resume(media: 0)])
        // With ICE the address is a placeholder: no hold.
        let ice = Self.base.replacing(
            "a=sendrecv", with: "a=sendrecv\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv")
        #expect(
            try Self.changes([("c=IN IP4 198.51.100.7", "c=IN IP4 0.0.0.0")], from: ice).contains(.hold(media: 0))
                == false)
    }

    @Test func codecChanges() throws {
        #expect(try Self.changes([("RTP/AVP 0 8 101", "RTP/AVP 8 0 101")]) == [.codecOrderChanged(media: 0)])
        #expect(try Self.changes([("RTP/AVP 0 8 101", "RTP/AVP 0 101")]) == [.codecsChanged(media: 0)])
        #expect(try Self.changes([("RTP/AVP 0 8 101", "RTP/AVP 0 8 9 101")]) == [.codecsChanged(media: 0)])
        // The same codec under another payload type is a change of mapping.
        #expect(
            try Self.changes([
                ("RTP/AVP 0 8 101", "RTP/AVP 0 8 96"), ("rtpmap:101", "rtpmap:96"), ("fmtp:101", "fmtp:96"),
            ])
                == [.codecsChanged(media: 0)])
        // Format parameters count.
        #expect(try Self.changes([("a=fmtp:101 0-15", "a=fmtp:101 0-16")]) == [.codecsChanged(media: 0)])
        // Writing out a static payload type's rtpmap changes nothing.
        #expect(try Self.changes([("a=rtpmap:101", "a=rtpmap:0 PCMU/8000\na=rtpmap:101")]).isEmpty)
    }

    @Test func connectionChanges() throws {
        #expect(
            try Self.changes([("c=IN IP4 198.51.100.7", "c=IN IP4 198.51.100.8")]) == [.connectionChanged(media: 0)])
        #expect(try Self.changes([("m=audio 5004", "m=audio 6004")]) == [.connectionChanged(media: 0)])
        // A media-level c= overriding the same address is no change.
        #expect(
            try Self.changes([
                (
                    "t=0 0\nm=audio 5004 RTP/AVP 0 8 101\n",
                    "t=0 0\nm=audio 5004 RTP/AVP 0 8 101\nc=IN IP4 198.51.100.7\n"
                )
            ]).isEmpty)
    }

    @Test func mediaAddedAndRemoved() throws {
        let video = "m=video 5006 RTP/AVP 31\n"
        #expect(try Self.changes([("a=sendrecv\n", "a=sendrecv\n" + video)]) == [.mediaAdded(media: 1)])
        let withVideo = Self.base + video
        // RFC 3264 section 8.2: removal is port 0.
        #expect(try Self.changes([("m=video 5006", "m=video 0")], from: withVideo) == [.mediaRemoved(media: 1)])
        let rejected = Self.base + "m=video 0 RTP/AVP 31\n"
        // RFC 3264 section 8.1: a port-0 slot may be reused.
        #expect(try Self.changes([("m=video 0", "m=video 5006")], from: rejected) == [.mediaAdded(media: 1)])
        #expect(
            try Self.changes([("m=video 0 RTP/AVP 31", "m=text 5008 RTP/AVP 98")], from: rejected) == [
                .mediaAdded(media: 1)
            ])
        #expect(
            try Self.changes([("m=video 5006 RTP/AVP 31", "m=text 5008 RTP/AVP 98")], from: withVideo)
                == [.mediaRemoved(media: 1), .mediaAdded(media: 1)])
        // A section that disappears (not allowed by RFC 3264, but seen) counts as removed.
        let old = try SessionDescription(parsing: withVideo)
        var new = old
        new.media.removeLast()
        #expect(OfferAnswer.changes(from: old, to: new) == [.mediaRemoved(media: 1)])
    }

    @Test func iceRestart() throws {
        let ice = Self.base.replacing(
            "a=sendrecv", with: "a=sendrecv\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv")
        #expect(
            try Self.changes(
                [
                    ("ice-ufrag:abcd", "ice-ufrag:efgh"),
                    ("ice-pwd:abcdefghijklmnopqrstuv", "ice-pwd:zzzzzzzzzzzzzzzzzzzzzz"),
                ], from: ice)
                == [.iceRestart(media: 0)])
        #expect(
            try Self.changes([("ice-pwd:abcdefghijklmnopqrstuv", "ice-pwd:zzzzzzzzzzzzzzzzzzzzzz")], from: ice) == [
                .iceRestart(media: 0)
            ])
        // Session-level credentials apply to every media section.
        let session = Self.base.replacing(
            "t=0 0\n", with: "t=0 0\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv\n")
        #expect(try Self.changes([("ice-ufrag:abcd", "ice-ufrag:wxyz")], from: session) == [.iceRestart(media: 0)])
        // Moving the same credentials from session to media level is not a restart.
        #expect(
            try Self.changes(
                [
                    ("t=0 0\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv\n", "t=0 0\n"),
                    ("a=sendrecv", "a=sendrecv\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv"),
                ], from: session
            ).isEmpty)
    }

    @Test func ssrcChange() throws {
        #expect(try Self.changes([("a=ssrc:1111", "a=ssrc:2222")]) == [.ssrcChanged(media: 0)])
        #expect(try Self.changes([("a=ssrc:1111 cname:a", "a=ssrc:1111 cname:b")]).isEmpty)
    }

    @Test func severalChangesAtOnce() throws {
        #expect(
            try Self.changes([
                ("a=sendrecv", "a=sendonly"), ("m=audio 5004 RTP/AVP 0 8 101", "m=audio 7000 RTP/AVP 8 101"),
                ("a=ssrc:1111", "a=ssrc:3"),
            ])
                == [
                    .hold(media: 0), .directionChanged(media: 0, from: .sendrecv, to: .sendonly),
                    .codecsChanged(media: 0),
                    .connectionChanged(media: 0), .ssrcChanged(media: 0),
                ])
    }
}
