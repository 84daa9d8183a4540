import Foundation

@testable import Media

/// An RTP payload with its header fields and the virtual millisecond it arrives at.
struct TestPacket {
    var sequence: UInt16
    var timestamp: UInt32
    var payload: [UInt8]
    var arrival: Int64
}

/// Encodes `pcm` (at the encoder's rate) into packets of `ptime` ms sent every `ptime` ms from `start`.
func makePackets(
    _ pcm: [Int16], encoder: any AudioEncoder, ptime: Int, firstSequence: UInt16 = 1000,
    firstTimestamp: UInt32 = 90_000, start: Int64 = 0
) throws -> [TestPacket] {
    let samples = encoder.sampleRate / 1000 * ptime
    let ticks = UInt32(encoder.codec.timestampIncrement(ptime: ptime))
    var packets: [TestPacket] = []
    var payload = [UInt8](repeating: 0, count: 1500)
    for (index, offset) in stride(from: 0, to: pcm.count - samples + 1, by: samples).enumerated() {
        let length = try pcm[offset..<(offset + samples)].withUnsafeBufferPointer { frame in
            try payload.withUnsafeMutableBytes { try encoder.encode(frame, into: $0) }
        }
        packets.append(
            TestPacket(
                sequence: firstSequence &+ UInt16(index), timestamp: firstTimestamp &+ UInt32(index) &* ticks,
                payload: Array(payload[0..<length]), arrival: start + Int64(index * ptime)))
    }
    return packets
}

/// Drives a transcoder in virtual time: packets are received at their arrival, and a frame is produced
/// every `ptime` ms.
final class TranscoderHarness {
    let transcoder: AudioTranscoder
    var output = [UInt8](repeating: 0, count: 1500)
    var frames: [(frame: EncodedAudioFrame?, payload: [UInt8])] = []
    var errors: [any Error] = []

    init(_ configuration: AudioTranscoder.Configuration) throws {
        transcoder = try AudioTranscoder(configuration: configuration)
    }

    /// Runs from `start` to `end` (exclusive), producing at `start`, `start + ptime`, ...
    func run(_ packets: [TestPacket], from start: Int64 = 0, until end: Int64) throws {
        let ptime = Int64(transcoder.configuration.outputPtime)
        var next = packets.sorted { $0.arrival < $1.arrival }[...]
        for now in stride(from: start, to: end, by: Int(ptime)) {
            while let packet = next.first, packet.arrival <= now {
                do {
                    try packet.payload.withUnsafeBytes {
                        _ = try transcoder.receive(
                            payload: $0, sequence: packet.sequence, timestamp: packet.timestamp,
                            now: .milliseconds(packet.arrival))
                    }
                } catch {
                    errors.append(error)
                }
                next = next.dropFirst()
            }
            let frame = try output.withUnsafeMutableBytes {
                try transcoder.produceFrame(now: .milliseconds(now), into: $0)
            }
            frames.append((frame, frame.map { Array(output[0..<$0.payloadLength]) } ?? []))
        }
    }

    /// Decodes every payload produced with a fresh decoder of the output codec at `sampleRate`.
    func decodedOutput(sampleRate: Int) throws -> [Int16] {
        let decoder = try transcoder.configuration.output.makeDecoder(sampleRate: sampleRate)
        var pcm = [Int16](repeating: 0, count: 5760)
        var result: [Int16] = []
        for (frame, payload) in frames {
            guard frame != nil else { continue }
            let count = try payload.withUnsafeBytes { raw in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) }
            }
            result += pcm[0..<count]
        }
        return result
    }
}
