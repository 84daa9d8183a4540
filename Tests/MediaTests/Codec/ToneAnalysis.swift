import Foundation

@testable import Media

/// Frequency and signal-to-noise measurements of a recorded tone, for codec round trips.
///
/// The frequency is the peak of the Goertzel power over a coarse grid, refined on a finer one. The SNR fits
/// a sinusoid of that frequency (amplitude, phase and offset, by least squares) and compares its power with
/// what is left over, so a codec's delay does not matter, while its noise and distortion do.
enum ToneAnalysis {
    /// Power of `frequency` in `samples` (Goertzel algorithm).
    static func goertzelPower(_ samples: ArraySlice<Int16>, frequency: Double, sampleRate: Int) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
    }

    /// The strongest frequency in `range`, to about 0.1 Hz.
    static func dominantFrequency(_ samples: ArraySlice<Int16>, sampleRate: Int, range: ClosedRange<Double>)
        -> Double
    {
        var best = range.lowerBound
        var bestPower = -1.0
        var step = 10.0
        var low = range.lowerBound
        var high = range.upperBound
        while step >= 0.1 {
            var frequency = low
            while frequency <= high {
                let power = goertzelPower(samples, frequency: frequency, sampleRate: sampleRate)
                if power > bestPower {
                    bestPower = power
                    best = frequency
                }
                frequency += step
            }
            low = max(range.lowerBound, best - step)
            high = min(range.upperBound, best + step)
            step /= 10
        }
        return best
    }

    /// Signal-to-noise ratio in dB of `samples` against the best-fitting sinusoid at `frequency`.
    static func signalToNoise(_ samples: ArraySlice<Int16>, frequency: Double, sampleRate: Int) -> Double {
        // Normal equations of x ≈ a sin + b cos + c.
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        var v = [0.0, 0.0, 0.0]
        let omega = 2 * Double.pi * frequency / Double(sampleRate)
        for (offset, sample) in samples.enumerated() {
            let basis = [sin(omega * Double(offset)), cos(omega * Double(offset)), 1]
            for row in 0..<3 {
                v[row] += basis[row] * Double(sample)
                for column in 0..<3 { m[row][column] += basis[row] * basis[column] }
            }
        }
        let coefficients = solve(m, v)
        var signal = 0.0
        var noise = 0.0
        for (offset, sample) in samples.enumerated() {
            let model = coefficients[0] * sin(omega * Double(offset)) + coefficients[1] * cos(omega * Double(offset))
            let fitted = model + coefficients[2]
            signal += model * model
            noise += (Double(sample) - fitted) * (Double(sample) - fitted)
        }
        return 10 * log10(signal / max(noise, 1e-9))
    }

    /// Root-mean-square level of `samples`.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return sqrt(samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count))
    }

    /// Gaussian elimination of a 3 × 3 system.
    private static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        var a = matrix
        var b = vector
        for pivot in 0..<3 {
            let best = (pivot..<3).max { abs(a[$0][pivot]) < abs(a[$1][pivot]) }!
            a.swapAt(pivot, best)
            b.swapAt(pivot, best)
            for row in (pivot + 1)..<3 {
                let factor = a[row][pivot] / a[pivot][pivot]
                for column in pivot..<3 { a[row][column] -= factor * a[pivot][column] }
                b[row] -= factor * b[pivot]
            }
        }
        var x = [0.0, 0.0, 0.0]
        for row in stride(from: 2, through: 0, by: -1) {
            var sum = b[row]
            for column in (row + 1)..<3 { sum -= a[row][column] * x[column] }
            x[row] = sum / a[row][row]
        }
        return x
    }

    /// `count` samples of a sine at `frequency` and `amplitude` (fraction of full scale).
    static func sine(frequency: Double, amplitude: Double = 0.3, sampleRate: Int, count: Int) -> [Int16] {
        (0..<count).map {
            Int16((amplitude * 32767 * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate))).rounded())
        }
    }
}

/// Encodes `input` frame by frame and decodes each payload again.
func roundTrip(
    _ input: [Int16], encoder: any AudioEncoder, decoder: any AudioDecoder, frameSamples: Int
) throws -> [Int16] {
    var output: [Int16] = []
    var payload = [UInt8](repeating: 0, count: 1500)
    var decoded = [Int16](repeating: 0, count: 5760)
    var start = 0
    while start + frameSamples <= input.count {
        let length = try input[start..<(start + frameSamples)].withUnsafeBufferPointer { pcm in
            try payload.withUnsafeMutableBytes { try encoder.encode(pcm, into: $0) }
        }
        let count = try payload.withUnsafeBytes { raw in
            try decoded.withUnsafeMutableBufferPointer {
                try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]), into: $0)
            }
        }
        output += decoded[0..<count]
        start += frameSamples
    }
    return output
}
