extension AudioTranscoder {
    /// What a transcoder converts between, and how.
    public struct Configuration: Hashable, Sendable {
        /// The codec of the payloads `receive` takes.
        public var input: AudioCodec
        /// The codec of the payloads `produceFrame` writes.
        public var output: AudioCodec
        /// Outbound packet duration in milliseconds (20 unless the far end's `a=ptime` asks otherwise).
        public var outputPtime: Int
        /// Delays and sizes of the jitter buffer (its clock rate follows `input`).
        public var jitterBuffer: JitterBuffer.Configuration
        /// Settings of the Opus encoder when `output` is Opus.
        public var opus: OpusEncoder.Configuration
        /// How long concealment fills in when input stops before the output turns to silence.
        public var concealmentLimit: Duration
        /// speexdsp quality (0-10) of the resampler between 8 and 16 kHz.
        public var resamplerQuality: Int
        /// First RTP timestamp of the output (random, RFC 3550 section 5.1).
        public var initialTimestamp: UInt32

        public init(
            input: AudioCodec, output: AudioCodec, outputPtime: Int = 20,
            jitterBuffer: JitterBuffer.Configuration? = nil,
            opus: OpusEncoder.Configuration = OpusEncoder.Configuration(),
            concealmentLimit: Duration = .milliseconds(100), resamplerQuality: Int = 3, initialTimestamp: UInt32 = 0
        ) {
            self.input = input
            self.output = output
            self.outputPtime = outputPtime
            var buffer = jitterBuffer ?? JitterBuffer.Configuration(clockRate: input.rtpClockRate)
            buffer.clockRate = input.rtpClockRate
            self.jitterBuffer = buffer
            self.opus = opus
            self.concealmentLimit = concealmentLimit
            self.resamplerQuality = resamplerQuality
            self.initialTimestamp = initialTimestamp
        }
    }
}
