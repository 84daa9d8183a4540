import Testing

@testable import Media

/// RTCP packets (RFC 3550 section 6, RFC 4585 section 6, RFC 5104 section 4.3.1), compound iteration,
/// round trips and malformed input.
@Suite struct RTCPPacketTests {
    /// SR from SSRC 0x11223344 with one report block, followed by SDES CNAME "ab" and BYE with reason "bye".
    static let compound = hex(
        """
        81 c8 00 0c 11 22 33 44
        e9 4c 8f 0b 80 00 00 00 00 00 1f 40 00 00 00 64 00 00 3e 80
        55 66 77 88 0a ff ff fe 00 01 00 10 00 00 00 20 4c 8f 0b 80 00 01 80 00
        81 ca 00 03 11 22 33 44 01 02 61 62 00 00 00 00
        81 cb 00 02 11 22 33 44 03 62 79 65
        """)

    static let compoundPackets: [RTCPPacket] = [
        .senderReport(
            RTCPSenderReport(
                ssrc: 0x1122_3344, ntpTimestamp: NTPTimestamp(seconds: 0xe94c_8f0b, fraction: 0x8000_0000),
                rtpTimestamp: 8000, packetCount: 100, octetCount: 16000,
                reports: [
                    RTCPReportBlock(
                        ssrc: 0x5566_7788, fractionLost: 10, cumulativeLost: -2, extendedHighestSequence: 0x0001_0010,
                        jitter: 32, lastSenderReport: 0x4c8f_0b80, delaySinceLastSenderReport: 0x0001_8000)
                ])),
        .sourceDescription(.cname("ab", ssrc: 0x1122_3344)),
        .bye(RTCPBye(sources: [0x1122_3344], reason: "bye")),
    ]

    @Test func decodesCompoundPacket() throws {
        let packets = try RTCPPacket.decodeCompound(Self.compound)
        #expect(packets == Self.compoundPackets)
        guard case .senderReport(let report) = packets[0] else { return }
        #expect(report.reports[0].cumulativeLost == -2, "24-bit sign extension")
        guard case .sourceDescription(let sdes) = packets[1] else { return }
        #expect(sdes.chunks.first?.cname == "ab")
        #expect(try Self.compound.withUnsafeBytes { try RTCPCompoundReader.validate($0) } == 3)
    }

    @Test func encodesCompoundPacket() throws {
        #expect(try RTCPPacket.encodeCompound(Self.compoundPackets) == Self.compound)
    }

    @Test func iteratesWithoutDecoding() throws {
        try Self.compound.withUnsafeBytes { raw in
            var reader = RTCPCompoundReader(raw)
            var types: [UInt8] = []
            var counts: [UInt8] = []
            while let view = try reader.next() {
                types.append(view.packetType)
                counts.append(view.count)
            }
            #expect(types == [200, 202, 203])
            #expect(counts == [1, 1, 1])
        }
    }

    @Test func roundTripsEveryPacketType() throws {
        let packets: [RTCPPacket] = [
            .receiverReport(
                RTCPReceiverReport(
                    ssrc: 1, reports: (0..<31).map { RTCPReportBlock(ssrc: UInt32($0), cumulativeLost: 0x7F_FFFF) })),
            .receiverReport(
                RTCPReceiverReport(
                    ssrc: 2, reports: [RTCPReportBlock(ssrc: 3, cumulativeLost: -0x80_0000)],
                    profileExtension: [1, 2, 3, 4])),
            .sourceDescription(
                RTCPSourceDescription(chunks: [
                    .init(
                        source: 1,
                        items: [.init(type: 1, text: "user@host"), .init(type: 6, text: "jingle-sip-bridge")]),
                    .init(source: 2, items: []),
                    .init(source: 3, items: [.init(type: 8, value: [3, 0x61, 0x62, 0x63, 0xFF])]),
                ])),
            .bye(RTCPBye(sources: [1, 2, 3])),
            .bye(RTCPBye(sources: [], reason: "")),
            .bye(RTCPBye(sources: [4], reason: "shutting down")),
            .application(RTCPApplicationPacket(subtype: 31, ssrc: 9, name: "ABCD", data: [1, 2, 3, 4])!),
            .genericNACK(RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [10, 11, 26, 27, 65535, 0])),
            .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 5, mediaSSRC: 6)),
            .fullIntraRequest(
                RTCPFullIntraRequest(
                    senderSSRC: 5, entries: [.init(ssrc: 6, sequenceNumber: 1), .init(ssrc: 7, sequenceNumber: 255)])),
            .feedback(
                RTCPFeedbackPacket(
                    packetType: 205, format: 15, senderSSRC: 1, mediaSSRC: 2, fci: [0, 1, 2, 3, 4, 5, 6, 7])),
            .feedback(
                RTCPFeedbackPacket(packetType: 206, format: 15, senderSSRC: 1, mediaSSRC: 0, fci: Array("REMB".utf8))),
            .other(packetType: 207, count: 0, body: [0, 0, 0, 1, 4, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]),
        ]
        let bytes = try RTCPPacket.encodeCompound(packets)
        #expect(try RTCPPacket.decodeCompound(bytes) == packets)
        // Every packet's length field is right on its own too.
        for packet in packets {
            var one: [UInt8] = []
            try packet.encode(into: &one)
            #expect(one.count % 4 == 0)
            #expect((Int(one[2]) << 8 | Int(one[3]) + 1) * 4 == one.count)
        }
    }

    /// RFC 4585 section 6.2.1 layout: PID 10 with bits for 11, 26; then 27 and 65535 in a new entry with 0
    /// following 65535 (wrap).
    @Test func genericNACKPacking() throws {
        let nack = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [10, 11, 26, 27, 65535, 0, 0])
        #expect(
            nack.entries == [
                .init(packetID: 10, lostBitmask: 0x8001), .init(packetID: 27, lostBitmask: 0),
                .init(packetID: 65535, lostBitmask: 1),
            ])
        #expect(nack.lostSequenceNumbers == [10, 11, 26, 27, 65535, 0])
        let bytes = try RTCPPacket.encodeCompound([.genericNACK(nack)])
        #expect(bytes == hex("81 cd 00 05 00 00 00 01 00 00 00 02 00 0a 80 01 00 1b 00 00 ff ff 00 01"))
    }

    @Test func pictureLossAndFullIntraRequestWireForm() throws {
        #expect(
            try RTCPPacket.encodeCompound([.pictureLossIndication(.init(senderSSRC: 1, mediaSSRC: 2))])
                == hex("81 ce 00 02 00 00 00 01 00 00 00 02"))
        #expect(
            try RTCPPacket.encodeCompound([
                .fullIntraRequest(.init(senderSSRC: 1, entries: [.init(ssrc: 2, sequenceNumber: 3)]))
            ])
                == hex("84 ce 00 04 00 00 00 01 00 00 00 00 00 00 00 02 03 00 00 00"))
    }

    @Test func paddingOnlyOnTheLastPacket() throws {
        // RR with 4 bytes of padding as the last packet: fine.
        let paddedRR = hex("a0 c9 00 02 00 00 00 01 00 00 00 04")
        #expect(try RTCPPacket.decodeCompound(paddedRR) == [.receiverReport(RTCPReceiverReport(ssrc: 1))])
        // The same packet first in a compound: refused (RFC 3550 appendix A.2).
        let bye = hex("81 cb 00 01 00 00 00 01")
        #expect(throws: MediaError(.invalidPadding, "")) { try RTCPPacket.decodeCompound(paddedRR + bye) }
        #expect(throws: MediaError(.invalidPadding, "")) {
            try RTCPPacket.decodeCompound(hex("a0 c9 00 01 00 00 00 00"))
        }
        #expect(throws: MediaError(.invalidPadding, "")) {
            try RTCPPacket.decodeCompound(hex("a0 c9 00 01 00 00 00 05"))
        }
    }

    @Test func rejectsMalformedPackets() {
        func check(_ bytes: [UInt8], _ code: MediaError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: MediaError(code, ""), sourceLocation: sourceLocation) {
                try RTCPPacket.decodeCompound(bytes)
            }
        }
        check([], .truncated)
        check(hex("80 c9 00"), .truncated)
        check(hex("40 c9 00 01 00 00 00 01"), .invalidField)  // version 1
        check(hex("80 c9 00 02 00 00 00 01"), .truncated)  // length past the end
        check(hex("81 c9 00 01 00 00 00 01"), .truncated)  // one report block announced, none present
        check(hex("80 c8 00 01 00 00 00 01"), .truncated)  // SR without sender info
        check(hex("81 ca 00 01 00 00 00 01"), .truncated)  // SDES chunk without END
        check(hex("81 ca 00 02 00 00 00 01 01 05 61 62"), .truncated)  // SDES item past the end
        check(hex("82 cb 00 01 00 00 00 01"), .truncated)  // BYE with two sources, one present
        check(hex("81 cb 00 02 00 00 00 01 09 61 62 63"), .truncated)  // BYE reason past the end
        check(hex("80 cc 00 01 00 00 00 01"), .truncated)  // APP without name
        check(hex("81 cd 00 01 00 00 00 01"), .truncated)  // feedback without media SSRC
        check(hex("81 cd 00 02 00 00 00 01 00 00 00 02"), .invalidLength)  // NACK without FCI
        check(hex("84 ce 00 03 00 00 00 01 00 00 00 00 00 00 00 02"), .invalidLength)  // FIR FCI of 4 bytes
        check(Self.compound + [0x81], .truncated)  // trailing garbage
    }

    @Test func encoderRefusesWhatDoesNotFit() {
        #expect(throws: MediaError(.unencodable, "")) {
            try RTCPPacket.encodeCompound([
                .receiverReport(
                    RTCPReceiverReport(ssrc: 1, reports: Array(repeating: RTCPReportBlock(ssrc: 1), count: 32)))
            ])
        }
        #expect(throws: MediaError(.unencodable, "")) {
            try RTCPPacket.encodeCompound([
                .receiverReport(
                    RTCPReceiverReport(ssrc: 1, reports: [RTCPReportBlock(ssrc: 1, cumulativeLost: 0x80_0000)]))
            ])
        }
        #expect(throws: MediaError(.unencodable, "")) {
            try RTCPPacket.encodeCompound([.genericNACK(.init(senderSSRC: 1, mediaSSRC: 2, entries: []))])
        }
        #expect(throws: MediaError(.unencodable, "")) {
            try RTCPPacket.encodeCompound([.bye(.init(sources: [], reason: String(repeating: "x", count: 256)))])
        }
        #expect(RTCPApplicationPacket(subtype: 0, ssrc: 0, name: "ABC") == nil)
        var out: [UInt8] = [1, 2]
        #expect(throws: MediaError(.unencodable, "")) {
            try RTCPPacket.sourceDescription(
                .init(chunks: [.init(source: 1, items: [.init(type: 1, value: Array(repeating: 0, count: 256))])])
            ).encode(into: &out)
        }
        #expect(out == [1, 2], "a failed encode leaves the buffer as it was")
    }

    @Test func survivesArbitraryInput() throws {
        var generator = SeededGenerator(seed: 4585)
        let valid = try RTCPPacket.encodeCompound(
            Self.compoundPackets + [.genericNACK(.init(senderSSRC: 1, mediaSSRC: 2, lost: [1, 5]))])
        for length in 0...valid.count { _ = try? RTCPPacket.decodeCompound(Array(valid.prefix(length))) }
        for _ in 0..<5_000 {
            var bytes = Bool.random(using: &generator) ? valid : randomBytes(&generator, maxLength: 96)
            for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if !bytes.isEmpty { bytes[0] = bytes[0] & 0x3F | 0x80 }
            _ = try? RTCPPacket.decodeCompound(bytes)
        }
    }

    // MARK: Time helpers

    @Test func ntpConversions() {
        // 2024-01-01T00:00:00Z is 1704067200 Unix seconds.
        let ntp = NTPTimestamp(unixTime: .seconds(1_704_067_200) + .milliseconds(500))
        #expect(ntp.seconds == UInt32(1_704_067_200 + 2_208_988_800))
        #expect(ntp.fraction == 0x8000_0000)
        #expect(ntp.unixTime == .seconds(1_704_067_200) + .milliseconds(500))
        #expect(ntp.compact == (ntp.seconds & 0xFFFF) << 16 | 0x8000)
        #expect(NTPTimestamp(rawValue: ntp.rawValue) == ntp)
        #expect(NTPTimestamp.compactUnits(of: .milliseconds(1500)) == 0x0001_8000)
        #expect(NTPTimestamp.compactUnits(of: .seconds(-1)) == 0)
        #expect(NTPTimestamp.compactUnits(of: .seconds(70_000)) == .max)
        #expect(NTPTimestamp.duration(compactUnits: 0x0001_8000) == .milliseconds(1500))
        #expect(NTPTimestamp(unixTime: .seconds(1)) < NTPTimestamp(unixTime: .seconds(2)))
    }

    /// RFC 3550 section 6.4.1 figure 2: SR at NTP 0xb44db705:20000000, so LSR 0xb705:2000; RR sent back after
    /// DLSR 0x0005:4000 (5.25 s), arriving at A = 0xb710:8000: delay 0x0006:2000 = 6.125 s.
    @Test func roundTripTimeFromTheRFCExample() throws {
        let sr = NTPTimestamp(seconds: 0xb44d_b705, fraction: 0x2000_0000)
        #expect(sr.compact == 0xb705_2000)
        let block = RTCPReportBlock(ssrc: 1, lastSenderReport: sr.compact, delaySinceLastSenderReport: 0x0005_4000)
        let arrival = NTPTimestamp(seconds: 0xb44d_b710, fraction: 0x8000_0000)
        let rtt = try #require(block.roundTripTime(arrival: arrival))
        #expect(rtt == .milliseconds(6125))
        #expect(RTCPReportBlock(ssrc: 1).roundTripTime(arrival: arrival) == nil, "no SR received yet")
        let early = RTCPReportBlock(ssrc: 1, lastSenderReport: 0xb710_8001, delaySinceLastSenderReport: 0)
        #expect(early.roundTripTime(arrival: arrival) == nil, "negative result")
    }
}
