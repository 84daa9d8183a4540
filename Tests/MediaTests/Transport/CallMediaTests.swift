import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Media

/// Two `CallMedia`s on real loopback sockets: ICE, DTLS-SRTP and the relay paths end to end.
@Suite("Call media over loopback")
struct CallMediaTests {
    /// Everything a test reads back from the loop.
    final class Observed: @unchecked Sendable {
        // Written and read on the loop only (the test reads after hopping onto it).
        var events: [CallMedia.LegID: [CallMedia.Event]] = [:]
        var received: [(CallMedia.LegID, UInt8, [UInt8])] = []
    }

    static let certificate = try! DTLSCertificate.generate(validFrom: Int64(Date().timeIntervalSince1970))

    func secureLeg(role: ICERole) -> SecureMediaTransport {
        var configuration = ICEConfiguration()
        configuration.role = role
        configuration.pacingInterval = .milliseconds(5)
        return SecureMediaTransport(ice: configuration, certificate: Self.certificate)
    }

    /// Joins two secure legs the way signalling would: credentials, candidates, fingerprints, roles.
    func connect(_ a: CallMedia, _ b: CallMedia) {
        let now = a.eventLoop.now
        guard case .secure(let ta) = a.transport(.jingle), case .secure(let tb) = b.transport(.jingle) else {
            Issue.record("legs are not secure")
            return
        }
        a.withSecureTransport(.jingle) { transport in
            transport.setRemoteCredentials(tb.ice.localCredentials)
            for candidate in tb.ice.localCandidates { transport.addRemoteCandidate(candidate) }
            transport.setRemoteFingerprints([Self.certificate.fingerprint], now: now)
            transport.setDTLSRole(.server, now: now)
        }
        b.withSecureTransport(.jingle) { transport in
            transport.setRemoteCredentials(ta.ice.localCredentials)
            for candidate in ta.ice.localCandidates { transport.addRemoteCandidate(candidate) }
            transport.setRemoteFingerprints([Self.certificate.fingerprint], now: now)
            transport.setDTLSRole(.client, now: now)
        }
    }

    @Test("ICE and DTLS-SRTP connect over loopback and the echo mode returns RTP, re-stamped with our SSRC")
    func echoOverSecureLegs() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let observed = Observed()
        let (a, b) = try await loop.submit { () -> (NIOLoopBound<CallMedia>, NIOLoopBound<CallMedia>) in
            let a = CallMedia(eventLoop: loop)
            let b = CallMedia(eventLoop: loop)
            a.onEvent = { observed.events[.jingle, default: []].append($0) }
            a.onRTP = { leg, packet in
                observed.received.append((leg, packet.payloadType, Array(packet.bytes[packet.payloadRange])))
            }
            b.setMode(.echo(.jingle))
            return (NIOLoopBound(a, eventLoop: loop), NIOLoopBound(b, eventLoop: loop))
        }.get()
        _ = try await loop.flatSubmit {
            a.value.addLeg(
                .jingle, transport: .secure(self.secureLeg(role: .controlling)), bindAddress: "127.0.0.1", port: 0
            )
            .and(
                b.value.addLeg(
                    .jingle, transport: .secure(self.secureLeg(role: .controlled)), bindAddress: "127.0.0.1", port: 0))
        }.get()
        try await loop.submit {
            b.value.setPayloadTypeMap(on: .jingle, [111: 111])
            self.connect(a.value, b.value)
        }.get()

        // Wait for keys on both sides, then send 50 packets of 20 ms.
        try await waitUntil(loop) {
            guard case .secure(let ta) = a.value.transport(.jingle), case .secure(let tb) = b.value.transport(.jingle)
            else { return false }
            return ta.isSecured && tb.isSecured && ta.mediaDestination != nil && tb.mediaDestination != nil
        }
        // Keys alone do not prove the peer finished its handshake: OpenSSL's state stays until its SRTP comes.
        let releasedBefore = try await loop.submit { () -> [Bool] in
            [a.value, b.value].map { media in
                guard case .secure(let transport) = media.transport(.jingle) else { return true }
                return transport.dtls.isConnectionReleased
            }
        }.get()
        #expect(releasedBefore == [false, false])
        let payload: [UInt8] = Array(0..<160).map { UInt8($0) }
        for _ in 0..<50 {
            try await loop.submit {
                payload.withUnsafeBytes { a.value.sendRTP(on: .jingle, payloadType: 111, payload: $0, samples: 960) }
            }.get()
            try await Task.sleep(for: .milliseconds(2))
        }
        try await waitUntil(loop) { observed.received.count >= 50 }
        let statistics = try await loop.submit { (a.value.statistics(), b.value.statistics()) }.get()
        let releasedAfter = try await loop.submit { () -> [Bool] in
            [a.value, b.value].map { media in
                guard case .secure(let transport) = media.transport(.jingle) else { return false }
                return transport.dtls.isConnectionReleased
            }
        }.get()
        try await loop.flatSubmit { a.value.close().and(b.value.close()).map { _ in } }.get()

        // Each side received the other's SRTP, so each freed its DTLS connection.
        #expect(releasedAfter == [true, true])
        #expect(observed.received.count == 50)
        #expect(observed.received.allSatisfy { $0.0 == .jingle && $0.1 == 111 && $0.2 == payload })
        #expect(statistics.0.first?.srtpProfile != nil)
        #expect(statistics.0.first?.dtlsStatus == .connected)
        #expect(statistics.1.first?.packetsReceived == 50)
        #expect(statistics.1.first?.packetsSent == 50)
        #expect(statistics.0.first?.dropped == 0)
        let secured = observed.events[.jingle, default: []].contains {
            if case .transport(_, .secured) = $0 { return true }
            return false
        }
        #expect(secured)
    }

    /// A relaying `bridge` between a secure leg (to `client`, keyed) and a plain leg (to `peer`, a raw UDP socket
    /// whose SDP claims an unreachable address, as a NATed phone's does).
    struct RelaySetup {
        var loop: any EventLoop
        var client: NIOLoopBound<CallMedia>
        var bridge: NIOLoopBound<CallMedia>
        var plain: NIOLoopBound<PlainRTPTransport>
        var peer: any Channel
        var bridgeSIP: TransportAddress

        func close() async throws {
            try await peer.close()
            try await loop.flatSubmit { client.value.close().and(bridge.value.close()).map { _ in } }.get()
        }
    }

    func relaySetup(observed: Observed) async throws -> RelaySetup {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let (client, bridge) = try await loop.submit { () -> (NIOLoopBound<CallMedia>, NIOLoopBound<CallMedia>) in
            let client = CallMedia(eventLoop: loop)
            let bridge = CallMedia(eventLoop: loop)
            client.onRTP = { leg, packet in
                observed.received.append((leg, packet.payloadType, Array(packet.bytes[packet.payloadRange])))
            }
            bridge.onEvent = { observed.events[.sip, default: []].append($0) }
            bridge.setMode(.relay)
            return (NIOLoopBound(client, eventLoop: loop), NIOLoopBound(bridge, eventLoop: loop))
        }.get()
        let plainBox = try await loop.submit { NIOLoopBound(PlainRTPTransport(), eventLoop: loop) }.get()
        _ = try await loop.flatSubmit {
            client.value.addLeg(
                .jingle, transport: .secure(self.secureLeg(role: .controlling)), bindAddress: "127.0.0.1", port: 0
            )
            .and(
                bridge.value.addLeg(
                    .jingle, transport: .secure(self.secureLeg(role: .controlled)), bindAddress: "127.0.0.1", port: 0)
            )
            .and(bridge.value.addLeg(.sip, transport: .plain(plainBox.value), bindAddress: "127.0.0.1", port: 0))
        }.get()
        // The SIP peer: a raw socket whose SDP claims an unreachable address (a NATed phone).
        let peer = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let bridgeSIP = try await loop.submit { bridge.value.localAddress(.sip)! }.get()
        try await loop.submit {
            plainBox.value.configure(
                remote: TransportAddress("127.0.0.1", port: 9)!, rtcpMux: true, payloadTypes: [0],
                now: loop.now)
            bridge.value.setPayloadTypeMap(on: .jingle, [0: 0])
            bridge.value.setPayloadTypeMap(on: .sip, [0: 0])
            self.connect(client.value, bridge.value)
        }.get()
        try await waitUntil(loop) {
            guard case .secure(let a) = client.value.transport(.jingle),
                case .secure(let b) = bridge.value.transport(.jingle)
            else { return false }
            return a.isSecured && b.isSecured && a.mediaDestination != nil && b.mediaDestination != nil
        }
        return RelaySetup(loop: loop, client: client, bridge: bridge, plain: plainBox, peer: peer, bridgeSIP: bridgeSIP)
    }

    @Test("a plain leg latches onto the source of negotiated RTP and relays to the secure leg's peer")
    func plainLegLatching() async throws {
        let observed = Observed()
        let setup = try await relaySetup(observed: observed)
        let (loop, peer, bridgeSIP, plainBox) = (setup.loop, setup.peer, setup.bridgeSIP, setup.plain)
        var packet = ByteBuffer(bytes: [0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0xDE, 0xAD, 0xBE, 0xEF])
        packet.writeBytes([UInt8](repeating: 0xFF, count: 160))
        for sequence in 1...10 {
            packet.setInteger(UInt16(sequence), at: 2)
            try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: bridgeSIP.socketAddress, data: packet))
            try await Task.sleep(for: .milliseconds(2))
        }
        try await waitUntil(loop) { observed.received.count >= 10 }
        let latched = try await loop.submit { plainBox.value.rtpDestination }.get()
        let peerAddress = TransportAddress(peer.localAddress!)
        try await setup.close()
        #expect(observed.received.count == 10)
        #expect(observed.received.allSatisfy { $0.1 == 0 && $0.2 == [UInt8](repeating: 0xFF, count: 160) })
        #expect(latched == peerAddress)
        #expect(
            observed.events[.sip, default: []].contains {
                if case .latched(.sip, _) = $0 { return true }
                return false
            })
    }

    /// Polls a condition on the loop every 10 ms for up to 5 s.
    func waitUntil(_ loop: any EventLoop, _ condition: @escaping @Sendable () -> Bool) async throws {
        for _ in 0..<500 {
            if try await loop.submit(condition).get() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 5 s")
    }
}
