import CAllocationCounter
import NIOCore
import NIOPosix
import Testing

@testable import Media

extension CallMediaTests {
    /// Relaying allocates nothing per packet once the call is set up, in both directions and on both read paths
    /// (a leg's own socket and its fast path): from the datagram NIO read to the `sendto` on the other leg (SRTP
    /// decryption or latching check, RTCP statistics, rewriting, SRTP encryption). NIO's read itself comes
    /// before and is not counted: on a leg's own socket it builds a `SocketAddress` per datagram (two
    /// allocations), on the fast path nothing.
    @Test(
        "relaying RTP allocates nothing per packet, in both directions",
        .enabled(if: jsb_allocation_counting_available() == 1, "needs glibc's allocator entry points"))
    func relayAllocatesNothing() async throws {
        let observed = Observed()
        let setup = try await relaySetup(observed: observed)
        let (loop, client, bridge) = (setup.loop, setup.client, setup.bridge)
        let ssrc: UInt32 = 0xDEAD_BEEF
        let payload = [UInt8](repeating: 0xD5, count: 160)

        // Warm-up over the sockets: the plain leg latches onto the peer, the client's SRTP reaches the bridge
        // (which then frees its DTLS connection), and every stream's state exists.
        for sequence in 1...5 {
            let packet = Self.rtp(
                sequence: UInt16(sequence), timestamp: UInt32(sequence) * 160, ssrc: ssrc, payload: payload)
            try await setup.peer.writeAndFlush(
                AddressedEnvelope(remoteAddress: setup.bridgeSIP.socketAddress, data: packet))
            try await loop.submit {
                payload.withUnsafeBytes { client.value.sendRTP(on: .jingle, payloadType: 0, payload: $0, samples: 160) }
            }.get()
            try await Task.sleep(for: .milliseconds(2))
        }
        try await waitUntil(loop) {
            observed.received.count >= 5 && (bridge.value.leg(.sip)?.packetsSent ?? 0) >= 5
        }

        let peerAddress = try #require(setup.peer.localAddress)
        let peer = try #require(TransportAddress(peerAddress))
        let count = 200
        let (allocations, toClient, toPeer) = try await loop.submit { () throws -> (Int, Int, Int) in
            let media = bridge.value
            let sipLeg = try #require(media.leg(.sip))
            let jingleLeg = try #require(media.leg(.jingle))
            let clientLeg = try #require(client.value.leg(.jingle))
            guard case .secure(let clientTransport) = clientLeg.transport, let protector = clientTransport.protector,
                let clientAddress = clientLeg.localAddress
            else { throw MediaError(.invalidConfiguration, "the client is not keyed") }
            // Prepared before counting: plain RTP from the peer, SRTP from the client protected with its keys.
            var fromPeer = (0..<count).map { index in
                let sequence = UInt16(6 + index)
                let packet = Self.rtp(
                    sequence: sequence, timestamp: UInt32(sequence) * 160, ssrc: ssrc, payload: payload)
                return AddressedEnvelope(remoteAddress: peerAddress, data: packet)
            }
            var fromClient = try (0..<count).map { _ in
                let (sequence, timestamp) = clientLeg.rewriter.next(samples: 160, now: MediaTime(nanoseconds: 0))
                var packet = Self.rtp(
                    sequence: sequence, timestamp: timestamp, ssrc: clientLeg.rewriter.ssrc, payload: payload)
                packet.writeRepeatingByte(0, count: CallMedia.srtpRoom)
                let length = try packet.withUnsafeMutableReadableBytes { bytes in
                    try protector.protectRTP(bytes, length: RTPPacketView.fixedHeaderLength + payload.count)
                }
                packet.moveWriterIndex(to: length)
                return AddressedEnvelope(remoteAddress: clientAddress.socketAddress, data: packet)
            }
            let sentBefore = (jingleLeg.packetsSent, sipLeg.packetsSent)
            // The first packets instantiate generic metadata in the Swift runtime (debug builds): once per process.
            for index in 0..<Self.uncounted {
                media.received(&fromPeer[index], on: sipLeg)
                media.received(&fromClient[index], on: jingleLeg)
            }
            let before = jsb_thread_allocations()
            for index in Self.uncounted..<count {
                if index % 2 == 0 {
                    media.received(&fromPeer[index], on: sipLeg)
                    media.received(&fromClient[index], on: jingleLeg)
                } else {
                    media.receivedFast(fromPeer[index].data, from: peer, on: sipLeg)
                    media.receivedFast(fromClient[index].data, from: clientAddress, on: jingleLeg)
                }
            }
            let allocations = jsb_thread_allocations() - before
            return (allocations, jingleLeg.packetsSent - sentBefore.0, sipLeg.packetsSent - sentBefore.1)
        }.get()
        try await waitUntil(loop) { observed.received.count >= 5 + count }
        try await setup.close()

        #expect(allocations == 0)
        // The run relayed every packet: none was dropped for a failed check.
        #expect(toClient == count)
        #expect(toPeer == count)
        #expect(observed.received.count == 5 + count)
    }

    /// Packets relayed directly before allocations are counted.
    static let uncounted = 10

    /// A G.711 RTP packet with payload type 0.
    static func rtp(sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]) -> ByteBuffer {
        var packet = ByteBuffer()
        packet.reserveCapacity(RTPPacketView.fixedHeaderLength + payload.count + CallMedia.srtpRoom)
        packet.writeInteger(UInt8(0x80))
        packet.writeInteger(UInt8(0))
        packet.writeInteger(sequence)
        packet.writeInteger(timestamp)
        packet.writeInteger(ssrc)
        packet.writeBytes(payload)
        return packet
    }
}
