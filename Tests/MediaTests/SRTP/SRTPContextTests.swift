import Testing

@testable import Media

/// Rollover, replay, tampering, wrong keys, the SRTCP E flag and malformed input, against both implementations
/// (so the reference shows the EVP behaviour is the expected one).
@Suite struct SRTPContextTests {
    static let cases: [(SRTPImplementation, SRTPProfile)] = SRTPImplementation.allCases.flatMap {
        implementation in SRTPProfile.allCases.map { (implementation, $0) }
    }

    static let payload = [UInt8](repeating: 0x42, count: 160)

    /// Protects one packet per sequence number, in order.
    static func protect(_ sender: any SRTPProtector, _ sequences: some Sequence<UInt16>, ssrc: UInt32 = 7) throws
        -> [UInt16: [UInt8]]
    {
        var protected: [UInt16: [UInt8]] = [:]
        for sequence in sequences {
            var packet = SRTPFixtures.rtp(
                sequenceNumber: sequence, ssrc: ssrc, payload: payload + [UInt8(sequence & 0xFF)])
            try sender.protectRTP(&packet)
            protected[sequence] = packet
        }
        return protected
    }

    // MARK: Rollover

    /// RFC 3711 section 3.3.1: the ROC increments when SEQ wraps, on both sides; a receiver with the wrong ROC
    /// would fail every packet after the wrap. Includes a packet from before the wrap arriving after it.
    @Test(arguments: cases)
    func rolloverAcrossTheWrap(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let order: [UInt16] = Array(65_530...65_535) + Array(0...7)
        let protected = try Self.protect(sender, order)
        // Deliver 65534 late: after 0 and 1 of the next cycle.
        let delivery: [UInt16] = [65_530, 65_531, 65_532, 65_533, 65_535, 0, 1, 65_534, 2, 3, 4, 5, 6, 7]
        for sequence in delivery {
            var packet = protected[sequence]!
            try receiver.unprotectRTP(&packet)
            #expect(Array(packet.suffix(Self.payload.count + 1)) == Self.payload + [UInt8(sequence & 0xFF)])
        }
    }

    /// A second wrap: ROC 2. The sender has to cross 65,536 sequence numbers per wrap, so this runs 140,000
    /// packets through EVP only (libsrtp is covered by the cross-check's first wrap).
    @Test(arguments: SRTPProfile.allCases)
    func secondRollover(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: .evp, receiver: .evp)
        var buffer = [UInt8](repeating: 0, count: 200)
        for step in 0..<140_000 {
            let sequence = UInt16(truncatingIfNeeded: 60_000 + step)
            let packet = SRTPFixtures.rtp(sequenceNumber: sequence, payload: [1, 2, 3, 4])
            buffer.replaceSubrange(0..<packet.count, with: packet)
            let length = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
                let protected = try sender.protectRTP(raw, length: packet.count)
                return try receiver.unprotectRTP(raw, length: protected)
            }
            #expect(length == packet.count)
        }
    }

    // MARK: Replay

    @Test(arguments: cases)
    func replayedSRTPIsRejected(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let protected = try Self.protect(sender, 1...300)
        var latest = protected[300]!
        try receiver.unprotectRTP(&latest)
        // A duplicate of the newest packet.
        var again = protected[300]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&again) } == .srtpReplayed)
        // 200 behind the newest: outside the 128-packet window.
        var old = protected[100]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&old) } == .srtpTooOld)
        // 127 behind is the oldest index the window still holds; 128 behind is out.
        var edge = protected[173]!
        try receiver.unprotectRTP(&edge)
        var outside = protected[172]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&outside) } == .srtpTooOld)
        // Late but inside the window: accepted once, then a replay.
        var late = protected[250]!
        try receiver.unprotectRTP(&late)
        var lateAgain = protected[250]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&lateAgain) } == .srtpReplayed)
        // A rejected packet does not disturb the stream.
        var next = protected[299]!
        try receiver.unprotectRTP(&next)
    }

    @Test(arguments: cases)
    func replayedSRTCPIsRejected(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        var packets: [[UInt8]] = []
        for round in 0..<200 {
            var packet = SRTPFixtures.rtcp(seed: UInt32(round))
            try sender.protectRTCP(&packet)
            packets.append(packet)
        }
        var newest = packets[199]
        try receiver.unprotectRTCP(&newest)
        var duplicate = packets[199]
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTCP(&duplicate) } == .srtpReplayed)
        var old = packets[10]
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTCP(&old) } == .srtpTooOld)
        var late = packets[150]
        try receiver.unprotectRTCP(&late)
        #expect(late == SRTPFixtures.rtcp(seed: 150))
    }

    /// The sender refuses to protect one index twice: a different payload would reuse keystream.
    @Test(arguments: cases)
    func senderRefusesARepeatedIndex(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, _) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        _ = try Self.protect(sender, [10, 11])
        var repeated = SRTPFixtures.rtp(sequenceNumber: 11, ssrc: 7, payload: [9, 9, 9])
        #expect(SRTPFixtures.errorCode { try sender.protectRTP(&repeated) } == .srtpReplayed)
        // Out of order within the window is fine (a relay may send slightly reordered packets).
        _ = try Self.protect(sender, [9, 12])
    }

    // MARK: Authentication

    @Test(arguments: cases)
    func tamperedPacketsAreRejected(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let protected = try Self.protect(sender, 1...3)
        let packet = protected[1]!
        // A bit in the header (marker), in the payload and in the tag.
        for bit in [8 + 7, 8 * 20 + 3, 8 * (packet.count - 1)] {
            var tampered = SRTPFixtures.flipping(packet, bit: bit)
            #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&tampered) } == .srtpAuthenticationFailed)
        }
        // The genuine packet still goes through afterwards: failures leave no state behind.
        var genuine = packet
        try receiver.unprotectRTP(&genuine)

        var rtcp = SRTPFixtures.rtcp()
        try sender.protectRTCP(&rtcp)
        for bit in [8 * 12, 8 * (rtcp.count - 1)] {
            var tampered = SRTPFixtures.flipping(rtcp, bit: bit)
            #expect(SRTPFixtures.errorCode { try receiver.unprotectRTCP(&tampered) } == .srtpAuthenticationFailed)
        }
        try receiver.unprotectRTCP(&rtcp)
        #expect(rtcp == SRTPFixtures.rtcp())
    }

    @Test(arguments: cases)
    func wrongKeyIsRejected(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, _) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let stranger = try implementation.makeProtector(
            outbound: SRTPFixtures.masterKey(profile, seed: 99), inbound: SRTPFixtures.masterKey(profile, seed: 98))
        var packet = try Self.protect(sender, [5])[5]!
        #expect(SRTPFixtures.errorCode { try stranger.unprotectRTP(&packet) } == .srtpAuthenticationFailed)
        var rtcp = SRTPFixtures.rtcp()
        try sender.protectRTCP(&rtcp)
        #expect(SRTPFixtures.errorCode { try stranger.unprotectRTCP(&rtcp) } == .srtpAuthenticationFailed)
        // Its own outbound key as inbound key is wrong too: the two directions have separate keys.
        var own = SRTPFixtures.rtp(sequenceNumber: 1, payload: [1])
        try sender.protectRTP(&own)
        #expect(SRTPFixtures.errorCode { try sender.unprotectRTP(&own) } == .srtpAuthenticationFailed)
    }

    /// Session keys differ between SRTP and SRTCP (labels 0-2 and 3-5): an SRTP packet passed as SRTCP fails.
    @Test(arguments: SRTPProfile.allCases)
    func srtpIsNotSRTCP(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: .evp, receiver: .evp)
        var packet = try Self.protect(sender, [5])[5]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTCP(&packet) } != nil)
    }

    // MARK: SRTCP E flag

    /// RFC 3711 section 3.4: with the E flag clear the RTCP packet travels in clear, still authenticated; the
    /// flag is covered by the tag, so setting it fails authentication.
    @Test(arguments: cases)
    func unencryptedSRTCP(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let configuration = SRTPConfiguration(encryptsRTCP: false)
        let (sender, receiver) = try SRTPFixtures.pair(
            profile, sender: implementation, receiver: implementation, configuration: configuration)
        let plain = SRTPFixtures.rtcp()
        var packet = plain
        try sender.protectRTCP(&packet)
        #expect(Array(packet.prefix(plain.count)) == plain)
        let wordOffset = plain.count + (profile.isAEAD ? 16 : 0)
        #expect(packet[wordOffset] & 0x80 == 0)
        var flagged = packet
        flagged[wordOffset] |= 0x80
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTCP(&flagged) } != nil)
        try receiver.unprotectRTCP(&packet)
        #expect(packet == plain)
    }

    /// The EVP context accepts SRTCP with and without encryption from the same peer (the peer decides, and
    /// the E flag is authenticated).
    @Test(arguments: SRTPProfile.allCases)
    func evpAcceptsBothForms(profile: SRTPProfile) throws {
        let a = SRTPFixtures.masterKey(profile, seed: 1)
        let b = SRTPFixtures.masterKey(profile, seed: 2)
        let encrypting = try EVPSRTPContext(outbound: a, inbound: b)
        let clear = try EVPSRTPContext(outbound: a, inbound: b, configuration: SRTPConfiguration(encryptsRTCP: false))
        let receiver = try EVPSRTPContext(outbound: b, inbound: a)
        var first = SRTPFixtures.rtcp(ssrc: 1)
        try encrypting.protectRTCP(&first)
        var second = SRTPFixtures.rtcp(ssrc: 2)
        try clear.protectRTCP(&second)
        try receiver.unprotectRTCP(&first)
        try receiver.unprotectRTCP(&second)
        #expect(first == SRTPFixtures.rtcp(ssrc: 1) && second == SRTPFixtures.rtcp(ssrc: 2))
    }
}

/// Streams, buffers and malformed input.
@Suite struct SRTPContextLimitTests {
    @Test(arguments: SRTPImplementation.allCases)
    func bufferWithoutRoomForTheTag(implementation: SRTPImplementation) throws {
        let (sender, _) = try SRTPFixtures.pair(.aes128CMHMACSHA1_80, sender: implementation, receiver: implementation)
        var buffer = SRTPFixtures.rtp(sequenceNumber: 1, payload: [1, 2, 3]) + [0, 0, 0]
        let code = SRTPFixtures.errorCode {
            _ = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
                try sender.protectRTP(raw, length: raw.count - 3)
            }
        }
        #expect(code == .bufferTooSmall)
        let past = SRTPFixtures.errorCode {
            _ = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
                try sender.protectRTP(raw, length: raw.count + 1)
            }
        }
        #expect(past == .invalidLength)
    }

    /// Garbage and truncated packets are errors, never crashes, for every profile and both directions.
    @Test(arguments: SRTPContextTests.cases)
    func malformedInput(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2_000 {
            var bytes = randomBytes(&generator, maxLength: 120)
            if bytes.count > 0, Bool.random(using: &generator) { bytes[0] = 0x80 | bytes[0] & 0x3F }
            var copy = bytes
            _ = SRTPFixtures.errorCode { try receiver.unprotectRTP(&copy) }
            copy = bytes
            _ = SRTPFixtures.errorCode { try receiver.unprotectRTCP(&copy) }
        }
        // Truncations of a valid packet: every prefix fails cleanly.
        var packet = SRTPFixtures.rtp(
            sequenceNumber: 1, payload: [UInt8](repeating: 7, count: 40), csrcs: [1], extensionWords: [2])
        try sender.protectRTP(&packet)
        for length in 0..<packet.count {
            var prefix = Array(packet.prefix(length))
            #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&prefix) } != nil)
        }
        // Headers that do not fit: a CSRC count past the end, a version other than 2.
        var badCSRC = SRTPFixtures.rtp(sequenceNumber: 2, payload: [])
        badCSRC[0] = 0x8F
        #expect(SRTPFixtures.errorCode { try sender.protectRTP(&badCSRC) } != nil)
        var version1 = SRTPFixtures.rtp(sequenceNumber: 3, payload: [1])
        version1[0] = 0x40
        if implementation == .evp {
            #expect(SRTPFixtures.errorCode { try sender.protectRTP(&version1) } == .invalidField)
        }
    }

    @Test func outboundStreamLimit() throws {
        let profile = SRTPProfile.aes128CMHMACSHA1_80
        let context = try EVPSRTPContext(
            outbound: SRTPFixtures.masterKey(profile, seed: 1), inbound: SRTPFixtures.masterKey(profile, seed: 2),
            configuration: SRTPConfiguration(streamCapacity: 2))
        for ssrc: UInt32 in [1, 2] {
            var packet = SRTPFixtures.rtp(sequenceNumber: 1, ssrc: ssrc, payload: [1])
            try context.protectRTP(&packet)
        }
        var third = SRTPFixtures.rtp(sequenceNumber: 1, ssrc: 3, payload: [1])
        #expect(SRTPFixtures.errorCode { try context.protectRTP(&third) } == .srtpStreamLimit)
        context.removeOutboundStream(ssrc: 1)
        try context.protectRTP(&third)
        // SSRC 2 kept its state: its index 1 is still taken.
        var repeated = SRTPFixtures.rtp(sequenceNumber: 1, ssrc: 2, payload: [1])
        #expect(SRTPFixtures.errorCode { try context.protectRTP(&repeated) } == .srtpReplayed)
    }

    /// A full inbound table makes room by dropping the least recently used SSRC.
    @Test func inboundStreamsAreRecycled() throws {
        let profile = SRTPProfile.aeadAES128GCM
        let a = SRTPFixtures.masterKey(profile, seed: 1)
        let b = SRTPFixtures.masterKey(profile, seed: 2)
        let sender = try EVPSRTPContext(outbound: a, inbound: b, configuration: SRTPConfiguration(streamCapacity: 8))
        let receiver = try EVPSRTPContext(outbound: b, inbound: a, configuration: SRTPConfiguration(streamCapacity: 2))
        var protected: [[UInt8]] = []
        for ssrc: UInt32 in [1, 2, 3] {
            var packet = SRTPFixtures.rtp(sequenceNumber: 1, ssrc: ssrc, payload: [1])
            try sender.protectRTP(&packet)
            protected.append(packet)
        }
        for packet in protected {
            var copy = packet
            try receiver.unprotectRTP(&copy)
        }
        // SSRC 3 is still tracked: its packet is a replay.
        var three = protected[2]
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&three) } == .srtpReplayed)
        // SSRC 1 was evicted for it, so its replayed packet is taken as new: the documented cost of eviction.
        var one = protected[0]
        try receiver.unprotectRTP(&one)
    }

    /// Per-SSRC state: two senders' indices and rollover counters do not interfere.
    @Test(arguments: SRTPContextTests.cases)
    func streamsAreIndependent(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let one = try SRTPContextTests.protect(sender, 65_500...65_535, ssrc: 1)
        let two = try SRTPContextTests.protect(sender, 1...36, ssrc: 2)
        let oneAfterWrap = try SRTPContextTests.protect(sender, 0...5, ssrc: 1)
        for (first, second) in zip((65_500...65_535).map { one[$0]! }, (1...36).map { two[UInt16($0)]! }) {
            var a = first
            var b = second
            try receiver.unprotectRTP(&a)
            try receiver.unprotectRTP(&b)
        }
        for sequence: UInt16 in 0...5 {
            var packet = oneAfterWrap[sequence]!
            try receiver.unprotectRTP(&packet)
        }
        // The same sequence number on the two SSRCs is two different packets, not a replay.
        var sameSequence = two[1]!
        #expect(SRTPFixtures.errorCode { try receiver.unprotectRTP(&sameSequence) } == .srtpReplayed)
    }
}
