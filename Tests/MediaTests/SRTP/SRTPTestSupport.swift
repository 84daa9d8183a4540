@testable import Media

/// Keys, packets and helpers shared by the SRTP tests.
enum SRTPFixtures {

    /// Deterministic master keys: `seed` picks the key.
    static func masterKey(_ profile: SRTPProfile, seed: UInt64) -> SRTPMasterKey {
        var generator = SeededGenerator(seed: seed)
        let bytes = (0..<(profile.masterKeyLength + profile.masterSaltLength)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        return try! SRTPMasterKey(profile: profile, concatenated: bytes)
    }

    /// A sender and a receiver that share keys: what `sender` protects, `receiver` unprotects.
    static func pair(
        _ profile: SRTPProfile, sender: SRTPImplementation, receiver: SRTPImplementation,
        configuration: SRTPConfiguration = SRTPConfiguration()
    ) throws -> (sender: any SRTPProtector, receiver: any SRTPProtector) {
        let a = masterKey(profile, seed: 1)
        let b = masterKey(profile, seed: 2)
        return (
            try sender.makeProtector(outbound: a, inbound: b, configuration: configuration),
            try receiver.makeProtector(outbound: b, inbound: a, configuration: configuration)
        )
    }

    /// An RTP packet (RFC 3550 section 5.1) with optional CSRCs, a one-byte header extension and padding.
    static func rtp(
        sequenceNumber: UInt16, ssrc: UInt32 = 0x1234_5678, timestamp: UInt32 = 0, payloadType: UInt8 = 0,
        payload: [UInt8], csrcs: [UInt32] = [], extensionWords: [UInt32]? = nil, padding: Int = 0
    ) -> [UInt8] {
        var packet: [UInt8] = []
        let first = 0x80 | (padding > 0 ? 0x20 : 0) | (extensionWords != nil ? 0x10 : 0) | UInt8(csrcs.count)
        packet.append(first)
        packet.append(payloadType)
        packet.appendBigEndian(sequenceNumber)
        packet.appendBigEndian(timestamp)
        packet.appendBigEndian(ssrc)
        for csrc in csrcs { packet.appendBigEndian(csrc) }
        if let extensionWords {
            packet.appendBigEndian(UInt16(0xBEDE))
            packet.appendBigEndian(UInt16(extensionWords.count))
            for word in extensionWords { packet.appendBigEndian(word) }
        }
        packet += payload
        if padding > 0 {
            packet += [UInt8](repeating: 0, count: padding - 1)
            packet.append(UInt8(padding))
        }
        return packet
    }

    /// A compound RTCP packet: a sender report from `ssrc` with one report block, then SDES with a CNAME.
    static func rtcp(ssrc: UInt32 = 0x1234_5678, seed: UInt32 = 0) -> [UInt8] {
        var packet: [UInt8] = [0x81, 200]
        packet.appendBigEndian(UInt16(12))
        packet.appendBigEndian(ssrc)
        for word in 0..<5 { packet.appendBigEndian(UInt32(word) &+ seed) }  // NTP, RTP timestamp, counts
        for word in 0..<6 { packet.appendBigEndian(0xA000_0000 | UInt32(word) &+ seed) }  // report block
        // SDES: one chunk, CNAME "bridge", end, padded to a word.
        packet += [0x81, 202]
        packet.appendBigEndian(UInt16(4))
        packet.appendBigEndian(ssrc)
        packet += [1, 6] + Array("bridge".utf8)
        packet += [0, 0, 0, 0]
        return packet
    }

    /// The same packet with one bit flipped.
    static func flipping(_ packet: [UInt8], bit: Int) -> [UInt8] {
        var copy = packet
        copy[bit / 8] ^= 1 << (bit % 8)
        return copy
    }

    /// The error code a throwing call ends with, or nil when it succeeds.
    static func errorCode(_ body: () throws -> Void) -> MediaError.Code? {
        do {
            try body()
            return nil
        } catch let error as MediaError {
            return error.code
        } catch {
            return MediaError.Code("unexpected: \(error)")
        }
    }
}
