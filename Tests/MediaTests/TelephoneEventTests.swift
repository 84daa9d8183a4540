import Testing

@testable import Media

/// RFC 4733 telephone-event payloads and clock-rate conversion.
@Suite struct TelephoneEventTests {
    @Test func parsesAndBuilds() throws {
        // Digit 1, end, volume 10, duration 800 (100 ms at 8 kHz).
        let event = try TelephoneEvent(payload: hex("01 8a 03 20"))
        #expect(event == TelephoneEvent(event: 1, isEnd: true, volume: 10, duration: 800))
        #expect(try event.encoded() == hex("01 8a 03 20"))
        // The R bit is ignored on receipt (RFC 4733 section 2.3.3) and sent as 0.
        let reserved = try TelephoneEvent(payload: hex("0b 4a 00 a0"))
        #expect(reserved == TelephoneEvent(event: 11, isEnd: false, volume: 10, duration: 160))
        #expect(try reserved.encoded() == hex("0b 0a 00 a0"))
        #expect(throws: MediaError(.truncated, "")) { try TelephoneEvent(payload: hex("01 8a 03")) }
        #expect(throws: MediaError(.unencodable, "")) {
            try TelephoneEvent(event: 1, volume: 64, duration: 0).encoded()
        }
        var small = [UInt8](repeating: 0, count: 3)
        #expect(throws: MediaError(.bufferTooSmall, "")) {
            _ = try small.withUnsafeMutableBytes { try event.write(to: $0) }
        }
    }

    @Test func convertsDurationsBetweenClockRates() {
        let event = TelephoneEvent(event: 5, duration: 800)
        #expect(event.converted(from: 8_000, to: 48_000).duration == 4_800)
        #expect(event.converted(from: 8_000, to: 48_000).converted(from: 48_000, to: 8_000) == event)
        // 2 s at 8 kHz is 96000 ticks at 48 kHz: saturates at 0xFFFF for the sender to segment.
        #expect(TelephoneEvent(event: 5, duration: 16_000).converted(from: 8_000, to: 48_000).duration == 0xFFFF)
    }

    @Test func mapsTimestampsAcrossWrap() throws {
        let mapper = try RTPTimestampMapper(
            sourceRate: 8_000, destinationRate: 48_000, sourceAnchor: 0xFFFF_FF00, destinationAnchor: 1_000)
        #expect(mapper.map(0xFFFF_FF00) == 1_000)
        #expect(mapper.map(0x0000_0100) == 1_000 + 512 * 6)  // forward across the wrap
        #expect(mapper.map(0xFFFF_FE00) == UInt32(1_000) &- 256 * 6)  // backward, below the destination anchor
        #expect(mapper.mapDuration(160) == 960)
        let back = try RTPTimestampMapper(
            sourceRate: 48_000, destinationRate: 8_000, sourceAnchor: 0, destinationAnchor: 0)
        #expect(back.map(960) == 160)
        #expect(back.map(963) == 161)  // 160.5 rounds away from zero
        #expect(back.map(962) == 160)
        #expect(throws: MediaError(.invalidConfiguration, "")) {
            try RTPTimestampMapper(sourceRate: 0, destinationRate: 8_000, sourceAnchor: 0, destinationAnchor: 0)
        }
    }
}
