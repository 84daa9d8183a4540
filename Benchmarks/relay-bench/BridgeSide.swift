import Media
import NIOCore
import NIOPosix
import RelayBaseline

/// The bridge's half of every call: a `CallMedia` in `.relay` mode with a secure leg (ICE + DTLS-SRTP, toward
/// the client) and a plain RTP leg (toward the SIP peer), all on the one event loop whose thread is measured.
final class BridgeSide {
    /// What the bridge thread has spent and done up to a point in time, read on that thread.
    struct Mark: Sendable {
        var cpuNanoseconds: UInt64
        var wallSeconds: Double
        var allocations: UInt64
        var heapBytes: Int64
        var sleeps: Int64
        var relayed: Int
    }

    let loop: any EventLoop
    let certificate: DTLSCertificate
    let profile: SRTPProfile

    private var calls: [CallMedia] = []
    private var secureTransports: [SecureMediaTransport] = []
    private var plainTransports: [PlainRTPTransport] = []

    init(loop: any EventLoop, certificate: DTLSCertificate, profile: SRTPProfile) {
        self.loop = loop
        self.certificate = certificate
        self.profile = profile
    }

    /// Creates and binds the calls' legs, then applies what the clients' signalling said: ICE facts,
    /// fingerprint and DTLS role (the bridge answers `active`, so it is the DTLS client), the SIP peer's address
    /// and payload type, and relay mode. Returns the bridge's facts for the clients.
    func open(clients: [CallEndpoint], fingerprint: DTLSFingerprint) -> EventLoopFuture<[CallEndpoint]> {
        loop.preconditionInEventLoop()
        var futures: [EventLoopFuture<CallEndpoint>] = []
        for client in clients {
            var ice = ICEConfiguration()
            ice.role = .controlled
            ice.pacingInterval = .milliseconds(20)
            let secure = SecureMediaTransport(
                ice: ice, certificate: certificate, dtls: DTLSSession.Configuration(srtpProfiles: [profile]))
            let plain = PlainRTPTransport()
            let call = CallMedia(eventLoop: loop, inactivityTimeout: .seconds(60))
            calls.append(call)
            secureTransports.append(secure)
            plainTransports.append(plain)
            let legs = call.addLeg(.jingle, transport: .secure(secure), bindAddress: "127.0.0.1", port: 0)
                .and(call.addLeg(.sip, transport: .plain(plain), bindAddress: "127.0.0.1", port: 0))
            futures.append(
                legs.assumeIsolated().flatMapThrowing { _, plainAddress -> CallEndpoint in
                    let now = self.loop.now
                    call.withSecureTransport(.jingle) { transport in
                        transport.setRemoteCredentials(client.credentials)
                        transport.addRemoteCandidate(client.candidate)
                        transport.setRemoteFingerprints([fingerprint], now: now)
                        transport.setDTLSRole(.client, now: now)
                    }
                    plain.configure(
                        remote: TransportAddress(ip: CallEndpoint.loopback, port: client.mediaPort), rtcpMux: true,
                        payloadTypes: [EndpointSide.payloadType], now: now)
                    // G.711 on both legs: pass-through, payload type kept.
                    call.setClockRate(on: .jingle, 8000)
                    call.setClockRate(on: .sip, 8000)
                    call.setPayloadTypeMap(on: .jingle, [EndpointSide.payloadType: EndpointSide.payloadType])
                    call.setPayloadTypeMap(on: .sip, [EndpointSide.payloadType: EndpointSide.payloadType])
                    call.setMode(.relay)
                    guard let candidate = secure.ice.localCandidates.first else {
                        throw BenchError("bridge call \(client.index) has no ICE candidate")
                    }
                    return CallEndpoint(
                        index: client.index, credentials: secure.ice.localCredentials, candidate: candidate,
                        mediaPort: plainAddress.port)
                }.nonisolated())
        }
        return EventLoopFuture.whenAllSucceed(futures, on: loop)
    }

    /// Calls whose secure leg has SRTP keys.
    var securedCount: Int {
        loop.preconditionInEventLoop()
        return secureTransports.filter(\.isSecured).count
    }

    /// Calls that relayed media both ways already (steady state reached).
    var flowingCount: Int {
        loop.preconditionInEventLoop()
        return calls.filter { call in
            let legs = call.statistics()
            return legs.count == 2 && legs.allSatisfy { $0.packetsSent > 0 }
        }.count
    }

    /// Calls whose secure leg's DTLS failed, with the first reason.
    var failure: String? {
        loop.preconditionInEventLoop()
        for secure in secureTransports {
            if secure.dtls.status == .failed {
                return "DTLS failed: \(secure.dtls.failure.map { "\($0)" } ?? "no reason")"
            }
        }
        return nil
    }

    /// RTP packets the bridge forwarded: sent on either leg (the bridge sends nothing else as RTP).
    func relayedPackets() -> Int {
        calls.reduce(0) { sum, call in sum + call.statistics().reduce(0) { $0 + $1.packetsSent } }
    }

    /// Packets dropped by the bridge's legs (before keys, failed authentication, unexpected source).
    func droppedPackets() -> Int {
        calls.reduce(0) { sum, call in sum + call.statistics().reduce(0) { $0 + $1.dropped } }
    }

    /// Reads the counters at the start of a window: statistics first, so their own allocations and CPU fall
    /// outside it.
    func beginWindow() -> Mark {
        loop.preconditionInEventLoop()
        let relayed = relayedPackets()
        let counts = relay_alloc_read()
        let sleeps = relay_thread_sleeps()
        let wall = monotonicSeconds()
        let cpu = relay_thread_cpu_ns()
        return Mark(
            cpuNanoseconds: cpu, wallSeconds: wall, allocations: counts.allocations, heapBytes: counts.net_bytes,
            sleeps: sleeps, relayed: relayed)
    }

    /// Reads the counters at the end of a window: CPU and allocations first, statistics last.
    func endWindow() -> Mark {
        loop.preconditionInEventLoop()
        let cpu = relay_thread_cpu_ns()
        let wall = monotonicSeconds()
        let sleeps = relay_thread_sleeps()
        let counts = relay_alloc_read()
        return Mark(
            cpuNanoseconds: cpu, wallSeconds: wall, allocations: counts.allocations, heapBytes: counts.net_bytes,
            sleeps: sleeps, relayed: relayedPackets())
    }

    /// Switches every call to transcoding, Opus on the client's leg and PCMU on the peer's (the endpoints keep
    /// sending PCMU, so only the SIP leg's audio is decoded; both legs get encoded frames every 20 ms).
    func startTranscoding() throws {
        loop.preconditionInEventLoop()
        for call in calls {
            try call.startTranscoding(jingle: (.opus, 111), sip: (.pcmu, EndpointSide.payloadType))
        }
    }

    func close() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        let futures = calls.map { $0.close() }
        return EventLoopFuture.andAllComplete(futures, on: loop).assumeIsolated().map {
            self.calls.removeAll()
            self.secureTransports.removeAll()
            self.plainTransports.removeAll()
        }.nonisolated()
    }
}
