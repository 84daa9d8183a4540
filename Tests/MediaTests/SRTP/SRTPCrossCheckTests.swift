import Testing

@testable import Media

/// The EVP implementation against libsrtp2, for every profile: the same keys and packets give byte-identical
/// SRTP and SRTCP, and each unprotects what the other protected.
@Suite struct SRTPCrossCheckTests {
    /// RTP packets of varied shape: payload sizes from 0 to 1,200 octets, CSRCs, header extensions, padding,
    /// and sequence numbers running across the 65535 -> 0 wrap (so ROC 1 is exercised).
    static func packets(ssrc: UInt32 = 0xCAFE_F00D, count: Int = 300, firstSequence: UInt16 = 65_400) -> [[UInt8]] {
        var generator = SeededGenerator(seed: 0x5EED)
        return (0..<count).map { index in
            let sequence = firstSequence &+ UInt16(truncatingIfNeeded: index)
            let size = index % 7 == 0 ? Int.random(in: 0...1_200, using: &generator) : 160
            let payload = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return SRTPFixtures.rtp(
                sequenceNumber: sequence, ssrc: ssrc, timestamp: UInt32(index) * 160, payloadType: UInt8(index % 128),
                payload: payload, csrcs: index % 5 == 1 ? [1, 2, 3] : [],
                extensionWords: index % 3 == 2 ? [0x1001_0203, 0x0405_0607] : nil,
                padding: index % 11 == 4 ? 4 : 0)
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func srtpIsByteIdentical(profile: SRTPProfile) throws {
        let a = SRTPFixtures.masterKey(profile, seed: 11)
        let b = SRTPFixtures.masterKey(profile, seed: 12)
        let evpSender = try EVPSRTPContext(outbound: a, inbound: b)
        let libSender = try LibSRTPContext(outbound: a, inbound: b)
        let evpReceiver = try EVPSRTPContext(outbound: b, inbound: a)
        let libReceiver = try LibSRTPContext(outbound: b, inbound: a)
        for packet in Self.packets() {
            var viaEVP = packet
            var viaLib = packet
            try evpSender.protectRTP(&viaEVP)
            try libSender.protectRTP(&viaLib)
            #expect(viaEVP == viaLib)
            #expect(viaEVP.count == packet.count + profile.rtpOverhead)
            // Each receiver unprotects the other implementation's output.
            try libReceiver.unprotectRTP(&viaEVP)
            try evpReceiver.unprotectRTP(&viaLib)
            #expect(viaEVP == packet)
            #expect(viaLib == packet)
        }
    }

    /// Several SSRCs interleaved, each with its own index.
    @Test(arguments: SRTPProfile.allCases)
    func severalSSRCs(profile: SRTPProfile) throws {
        let a = SRTPFixtures.masterKey(profile, seed: 21)
        let b = SRTPFixtures.masterKey(profile, seed: 22)
        let evp = try EVPSRTPContext(outbound: a, inbound: b)
        let lib = try LibSRTPContext(outbound: a, inbound: b)
        let evpReceiver = try EVPSRTPContext(outbound: b, inbound: a)
        let libReceiver = try LibSRTPContext(outbound: b, inbound: a)
        let streams = [
            Self.packets(ssrc: 1, count: 40, firstSequence: 65_520), Self.packets(ssrc: 2, count: 40, firstSequence: 7),
            Self.packets(ssrc: 3, count: 40, firstSequence: 40_000),
        ]
        for index in 0..<40 {
            for stream in streams {
                var viaEVP = stream[index]
                var viaLib = stream[index]
                try evp.protectRTP(&viaEVP)
                try lib.protectRTP(&viaLib)
                #expect(viaEVP == viaLib)
                try libReceiver.unprotectRTP(&viaEVP)
                try evpReceiver.unprotectRTP(&viaLib)
                #expect(viaEVP == stream[index] && viaLib == stream[index])
            }
        }
    }

    @Test(arguments: SRTPProfile.allCases, [true, false])
    func srtcpIsByteIdentical(profile: SRTPProfile, encrypted: Bool) throws {
        let a = SRTPFixtures.masterKey(profile, seed: 31)
        let b = SRTPFixtures.masterKey(profile, seed: 32)
        let configuration = SRTPConfiguration(encryptsRTCP: encrypted)
        let evpSender = try EVPSRTPContext(outbound: a, inbound: b, configuration: configuration)
        let libSender = try LibSRTPContext(outbound: a, inbound: b, configuration: configuration)
        let evpReceiver = try EVPSRTPContext(outbound: b, inbound: a)
        let libReceiver = try LibSRTPContext(outbound: b, inbound: a, configuration: configuration)
        let ssrcs: [UInt32] = [0xAAAA_0001, 0xAAAA_0002]
        // RFC 3711 section 3.4 starts the SRTCP index at zero, libsrtp at one: one packet per SSRC that only
        // EVP protects aligns the two. Receivers take any index (it is explicit in the packet).
        for ssrc in ssrcs {
            var first = SRTPFixtures.rtcp(ssrc: ssrc)
            try evpSender.protectRTCP(&first)
            #expect(
                first.withUnsafeBytes { $0.uint32(at: first.count - profile.rtcpOverhead + (profile.isAEAD ? 16 : 0)) }
                    & 0x7FFF_FFFF == 0)
            try libReceiver.unprotectRTCP(&first)
        }
        for round in 0..<50 {
            let packet = SRTPFixtures.rtcp(ssrc: ssrcs[round % 2], seed: UInt32(round))
            var viaEVP = packet
            var viaLib = packet
            try evpSender.protectRTCP(&viaEVP)
            try libSender.protectRTCP(&viaLib)
            #expect(viaEVP == viaLib)
            #expect(viaEVP.count == packet.count + profile.rtcpOverhead)
            // E flag and SRTCP index (RFC 3711 section 3.4).
            let word = viaEVP.withUnsafeBytes { $0.uint32(at: packet.count + (profile.isAEAD ? 16 : 0)) }
            #expect(word >> 31 == (encrypted ? 1 : 0))
            #expect(word & 0x7FFF_FFFF == UInt32(round / 2 + 1))
            // Unencrypted SRTCP carries the RTCP packet in clear.
            #expect((Array(viaEVP.prefix(packet.count)) == packet) == !encrypted)
            try libReceiver.unprotectRTCP(&viaEVP)
            try evpReceiver.unprotectRTCP(&viaLib)
            #expect(viaEVP == packet)
            #expect(viaLib == packet)
        }
    }

    /// The keys of a DTLS-SRTP handshake: the client's context and the server's, built from one exporter output
    /// with opposite roles, interoperate across implementations.
    @Test(arguments: SRTPProfile.allCases)
    func dtlsRolesInteroperate(profile: SRTPProfile) throws {
        let exported = (0..<DTLSSRTPKeyingMaterial.exportedLength(for: profile)).map { UInt8($0 * 7 & 0xFF) }
        let material = try DTLSSRTPKeyingMaterial(profile: profile, exported: exported)
        let client = material.keys(for: .client)
        let server = material.keys(for: .server)
        let clientContext = try EVPSRTPContext(outbound: client.outbound, inbound: client.inbound)
        let serverContext = try LibSRTPContext(outbound: server.outbound, inbound: server.inbound)
        let original = SRTPFixtures.rtp(sequenceNumber: 1, payload: Array(repeating: 0x55, count: 160))
        var packet = original
        try clientContext.protectRTP(&packet)
        try serverContext.unprotectRTP(&packet)
        #expect(packet == original)
        try serverContext.protectRTP(&packet)
        try clientContext.unprotectRTP(&packet)
        #expect(packet == original)
    }

    /// Both implementations write exactly the overhead the profile announces after the packet, nothing beyond
    /// (libsrtp documents that it may use up to SRTP_MAX_TRAILER_LEN; it does not for these profiles).
    @Test(arguments: SRTPImplementation.allCases, SRTPProfile.allCases)
    func writesOnlyTheAnnouncedOverhead(implementation: SRTPImplementation, profile: SRTPProfile) throws {
        let (sender, _) = try SRTPFixtures.pair(profile, sender: implementation, receiver: implementation)
        let canary = [UInt8](repeating: 0xA5, count: 64)
        for (packet, overhead, isRTCP) in [
            (
                SRTPFixtures.rtp(sequenceNumber: 1, payload: [UInt8](repeating: 1, count: 160)), profile.rtpOverhead,
                false
            ),
            (SRTPFixtures.rtcp(), profile.rtcpOverhead, true),
        ] {
            var buffer = packet + [UInt8](repeating: 0, count: overhead) + canary
            let length = try buffer.withMutableRawBytes { (raw) throws(MediaError) in
                let room = UnsafeMutableRawBufferPointer(rebasing: raw[0..<(packet.count + overhead)])
                return isRTCP
                    ? try sender.protectRTCP(room, length: packet.count)
                    : try sender.protectRTP(room, length: packet.count)
            }
            #expect(length == packet.count + overhead)
            #expect(Array(buffer.suffix(canary.count)) == canary)
        }
    }
}
