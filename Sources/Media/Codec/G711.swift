/// ITU-T G.711 companding of 16-bit linear PCM: μ-law (PCMU, RTP payload type 0) and A-law (PCMA, payload
/// type 8), RFC 3551 section 4.5.14.
///
/// Encoding is arithmetic on the segment (exponent) and quantisation step; decoding is a 256-entry table
/// built from the same definition. μ-law works on 14-bit magnitudes, A-law on 13-bit, so the low bits of the
/// 16-bit input are dropped, as G.711 specifies.
public enum G711 {
    // MARK: μ-law

    /// μ-law bias in the 14-bit domain (33), i.e. 132 at 16-bit scale: segment boundaries are powers of two
    /// of the biased magnitude.
    private static let muLawBias: Int32 = 0x84
    /// Largest 16-bit magnitude μ-law represents before the biased value overflows segment 7.
    private static let muLawClip: Int32 = 32_635

    /// The μ-law code of one sample. Codes are stored inverted (G.711 table 2a); 0 encodes as 0xFF.
    @inline(__always)
    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        var magnitude = Int32(sample)
        var sign: UInt8 = 0
        if magnitude < 0 {
            magnitude = -magnitude
            sign = 0x80
        }
        magnitude = min(magnitude, muLawClip) + muLawBias
        // The segment is the position of the highest set bit above bit 7 (biased magnitude 0x84...0x7FFF).
        let exponent = UInt8(31 - magnitude.leadingZeroBitCount - 7)
        let mantissa = UInt8(truncatingIfNeeded: magnitude >> (Int32(exponent) + 3)) & 0x0F
        return ~(sign | exponent << 4 | mantissa)
    }

    /// The linear value of a μ-law code: the middle of its quantisation interval.
    @inline(__always)
    public static func muLawDecode(_ code: UInt8) -> Int16 {
        muLawTable[Int(code)]
    }

    private static let muLawTable: [Int16] = (0...255).map { code in
        let inverted = ~UInt8(code)
        let exponent = Int32((inverted >> 4) & 0x07)
        let mantissa = Int32(inverted & 0x0F)
        let magnitude = ((mantissa << 3) + muLawBias) << exponent - muLawBias
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    // MARK: A-law

    /// The A-law code of one sample. Even bits are inverted on the wire (XOR 0x55, G.711 table 1a); the sign
    /// bit is 1 for positive values, so 0 encodes as 0xD5.
    @inline(__always)
    public static func aLawEncode(_ sample: Int16) -> UInt8 {
        let value = Int32(sample)
        // 12-bit magnitude of the 13-bit sample; negative values use the one's complement so that
        // -1...-16 share the code of 0...15 with the sign cleared.
        let magnitude = value >= 0 ? value >> 4 : ~value >> 4
        var code: UInt8
        if magnitude < 32 {
            // Segments 0 and 1 share the step size, and segment 1's implicit leading one is its exponent
            // bit: the magnitude is the code.
            code = UInt8(magnitude)
        } else {
            let exponent = 31 - magnitude.leadingZeroBitCount - 3  // 2...7 for 32...2047
            let mantissa = (magnitude >> (exponent - 1)) & 0x0F
            code = UInt8(exponent << 4) | UInt8(mantissa)
        }
        if value >= 0 { code |= 0x80 }
        return code ^ 0x55
    }

    /// The linear value of an A-law code: the middle of its quantisation interval.
    @inline(__always)
    public static func aLawDecode(_ code: UInt8) -> Int16 {
        aLawTable[Int(code)]
    }

    private static let aLawTable: [Int16] = (0...255).map { code in
        let toggled = UInt8(code) ^ 0x55
        let exponent = Int32((toggled >> 4) & 0x07)
        var mantissa = Int32(toggled & 0x0F)
        if exponent > 0 { mantissa += 16 }  // implicit leading one above segment 0
        var magnitude = (mantissa << 4) + 8  // middle of the step
        if exponent > 1 { magnitude <<= exponent - 1 }
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }

    // MARK: Buffers

    /// Encodes `samples` into `output` (which must be at least as long); returns the count written.
    @inline(__always)
    public static func muLawEncode(
        _ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let count = min(samples.count, output.count)
        for index in 0..<count { output[index] = muLawEncode(samples[index]) }
        return count
    }

    /// Decodes `codes` into `output`; returns the count written.
    @inline(__always)
    public static func muLawDecode(_ codes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>)
        -> Int
    {
        let count = min(codes.count, output.count)
        muLawTable.withUnsafeBufferPointer { table in
            for index in 0..<count { output[index] = table[Int(codes[index])] }
        }
        return count
    }

    /// Encodes `samples` into `output`; returns the count written.
    @inline(__always)
    public static func aLawEncode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    {
        let count = min(samples.count, output.count)
        for index in 0..<count { output[index] = aLawEncode(samples[index]) }
        return count
    }

    /// Decodes `codes` into `output`; returns the count written.
    @inline(__always)
    public static func aLawDecode(_ codes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>)
        -> Int
    {
        let count = min(codes.count, output.count)
        aLawTable.withUnsafeBufferPointer { table in
            for index in 0..<count { output[index] = table[Int(codes[index])] }
        }
        return count
    }
}
