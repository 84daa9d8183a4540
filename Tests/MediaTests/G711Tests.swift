import Foundation
import Testing

@testable import Media

/// ITU-T G.711 μ-law and A-law.
@Suite struct G711Tests {
    @Test func muLawKnownValues() {
        #expect(G711.muLawEncode(0) == 0xFF)
        #expect(G711.muLawEncode(-1) == 0x7F)
        #expect(G711.muLawEncode(.max) == 0x80)
        #expect(G711.muLawEncode(.min) == 0x00)
        #expect(G711.muLawDecode(0xFF) == 0)
        #expect(G711.muLawDecode(0x7F) == 0)
        #expect(G711.muLawDecode(0x80) == 32_124)
        #expect(G711.muLawDecode(0x00) == -32_124)
        // Segment 1 starts where the biased magnitude reaches 256 (input 124); its first interval, 124..<140,
        // decodes to its middle, 132. In segment 0 code 0xFF covers 0..<4 and decodes to 0, 0xFE covers 4..<12
        // and decodes to 8.
        #expect(G711.muLawDecode(0xEF) == 132)
        #expect(G711.muLawDecode(0xFE) == 8)
        // Sign symmetry: code c and c with the sign bit flipped decode to opposite values.
        for code in 0..<128 { #expect(G711.muLawDecode(UInt8(code)) == -G711.muLawDecode(UInt8(code) | 0x80)) }
    }

    @Test func aLawKnownValues() {
        #expect(G711.aLawEncode(0) == 0xD5)
        #expect(G711.aLawEncode(-1) == 0x55)
        #expect(G711.aLawEncode(.max) == 0xAA)
        #expect(G711.aLawEncode(.min) == 0x2A)
        #expect(G711.aLawDecode(0xD5) == 8)
        #expect(G711.aLawDecode(0x55) == -8)
        #expect(G711.aLawDecode(0xAA) == 32_256)
        #expect(G711.aLawDecode(0x2A) == -32_256)
        for code in 0..<128 { #expect(G711.aLawDecode(UInt8(code)) == -G711.aLawDecode(UInt8(code) | 0x80)) }
    }

    /// Decoding then encoding gives the code back for every code, except μ-law's negative zero (0x7F), which
    /// decodes to 0 and so encodes as positive zero (0xFF).
    @Test func decodeEncodeIdentity() {
        for code in 0...255 {
            let byte = UInt8(code)
            #expect(G711.aLawEncode(G711.aLawDecode(byte)) == byte, "A-law \(code)")
            #expect(G711.muLawEncode(G711.muLawDecode(byte)) == (byte == 0x7F ? 0xFF : byte), "μ-law \(code)")
        }
    }

    /// Every 16-bit input lands within half a quantisation step of its decoded value (outside clipping), and
    /// decoded values grow with the input (the companding is monotonic).
    @Test func quantisationErrorIsHalfAStep() {
        var previousMu = Int16.min
        var previousA = Int16.min
        for value in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(value)
            let mu = G711.muLawEncode(sample)
            let muDecoded = G711.muLawDecode(mu)
            let muExponent = Int((~mu >> 4) & 0x07)
            if abs(value) <= 32_124 { #expect(abs(Int(muDecoded) - value) <= 4 << muExponent, "μ-law \(value)") }
            #expect(muDecoded >= previousMu || (previousMu == 0 && muDecoded == 0))
            previousMu = muDecoded
            let a = G711.aLawEncode(sample)
            let aDecoded = G711.aLawDecode(a)
            let aExponent = Int(((a ^ 0x55) >> 4) & 0x07)
            if abs(value) <= 32_256 {
                #expect(abs(Int(aDecoded) - value) <= 8 << max(aExponent - 1, 0), "A-law \(value)")
            }
            #expect(aDecoded >= previousA)
            previousA = aDecoded
        }
    }

    /// A 1 kHz tone at -10 dBFS through μ-law and A-law keeps a signal-to-noise ratio above 35 dB
    /// (G.711 companding gives about 38 dB over a wide range of levels).
    @Test(arguments: ["mu", "a"])
    func sineSignalToNoise(law: String) {
        let amplitude = 32_767 * pow(10, -10.0 / 20)
        let samples: [Int16] = (0..<8_000).map {
            Int16((amplitude * sin(2 * Double.pi * 1_000 * Double($0) / 8_000 + 0.3)).rounded())
        }
        var codes = [UInt8](repeating: 0, count: samples.count)
        var decoded = [Int16](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { input in
            codes.withUnsafeMutableBufferPointer { output in
                _ = law == "mu" ? G711.muLawEncode(input, into: output) : G711.aLawEncode(input, into: output)
            }
        }
        codes.withUnsafeBufferPointer { input in
            decoded.withUnsafeMutableBufferPointer { output in
                _ = law == "mu" ? G711.muLawDecode(input, into: output) : G711.aLawDecode(input, into: output)
            }
        }
        var signal = 0.0
        var noise = 0.0
        for (original, result) in zip(samples, decoded) {
            signal += Double(original) * Double(original)
            noise += (Double(original) - Double(result)) * (Double(original) - Double(result))
        }
        let snr = 10 * log10(signal / noise)
        #expect(snr > 35, "SNR \(snr) dB")
        #expect(
            zip(samples, codes).allSatisfy { sample, code in
                code == (law == "mu" ? G711.muLawEncode(sample) : G711.aLawEncode(sample))
            })
    }
}
