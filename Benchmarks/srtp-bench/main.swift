// srtp-bench: nanoseconds per protect + unprotect of one RTP packet with a 160-octet payload (20 ms of G.711),
// for each SRTP profile, with the EVP implementation and with libsrtp2. Build with `-c release`.
//
// Usage: srtp-bench [packets per run, default 100000] [runs, default 10]
//
// Each run protects and then unprotects `packets` packets in one buffer, the sequence number advancing (so
// rollover and replay tracking work as in a real stream); a second loop protects only. The best run is
// reported, which filters out time slices lost to other processes on a busy machine.
//
// Allocation check: run it under `valgrind` with two packet counts; the heap totals must not differ for EVP.

import Media

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let packetsPerRun = arguments.first ?? 100_000
let runs = arguments.dropFirst().first ?? 10
let payloadLength = 160
let headerLength = 12

/// Best nanoseconds per packet over `runs` runs of `body(packets)`, after a warm-up.
func measure(_ body: (Int) throws -> Void) rethrows -> Double {
    try body(max(packetsPerRun / 10, 1))
    var best = Double.infinity
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body(packetsPerRun)
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, nanoseconds / Double(packetsPerRun))
    }
    return best
}

/// A sender and a receiver of one implementation, sharing fresh keys.
func makePair(_ implementation: SRTPImplementation, _ profile: SRTPProfile) throws -> (
    any SRTPProtector, any SRTPProtector
) {
    let a = try SRTPMasterKey.random(for: profile)
    let b = try SRTPMasterKey.random(for: profile)
    return (
        try implementation.makeProtector(outbound: a, inbound: b),
        try implementation.makeProtector(outbound: b, inbound: a)
    )
}

struct Row {
    var profile: SRTPProfile
    var implementation: SRTPImplementation
    var roundTrip: Double
    var protect: Double
}

var rows: [Row] = []
for profile in SRTPProfile.allCases {
    for implementation in SRTPImplementation.allCases {
        // V=2, PT 0, an SSRC, 160 octets of payload, and room for the largest tag.
        var buffer = [UInt8](repeating: 0, count: headerLength + payloadLength + 16)
        buffer[0] = 0x80
        buffer[8] = 0x12
        buffer[11] = 0x34
        for index in headerLength..<(headerLength + payloadLength) {
            buffer[index] = UInt8(truncatingIfNeeded: index &* 31)
        }
        let packetLength = headerLength + payloadLength

        let (sender, receiver) = try makePair(implementation, profile)
        var sequence: UInt16 = 0
        let roundTrip = try buffer.withUnsafeMutableBytes { raw in
            try measure { count in
                for _ in 0..<count {
                    sequence &+= 1
                    raw.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
                    let protected = try sender.protectRTP(raw, length: packetLength)
                    let length = try receiver.unprotectRTP(raw, length: protected)
                    precondition(length == packetLength)
                }
            }
        }
        let (protectOnly, _) = try makePair(implementation, profile)
        sequence = 0
        let protect = try buffer.withUnsafeMutableBytes { raw in
            try measure { count in
                for _ in 0..<count {
                    sequence &+= 1
                    raw.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
                    _ = try protectOnly.protectRTP(raw, length: packetLength)
                }
            }
        }
        rows.append(Row(profile: profile, implementation: implementation, roundTrip: roundTrip, protect: protect))
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func format(_ value: Double) -> String {
    let tenths = Int(value * 10 + 0.5)
    return "\(tenths / 10).\(tenths % 10)"
}

print("SRTP: RTP packet with a \(payloadLength)-octet payload, best of \(runs) runs of \(packetsPerRun) packets")
print("\(EVPSRTPContext.libraryVersion); \(LibSRTPContext.libraryVersion)")
print(
    pad("profile", 26) + pad("implementation", 16) + pad("protect+unprotect ns", 22) + pad("protect ns", 12)
        + "unprotect ns")
for row in rows {
    print(
        pad(row.profile.sdesName, 26) + pad(row.implementation.description, 16) + pad(format(row.roundTrip), 22)
            + pad(format(row.protect), 12) + format(row.roundTrip - row.protect))
}
for profile in SRTPProfile.allCases {
    let time = { (implementation: SRTPImplementation) in
        rows.first { $0.profile == profile && $0.implementation == implementation }!.roundTrip
    }
    print("\(pad(profile.sdesName, 26))libsrtp / evp: \(format(time(.libsrtp) / time(.evp)))x")
}
