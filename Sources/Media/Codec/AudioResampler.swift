internal import CSpeexDSP

/// Sample-rate conversion of mono PCM through the speexdsp resampler, for the one path where the rate
/// really changes (G.711 at 8 kHz and G.722 at 16 kHz); Opus is decoded and encoded at the other leg's rate
/// instead.
///
/// Streaming: the filter keeps its history between calls, so consecutive frames join without edges. For
/// integer ratios each call turns exactly `input.count × outputRate / inputRate` samples out.
///
/// Ownership: the speexdsp state is created in `init` and destroyed exactly once in `deinit`.
public final class AudioResampler {
    public let inputRate: Int
    public let outputRate: Int
    private let state: OpaquePointer

    /// - Parameter quality: speexdsp's 0 (fastest) to 10 (best); 3 is ample for telephone speech.
    public init(inputRate: Int, outputRate: Int, quality: Int = 3) throws(MediaError) {
        guard inputRate > 0, outputRate > 0, (0...10).contains(quality) else {
            throw MediaError(.invalidConfiguration, "resampler \(inputRate) -> \(outputRate) Hz, quality \(quality)")
        }
        var error: Int32 = 0
        guard
            let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Int32(quality), &error),
            error == 0
        else {
            throw MediaError(.codecFailure, "speex_resampler_init failed with \(error)")
        }
        self.state = state
        self.inputRate = inputRate
        self.outputRate = outputRate
    }

    deinit { speex_resampler_destroy(state) }

    /// Samples of delay the filter adds, at the output rate.
    public var latency: Int { Int(speex_resampler_get_output_latency(state)) }

    /// Converts all of `input` into `output`; returns the samples written.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let source = input.baseAddress, let destination = output.baseAddress else { return 0 }
        var consumed = UInt32(input.count)
        var produced = UInt32(output.count)
        _ = speex_resampler_process_int(state, 0, source, &consumed, destination, &produced)
        return Int(produced)
    }

    /// Clears the filter history.
    public func reset() { _ = speex_resampler_reset_mem(state) }
}
