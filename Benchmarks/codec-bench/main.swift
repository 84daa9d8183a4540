// codec-bench: CPU per 20 ms frame of the media transcoding paths, and what that means in calls per core.
// Build with `-c release`: `swift run -c release codec-bench [frames per run, default 3000] [runs, default 5]`.
//
// Each path runs a whole `AudioTranscoder` (jitter buffer, decoder, concealment, resampler where needed,
// encoder, timestamps) in virtual time: one packet received and one frame produced per 20 ms. The input is
// a synthetic speech-like signal (voiced syllables with a gliding pitch and formants, noise bursts, pauses),
// encoded beforehand the way the far end would send it: Opus from a 48 kHz client at 32 kbit/s, PCMU,
// G.722. A call is both directions; calls per core = 20 ms / (CPU of both directions).
//
// The C baseline does the Opus <-> PCMU codec work alone with libopus and a table μ-law, with the same
// encoder settings (8 kHz, complexity 5, 24 kbit/s, FEC): the cost of the codecs themselves.
//
// The best run of each path is reported, which filters out time slices lost to other processes.

import CCodecBaseline
import Media

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let framesPerRun = max(50, arguments.first ?? 3000)
let runs = max(1, arguments.dropFirst().first ?? 5)
/// Opus encoder settings toward the XMPP client: complexity 5, 24 kbit/s, in-band FEC.
let opusSettings = OpusEncoder.Configuration(bitrate: 24000, complexity: 5)

// MARK: Input

/// A deterministic speech-like signal: syllables of harmonics under three formants with a gliding pitch,
/// noise bursts (fricatives) and short pauses with faint noise.
func speechLike(sampleRate: Int, seconds: Int) -> [Int16] {
    var samples = [Int16](repeating: 0, count: sampleRate * seconds)
    var random: UInt32 = 12345
    func noise() -> Double {
        random = random &* 1_103_515_245 &+ 12345
        return Double(Int32(bitPattern: random) >> 8) / Double(1 << 23)
    }
    let rate = Double(sampleRate)
    let formants: [(Double, Double)] = [(600, 1), (1400, 0.5), (2600, 0.25)]
    var phase = 0.0
    var index = 0
    var syllable = 0
    while index < samples.count {
        let kind = syllable % 5
        let length = Int(rate * [0.28, 0.12, 0.32, 0.15, 0.22][kind])
        let baseF0 = 110 + Double(syllable % 7) * 15
        for offset in 0..<length where index + offset < samples.count {
            let t = Double(offset) / Double(length)
            let envelope = sin(Double.pi * t)
            var value = 0.0
            switch kind {
            case 0, 2, 4:
                let f0 = baseF0 * (1 + 0.2 * t)
                phase += f0 / rate
                if phase >= 1 { phase -= 1 }
                var harmonic = 1.0
                while harmonic * f0 < min(rate / 2 - 200, 3800) {
                    let frequency = harmonic * f0
                    var gain = 0.0
                    for (centre, weight) in formants {
                        let distance = (frequency - centre) / 250
                        gain += weight / (1 + distance * distance)
                    }
                    value += gain / harmonic.squareRoot() * sin(2 * Double.pi * harmonic * phase)
                    harmonic += 1
                }
                value *= 3000 * envelope
            case 1:
                value = 2500 * envelope * noise()
            default:
                value = 60 * noise()
            }
            samples[index + offset] = Int16(clamping: Int(value.rounded()))
        }
        index += length
        syllable += 1
    }
    return samples
}

/// 20 ms payloads of `pcm` encoded by `encoder`.
func encodePackets(_ pcm: [Int16], _ encoder: any AudioEncoder) throws -> [[UInt8]] {
    let frame = encoder.sampleRate / 50
    var payload = [UInt8](repeating: 0, count: 1500)
    var packets: [[UInt8]] = []
    for start in stride(from: 0, to: pcm.count - frame + 1, by: frame) {
        let length = try pcm[start..<(start + frame)].withUnsafeBufferPointer { samples in
            try payload.withUnsafeMutableBytes { try encoder.encode(samples, into: $0) }
        }
        packets.append(Array(payload[0..<length]))
    }
    return packets
}

let seconds = 20
let clientOpus = try encodePackets(
    speechLike(sampleRate: 48000, seconds: seconds),
    OpusEncoder(sampleRate: 48000, configuration: OpusEncoder.Configuration(bitrate: 32000, complexity: 10)))
let pcmu = try encodePackets(speechLike(sampleRate: 8000, seconds: seconds), G711Encoder(codec: .pcmu))
let pcma = try encodePackets(speechLike(sampleRate: 8000, seconds: seconds), G711Encoder(codec: .pcma))
let g722 = try encodePackets(speechLike(sampleRate: 16000, seconds: seconds), G722Encoder())
let inputs: [AudioCodec: [[UInt8]]] = [.opus: clientOpus, .pcmu: pcmu, .pcma: pcma, .g722: g722]

// MARK: Measurement

func nanoseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
}

/// Best nanoseconds per frame over `runs` runs (after a warm-up run) of `body`, which is set up afresh by
/// `prepare` outside the timing and processes `framesPerRun` frames.
func measure<State>(prepare: () throws -> State, _ body: (State) throws -> Void) rethrows -> Double {
    try body(prepare())
    var best = Double.infinity
    for _ in 0..<runs {
        let state = try prepare()
        let start = ContinuousClock.now
        try body(state)
        best = min(best, nanoseconds(ContinuousClock.now - start) / Double(framesPerRun))
    }
    return best
}

/// One direction through a transcoder: receive a packet, produce a frame, every 20 ms of virtual time.
func transcode(_ input: AudioCodec, _ output: AudioCodec) throws -> Double {
    let packets = inputs[input]!
    let increment = input.timestampIncrement(ptime: 20)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
    defer { buffer.deallocate() }
    return try measure(
        prepare: { try AudioTranscoder(configuration: .init(input: input, output: output, opus: opusSettings)) }
    ) { transcoder in
        var produced = 0
        for frame in 0..<framesPerRun {
            let now = MediaTime.milliseconds(Int64(frame) * 20)
            try packets[frame % packets.count].withUnsafeBytes {
                _ = try transcoder.receive(
                    payload: $0, sequence: UInt16(truncatingIfNeeded: frame),
                    timestamp: UInt32(truncatingIfNeeded: frame) &* increment, now: now)
            }
            if let encoded = try transcoder.produceFrame(now: now, into: buffer) { produced += encoded.payloadLength }
        }
        precondition(produced > 0)
    }
}

/// The C baseline: the codec work of Opus -> PCMU or PCMU -> Opus alone.
func baseline(opusToPCMU: Bool) -> Double {
    var flat: [UInt8] = []
    var offsets: [Int32] = []
    var lengths: [Int32] = []
    for frame in 0..<framesPerRun {
        let packet = clientOpus[frame % clientOpus.count]
        offsets.append(Int32(flat.count))
        lengths.append(Int32(packet.count))
        flat += packet
    }
    let codes = (0..<framesPerRun).flatMap { pcmu[$0 % pcmu.count] }
    var checksum: UInt32 = 0
    let result = measure(prepare: { codec_baseline_create(5, 24000)! }) { state in
        if opusToPCMU {
            checksum &+= codec_baseline_opus_to_pcmu(state, flat, offsets, lengths, Int32(framesPerRun))
        } else {
            checksum &+= codec_baseline_pcmu_to_opus(state, codes, Int32(framesPerRun))
        }
        codec_baseline_destroy(state)
    }
    precondition(checksum != 1)
    return result
}

// MARK: Report

struct Path {
    var name: String
    var forward: Double
    var backward: Double
    var call: Double { forward + backward }
    var callsPerCore: Double { 20e6 / call }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func microseconds(_ value: Double) -> String {
    let hundredths = Int(value / 10 + 0.5)
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}

/// Both directions between `a` and `b` through transcoders.
func path(_ name: String, _ a: AudioCodec, _ b: AudioCodec) throws -> Path {
    Path(name: name, forward: try transcode(a, b), backward: try transcode(b, a))
}

let paths = [
    try path("Opus <-> PCMU (8 kHz Opus)", .opus, .pcmu),
    try path("Opus <-> G.722 (16 kHz Opus)", .opus, .g722),
    try path("G.722 <-> PCMU (resampled)", .g722, .pcmu),
    try path("PCMU <-> PCMA", .pcmu, .pcma),
    Path(name: "C baseline Opus <-> PCMU", forward: baseline(opusToPCMU: true), backward: baseline(opusToPCMU: false)),
]

print("Transcoding CPU per 20 ms frame, best of \(runs) runs of \(framesPerRun) frames")
print(
    "\(MediaLibraries.opus); Opus encoder: complexity \(opusSettings.complexity), \(opusSettings.bitrate / 1000) kbit/s, FEC"
)
print(pad("path", 30) + pad("A->B us", 10) + pad("B->A us", 10) + pad("call us", 10) + "calls per core")
for path in paths {
    print(
        pad(path.name, 30) + pad(microseconds(path.forward), 10) + pad(microseconds(path.backward), 10)
            + pad(microseconds(path.call), 10) + "\(Int(path.callsPerCore))")
}
let swiftCall = paths[0].call
let cCall = paths[4].call
print("Opus <-> PCMU: transcoder / C codec loop = \(microseconds(swiftCall / cCall * 1000))x")
