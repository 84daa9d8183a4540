import Testing

@testable import Media

/// Decoder output values of ITU-T G.711 tables 1a (A-law) and 2a (μ-law) at the start and end of each
/// segment, scaled from the tables' units to 16-bit samples.
@Suite struct G711TableTests {
    /// μ-law, table 2a: the decoder output of segment s, step m is ((2m + 33) << s) - 33 in 14-bit units
    /// (0, 33, 99, 231, 495, 1023, 2079, 4191 for m = 0; 8031 at the top), × 4 for 16-bit samples.
    @Test func muLawSegments() {
        let starts: [Int16] = [0, 33, 99, 231, 495, 1023, 2079, 4191]
        let ends: [Int16] = [30, 93, 219, 471, 975, 1983, 3999, 8031]
        for segment in 0..<8 {
            // Codes are sent inverted: a positive value, sign bit 0, has bit 7 set on the line.
            let first = ~UInt8(segment << 4)
            let last = ~UInt8(segment << 4 | 0x0F)
            #expect(G711.muLawDecode(first) == starts[segment] * 4, "segment \(segment) start")
            #expect(G711.muLawDecode(last) == ends[segment] * 4, "segment \(segment) end")
            #expect(G711.muLawDecode(first & 0x7F) == -starts[segment] * 4)
        }
        // 14-bit input 16 (64 at 16 bits) is step 8 of segment 0, whose output is 16 again.
        #expect(G711.muLawEncode(64) == ~UInt8(0x08))
        #expect(G711.muLawEncode(-64) == ~UInt8(0x88))
        #expect(G711.muLawDecode(G711.muLawEncode(64)) == 64)
    }

    /// A-law, table 1a: segment 0 outputs 1, 3, ... 31 and segment s ≥ 1 outputs (2m + 33) << (s - 1), in
    /// 12-bit units; × 8 gives 16-bit samples (8, 264, 528, ... 32256). Even bits are inverted on the line.
    @Test func aLawSegments() {
        let starts: [Int16] = [1, 33, 66, 132, 264, 528, 1056, 2112]
        let ends: [Int16] = [31, 63, 126, 252, 504, 1008, 2016, 4032]
        for segment in 0..<8 {
            let first = UInt8(0x80 | segment << 4) ^ 0x55
            let last = UInt8(0x80 | segment << 4 | 0x0F) ^ 0x55
            #expect(G711.aLawDecode(first) == starts[segment] * 8, "segment \(segment) start")
            #expect(G711.aLawDecode(last) == ends[segment] * 8, "segment \(segment) end")
            #expect(G711.aLawDecode(first ^ 0x80) == -starts[segment] * 8)
        }
        // 1000 (12-bit 62) is in segment 2, whose last interval 992 ..< 1024 decodes to 1008.
        #expect(G711.aLawEncode(1000) == UInt8(0x80 | 2 << 4 | 15) ^ 0x55)
        #expect(G711.aLawDecode(G711.aLawEncode(1000)) == 1008)
    }
}
