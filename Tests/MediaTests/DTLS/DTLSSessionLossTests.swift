import NIOCore
import Testing

@testable import Media

/// Retransmission on the engine clock (RFC 6347 section 4.2.4): lost flights, a lost final flight, the
/// backoff schedule and the total timeout, all in virtual time.
@Suite struct DTLSSessionLossTests {
    /// Drops the first `times` transmissions of `flight`.
    static func dropping(flight: Int, times: Int = 1) -> (DTLSTestLink.Batch, [DTLSTestLink.Batch]) -> Bool {
        { batch, earlier in
            guard DTLSTestRecord.flight(batch.datagrams) == flight else { return false }
            return earlier.filter { DTLSTestRecord.flight($0.datagrams) == flight }.count < times
        }
    }

    /// Each of the four flights lost once, the final one included: the handshake still completes once
    /// the clock reaches the first retransmission, with the same keys on both sides.
    @Test(arguments: 1...4, [DTLSRole.client, .server])
    func eachFlightLostOnce(flight: Int, roleOfA: DTLSRole) throws {
        var link = DTLSFixtures.link()
        link.dropBatch = Self.dropping(flight: flight)
        link.setRole(.b, roleOfA.opposite)
        link.setRole(.a, roleOfA)
        link.run()
        let keysA = try #require(link.keys(.a), "flight \(flight): \(link.eventsA)")
        let keysB = try #require(link.keys(.b), "flight \(flight): \(link.eventsB)")
        #expect(keysA.exportedBytes == keysB.exportedBytes)
        #expect(link.elapsed == 1, "recovered by the first retransmission, 1 s after the loss")
        #expect(link.a.nextDeadline == nil && link.b.nextDeadline == nil)
    }

    /// Each flight lost twice: the second retransmission (3 s after the first try) gets through.
    @Test(arguments: 1...4)
    func eachFlightLostTwice(flight: Int) throws {
        var link = DTLSFixtures.link()
        link.dropBatch = Self.dropping(flight: flight, times: 2)
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(link.keys(.a) != nil && link.keys(.b) != nil, "flight \(flight)")
        #expect(link.keys(.a)?.exportedBytes == link.keys(.b)?.exportedBytes)
        #expect(link.elapsed == 3)
    }

    /// The final flight is lost; the server, already complete, answers the client's retransmitted flight
    /// with its final flight again, and then loses the Finished of that answer too (its ChangeCipherSpec
    /// arrives alone). The client's next retransmission brings the rest.
    @Test func finalFlightLostWholeThenHalf() throws {
        var link = DTLSFixtures.link()
        var serverFinalFlights = 0
        link.dropBatch = { batch, _ in
            guard batch.from == .b, DTLSTestRecord.flight(batch.datagrams) == 4 else { return false }
            serverFinalFlights += 1
            return serverFinalFlights == 1
        }
        var droppedFinished = false
        link.dropDatagram = { side, datagram in
            // The retransmitted final flight comes as two datagrams; lose the epoch-1 Finished once.
            guard side == .b, !droppedFinished, datagram[0] == 22, datagram[4] == 1 else { return false }
            droppedFinished = true
            return true
        }
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        #expect(droppedFinished)
        #expect(link.b.status == .connected)
        let keysA = try #require(link.keys(.a))
        #expect(keysA.exportedBytes == link.keys(.b)?.exportedBytes)
        #expect(link.elapsed == 3)
    }

    /// Every datagram delivered again after the handshake, in a different order: stale and duplicate
    /// records are dropped and change nothing.
    @Test func duplicatedDatagrams() throws {
        var link = DTLSFixtures.link()
        var seen: [(DTLSTestLink.Side, [UInt8])] = []
        link.dropDatagram = { side, datagram in
            seen.append((side, datagram))
            return false
        }
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.deliverAll()
        let keysA = try #require(link.keys(.a))
        for (from, datagram) in seen.reversed() {
            link.inject(datagram, to: from.other)
        }
        link.run()
        #expect(link.a.status == .connected && link.b.status == .connected)
        #expect(link.keys(.b)?.exportedBytes == keysA.exportedBytes)
        #expect(link.receiveErrors.isEmpty)
    }

    /// A silent peer: the ClientHello goes out at 0 and is retransmitted at 1, 3, 7 and 15 s (doubling
    /// from 1 s), each time as a fresh copy; at 30 s the session gives up with a clear reason.
    @Test func silentPeerTimesOut() throws {
        var link = DTLSFixtures.link()
        link.dropBatch = { _, _ in true }
        link.setRole(.a, .client)
        link.run()
        let times = link.batches.map { Double(($0.time - link.start).nanoseconds) / 1e9 }
        #expect(times == [0, 1, 3, 7, 15])
        let flights = link.batches.map(\.datagrams)
        #expect(Set(flights).count == flights.count, "every retransmission carries new record sequence numbers")
        let failure = try #require(link.failure(.a))
        #expect(failure.code == .dtlsHandshakeTimeout)
        #expect(failure.reason.contains("30 s"))
        #expect(link.elapsed == 30)
        #expect(link.a.status == .failed && link.a.nextDeadline == nil)
        #expect(link.a.failure == failure)
    }

    /// The schedule and the total are configurable: from 100 ms, 0.1/0.3/0.7/1.5 s, giving up at 2 s.
    @Test func configurableSchedule() throws {
        let configuration = DTLSSession.Configuration(
            initialRetransmissionTimeout: .milliseconds(100), handshakeTimeout: .seconds(2))
        var link = DTLSFixtures.link(configurationA: configuration)
        link.dropBatch = { _, _ in true }
        link.setRole(.a, .client)
        link.run()
        let times = link.batches.map { Int(($0.time - link.start).nanoseconds / 1_000_000) }
        #expect(times == [0, 100, 300, 700, 1500])
        #expect(link.failure(.a)?.code == .dtlsHandshakeTimeout)
        #expect(link.elapsed == 2)
    }

    /// The interval stops doubling at the configured maximum; past the ten copies OpenSSL prepares, the
    /// last copy is sent again, and a peer that finally hears one still completes.
    @Test func cappedIntervalAndManyLosses() throws {
        let configuration = DTLSSession.Configuration(
            initialRetransmissionTimeout: .milliseconds(500), maximumRetransmissionTimeout: .seconds(1))
        var link = DTLSFixtures.link(configurationA: configuration)
        link.dropBatch = Self.dropping(flight: 1, times: 14)
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        let clientTimes = link.batches.filter { $0.from == .a && DTLSTestRecord.flight($0.datagrams) == 1 }
            .map { Int(($0.time - link.start).nanoseconds / 1_000_000) }
        #expect(Array(clientTimes.prefix(5)) == [0, 500, 1500, 2500, 3500])
        #expect(clientTimes.count == 15)
        #expect(link.keys(.a) != nil && link.keys(.b) != nil)
    }

    /// The server also retransmits its flight, and gives up 30 s after the ClientHello arrived when the
    /// client goes silent.
    @Test func serverTimesOutWhenClientGoesSilent() throws {
        var link = DTLSFixtures.link()
        link.dropBatch = { batch, _ in batch.from == .b || DTLSTestRecord.flight(batch.datagrams) == 3 }
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        let serverTimes = link.batches.filter { $0.from == .b }.map { Double(($0.time - link.start).nanoseconds) / 1e9 }
        #expect(serverTimes == [0, 1, 3, 7, 15])
        #expect(link.failure(.b)?.code == .dtlsHandshakeTimeout)
        #expect(link.failure(.a)?.code == .dtlsHandshakeTimeout)
    }

    /// A server waiting for its first ClientHello has no deadline at all: the handshake clock starts with
    /// the first flight.
    @Test func idleServerHasNoDeadline() {
        var link = DTLSFixtures.link()
        link.setRole(.b, .server)
        #expect(link.b.status == .handshaking)
        #expect(link.b.nextDeadline == nil)
        #expect(link.b.timerFired(now: link.now + .seconds(3600)).isEmpty)
    }
}
