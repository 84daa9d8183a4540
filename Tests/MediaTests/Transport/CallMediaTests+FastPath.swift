import NIOCore
import NIOPosix
import Testing

@testable import Media

extension CallMediaTests {
    /// What a leg's fast path looks like from the loop.
    struct FastPathState: Equatable {
        var peer: TransportAddress?
        var received: Int
    }

    func fastPath(_ media: NIOLoopBound<CallMedia>, _ id: CallMedia.LegID, on loop: any EventLoop) async throws
        -> FastPathState
    {
        try await loop.submit {
            let leg = media.value.leg(id)
            return FastPathState(peer: leg?.fastPeer, received: leg?.fastPathReceived ?? 0)
        }.get()
    }

    @Test("each leg's peer moves to a connected socket; if that closes, the leg's own socket takes over")
    func fastPathAndFallback() async throws {
        let observed = Observed()
        let setup = try await relaySetup(observed: observed)
        let (loop, client, bridge) = (setup.loop, setup.client, setup.bridge)
        let payload = [UInt8](repeating: 0xD5, count: 160)
        var sequence: UInt16 = 0
        /// Sends `count` packets from the SIP peer and from the client through the bridge.
        func exchange(_ count: Int) async throws {
            for _ in 0..<count {
                sequence &+= 1
                let packet = Self.rtp(
                    sequence: sequence, timestamp: UInt32(sequence) * 160, ssrc: 0xBEEF, payload: payload)
                try await setup.peer.writeAndFlush(
                    AddressedEnvelope(remoteAddress: setup.bridgeSIP.socketAddress, data: packet))
                try await loop.submit {
                    payload.withUnsafeBytes {
                        client.value.sendRTP(on: .jingle, payloadType: 0, payload: $0, samples: 160)
                    }
                }.get()
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        try await exchange(5)
        try await waitUntil(loop) { observed.received.count >= 5 }
        let peerAddress = try #require(setup.peer.localAddress.flatMap(TransportAddress.init))
        let clientAddress = try await loop.submit { client.value.localAddress(.jingle) }.get()
        let opened = (
            sip: try await fastPath(bridge, .sip, on: loop), jingle: try await fastPath(bridge, .jingle, on: loop)
        )
        #expect(opened.sip.peer == peerAddress)
        #expect(opened.jingle.peer == clientAddress)

        // Once open, the peers' media comes through the fast path.
        try await exchange(5)
        try await waitUntil(loop) { observed.received.count >= 10 }
        let flowing = (
            sip: try await fastPath(bridge, .sip, on: loop), jingle: try await fastPath(bridge, .jingle, on: loop)
        )
        #expect(flowing.sip.received >= opened.sip.received + 5)
        #expect(flowing.jingle.received >= opened.jingle.received + 5)

        // The SIP leg's fast path closes (as an ICMP error would close it): media keeps flowing.
        try await loop.flatSubmit { bridge.value.leg(.sip)!.fastChannel!.close() }.get()
        let closed = try await fastPath(bridge, .sip, on: loop)
        #expect(closed.peer == nil)
        try await exchange(5)
        try await waitUntil(loop) { observed.received.count >= 15 }
        #expect(try await fastPath(bridge, .sip, on: loop) == closed, "no new fast path before the retry delay")

        // After the retry delay the next packet from the peer opens it again.
        try await Task.sleep(for: .milliseconds(1100))
        try await exchange(3)
        try await waitUntil(loop) { observed.received.count >= 18 }
        #expect(try await fastPath(bridge, .sip, on: loop).peer == peerAddress)
        try await setup.close()
        #expect(observed.received.count == 18)
    }
}
