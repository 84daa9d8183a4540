import NIOCore
import Testing

@testable import Media

/// Hostile and unexpected input, and closing: errors or events, never a crash, and an established
/// association cannot be torn down by unauthenticated datagrams.
@Suite struct DTLSSessionInputTests {
    /// Datagrams that do not start like a DTLS record are rejected in every state (RFC 7983 section 7).
    @Test func nonDTLSDatagramsThrow() throws {
        let notRecords: [[UInt8]] = [
            [], [22], Array(repeating: 22, count: 12),
            [0x00, 0x01, 0x00, 0x00] + Array(repeating: 0, count: 16),  // STUN
            [0x80, 0x00] + Array(repeating: 0, count: 20),  // RTP
            [22, 0x03, 0x03] + Array(repeating: 0, count: 20),  // TLS, not DTLS
            [22, 0xFE, 0xFD] + Array(repeating: 0, count: 20_000),  // larger than any record
        ]
        var link = DTLSFixtures.link()
        for datagram in notRecords {
            #expect(throws: MediaError(.dtlsNotARecord, "")) { _ = try link.a.receive(datagram, now: link.now) }
        }
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        for datagram in notRecords {
            #expect(throws: MediaError(.dtlsNotARecord, "")) { _ = try link.b.receive(datagram, now: link.now) }
        }
        link.run()
        #expect(link.a.status == .connected)
        for datagram in notRecords {
            #expect(throws: MediaError(.dtlsNotARecord, "")) { _ = try link.a.receive(datagram, now: link.now) }
        }
        #expect(link.a.status == .connected)
    }

    /// Random DTLS-looking records in every phase: whatever OpenSSL makes of them, the session keeps a
    /// consistent state; once connected, nothing unauthenticated changes it.
    @Test func randomRecordsNeverCrash() throws {
        var generator = SeededGenerator(seed: 0xD715)
        func randomRecord() -> [UInt8] {
            var bytes = randomBytes(&generator, maxLength: 300)
            let header: [UInt8] = [
                UInt8.random(in: 20...25, using: &generator), 0xFE, [0xFD, 0xFF].randomElement(using: &generator)!,
                0, UInt8.random(in: 0...2, using: &generator),
            ]
            bytes =
                header + Array(repeating: 0, count: 6) + [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
            return bytes
        }
        // Before the role: buffered, or a server is born from a ClientHello-looking one.
        for _ in 0..<200 {
            let session = DTLSSession(certificate: DTLSFixtures.certificateA)
            _ = try? session.receive(randomRecord(), now: .uptimeNanoseconds(0))
            _ = session.setRole(.server, now: .uptimeNanoseconds(0))
            #expect(session.status != .connected)
        }
        // Waiting for a ClientHello, and mid-handshake.
        for _ in 0..<200 {
            let server = DTLSSession(certificate: DTLSFixtures.certificateA)
            _ = server.setRole(.server, now: .uptimeNanoseconds(0))
            _ = try server.receive(randomRecord(), now: .uptimeNanoseconds(0))
            let client = DTLSSession(certificate: DTLSFixtures.certificateA)
            _ = client.setRole(.client, now: .uptimeNanoseconds(0))
            _ = try client.receive(randomRecord(), now: .uptimeNanoseconds(0))
            _ = client.timerFired(now: .uptimeNanoseconds(5_000_000_000))
        }
        // Connected: random records (epochs 0-2, any type) are dropped by OpenSSL.
        var link = DTLSFixtures.link()
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        for _ in 0..<500 {
            link.inject(randomRecord(), to: .a)
            link.inject(randomRecord(), to: .b)
        }
        #expect(link.a.status == .connected && link.b.status == .connected)
        #expect(link.eventsA.count == 1 && link.eventsB.count == 1)
    }

    /// Genuine handshake datagrams with one byte flipped: the handshake fails or recovers, never crashes.
    @Test func corruptedFlights() {
        var generator = SeededGenerator(seed: 42)
        var outcomes: [DTLSSession.Status: Int] = [:]
        for _ in 0..<60 {
            var link = DTLSFixtures.link()
            var remaining = 1
            link.dropDatagram = { _, _ in false }
            link.dropBatch = { _, _ in false }
            link.setRole(.b, .server)
            link.setRole(.a, .client)
            // Flip a byte in one random datagram of the exchange, delivering the rest unchanged.
            var corruptAt = Int.random(in: 0..<4, using: &generator)
            while link.deliverOneCorrupting(&corruptAt, &remaining, &generator) {}
            link.run()
            outcomes[link.a.status, default: 0] += 1
            #expect([.connected, .failed].contains(link.a.status))
            #expect([.connected, .failed].contains(link.b.status))
        }
        #expect(outcomes[.connected, default: 0] > 0)
    }

    /// close_notify after the handshake: the peer reports `closed` and answers with its own; both stop.
    @Test func closeSendsCloseNotify() throws {
        var link = DTLSFixtures.link()
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.run()
        let actions = link.a.close()
        #expect(actions.count == 1)
        guard case .send(let datagram) = actions.first else { return #expect(Bool(false)) }
        #expect(datagram[0] == 21, "an alert record")
        link.apply(actions, from: .a)
        link.run()
        #expect(link.eventsB.suffix(2) == [.alertReceived(DTLSAlert(level: .warning, code: 0)), .closed])
        #expect(link.b.status == .closed && link.a.status == .closed)
        #expect(link.a.close().isEmpty)
        #expect(try link.a.receive(datagram, now: link.now).isEmpty)
    }

    /// The final flight and a close_notify coalesced in one datagram: the client connects and then sees the
    /// close in the same call (records after the last handshake message are not left behind).
    @Test func recordsAfterTheFinalFlightInTheSameDatagram() throws {
        var link = DTLSFixtures.link()
        var finalFlight: [UInt8]?
        link.dropBatch = { batch, _ in
            guard batch.from == .b, DTLSTestRecord.flight(batch.datagrams) == 4, finalFlight == nil else {
                return false
            }
            finalFlight = batch.datagrams.joined().map { $0 }
            return true
        }
        link.setRole(.b, .server)
        link.setRole(.a, .client)
        link.deliverAll()
        #expect(link.b.status == .connected && link.a.status == .handshaking)
        let close = try #require(link.b.close().first)
        guard case .send(let closeNotify) = close else { return #expect(Bool(false)) }
        link.inject(try #require(finalFlight) + closeNotify, to: .a)
        #expect(link.keys(.a) != nil)
        #expect(link.eventsA.last == .closed)
        #expect(link.a.status == .closed)
    }

    /// Closing mid-handshake sends nothing and stops the timers.
    @Test func closeDuringHandshake() {
        var link = DTLSFixtures.link()
        link.setRole(.a, .client)
        #expect(link.a.nextDeadline != nil)
        #expect(link.a.close().isEmpty)
        #expect(link.a.status == .closed && link.a.nextDeadline == nil)
        #expect(link.a.timerFired(now: link.now + .seconds(60)).isEmpty)
    }
}

extension DTLSTestLink {
    /// Delivers one queued datagram; the `index`-th one delivered gets a random byte flipped.
    fileprivate mutating func deliverOneCorrupting(
        _ index: inout Int, _ remaining: inout Int, _ generator: inout SeededGenerator
    ) -> Bool {
        guard let (to, datagram) = popQueued() else { return false }
        var bytes = datagram
        if index == 0, remaining > 0, bytes.count > 13 {
            let position = Int.random(in: 13..<bytes.count, using: &generator)
            bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            remaining -= 1
        }
        index -= 1
        inject(bytes, to: to)
        return true
    }
}
