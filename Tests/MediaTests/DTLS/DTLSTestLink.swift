import Foundation
import NIOCore

@testable import Media

/// Two `DTLSSession`s joined by in-memory queues on a virtual clock, with a hook that drops datagrams.
///
/// `run()` delivers queued datagrams one at a time (oldest first) and, when none are queued, moves the
/// clock to the earliest deadline and fires it, until nothing is queued and no deadline is left.
struct DTLSTestLink {
    enum Side: Hashable, CustomStringConvertible {
        case a, b

        var other: Side { self == .a ? .b : .a }
        var description: String { self == .a ? "A" : "B" }
    }

    /// One output batch: the datagrams a single call produced.
    struct Batch {
        var from: Side
        var datagrams: [[UInt8]]
        var time: NIODeadline
    }

    let a: DTLSSession
    let b: DTLSSession
    let start: NIODeadline
    var now: NIODeadline
    var eventsA: [DTLSEvent] = []
    var eventsB: [DTLSEvent] = []
    /// Every batch sent, including dropped ones, in order.
    var batches: [Batch] = []
    /// Receive errors thrown by `receive`.
    var receiveErrors: [MediaError] = []
    /// Decides per batch whether it is lost; gets the batch and the batches sent before it.
    var dropBatch: (Batch, [Batch]) -> Bool = { _, _ in false }
    /// Decides per datagram whether it is lost (applied after `dropBatch`).
    var dropDatagram: (Side, [UInt8]) -> Bool = { _, _ in false }
    private var queue: [(to: Side, datagram: [UInt8])] = []

    init(a: DTLSSession, b: DTLSSession) {
        self.a = a
        self.b = b
        self.start = .uptimeNanoseconds(1_000_000_000)
        self.now = start
    }

    func session(_ side: Side) -> DTLSSession { side == .a ? a : b }

    func events(_ side: Side) -> [DTLSEvent] { side == .a ? eventsA : eventsB }

    /// Seconds of virtual time since the start.
    var elapsed: Double { Double((now - start).nanoseconds) / 1e9 }

    mutating func apply(_ actions: [DTLSSession.Action], from side: Side) {
        var datagrams: [[UInt8]] = []
        for action in actions {
            switch action {
            case .send(let datagram): datagrams.append(datagram)
            case .event(let event):
                if side == .a { eventsA.append(event) } else { eventsB.append(event) }
            }
        }
        guard !datagrams.isEmpty else { return }
        let batch = Batch(from: side, datagrams: datagrams, time: now)
        let lost = dropBatch(batch, batches)
        batches.append(batch)
        guard !lost else { return }
        for datagram in datagrams where !dropDatagram(side, datagram) {
            queue.append((side.other, datagram))
        }
    }

    mutating func setRole(_ side: Side, _ role: DTLSRole) {
        apply(session(side).setRole(role, now: now), from: side)
    }

    mutating func setFingerprints(_ side: Side, _ fingerprints: [DTLSFingerprint]) {
        apply(session(side).setRemoteFingerprints(fingerprints), from: side)
    }

    /// Delivers a datagram directly, as if from the other side.
    mutating func inject(_ datagram: [UInt8], to side: Side) {
        do {
            apply(try session(side).receive(datagram, now: now), from: side)
        } catch {
            receiveErrors.append(error)
        }
    }

    /// Removes and returns the oldest queued datagram.
    mutating func popQueued() -> (to: Side, datagram: [UInt8])? {
        queue.isEmpty ? nil : queue.removeFirst()
    }

    /// Delivers one queued datagram; false when none is queued.
    mutating func deliverOne() -> Bool {
        guard !queue.isEmpty else { return false }
        let (to, datagram) = queue.removeFirst()
        inject(datagram, to: to)
        return true
    }

    /// Delivers everything queued, including what the deliveries produce.
    mutating func deliverAll() {
        while deliverOne() {}
    }

    /// Runs until quiet: nothing queued and no deadline, or `limit` of virtual time passed.
    mutating func run(limit: TimeAmount = .seconds(300)) {
        let end = start + limit
        while now <= end {
            if deliverOne() { continue }
            let deadlines = [a.nextDeadline, b.nextDeadline].compactMap { $0 }
            guard let next = deadlines.min(), next <= end else { return }
            now = max(now, next)
            for side in [Side.a, .b] {
                if let due = session(side).nextDeadline, due <= now {
                    apply(session(side).timerFired(now: now), from: side)
                }
            }
        }
    }

    /// The keys a side reported, if it connected.
    func keys(_ side: Side) -> DTLSSRTPKeyingMaterial? {
        for case .connected(let keys) in events(side) { return keys }
        return nil
    }

    /// The failure a side reported, if any.
    func failure(_ side: Side) -> MediaError? {
        for case .failed(let error) in events(side) { return error }
        return nil
    }
}

/// What the first record of a datagram is, for choosing flights to drop.
enum DTLSTestRecord {
    /// The handshake message type of the first record, or nil if it is not an epoch-0 handshake record.
    static func handshakeType(_ datagram: [UInt8]) -> UInt8? {
        guard datagram.count > 13, datagram[0] == 22, datagram[3] == 0, datagram[4] == 0 else { return nil }
        return datagram[13]
    }

    static func isChangeCipherSpec(_ datagram: [UInt8]) -> Bool { datagram.first == 20 }

    /// The flight (RFC 6347 section 4.2.4 numbering without HelloVerifyRequest) a batch belongs to:
    /// 1 ClientHello, 2 ServerHello...ServerHelloDone, 3 client Certificate...Finished, 4 server
    /// ChangeCipherSpec and Finished. Nil for anything else (alerts).
    static func flight(_ datagrams: [[UInt8]]) -> Int? {
        guard let first = datagrams.first else { return nil }
        switch handshakeType(first) {
        case 1: return 1
        case 2: return 2
        case 11, 16: return 3
        default: return isChangeCipherSpec(first) ? 4 : nil
        }
    }
}

/// Shared fixtures: certificates are slow enough to make once.
enum DTLSFixtures {
    static let now = Int64(Date().timeIntervalSince1970)
    static let certificateA = try! DTLSCertificate.generate(commonName: "a", validFrom: now)
    static let certificateB = try! DTLSCertificate.generate(commonName: "b", validFrom: now)
    static let certificateC = try! DTLSCertificate.generate(commonName: "c", validFrom: now)

    /// A link between fresh sessions on certificates A and B, each told the other's fingerprint.
    static func link(
        configurationA: DTLSSession.Configuration = .init(), configurationB: DTLSSession.Configuration = .init(),
        fingerprints: Bool = true
    ) -> DTLSTestLink {
        var link = DTLSTestLink(
            a: DTLSSession(certificate: certificateA, configuration: configurationA),
            b: DTLSSession(certificate: certificateB, configuration: configurationB))
        if fingerprints {
            link.setFingerprints(.a, [certificateB.fingerprint])
            link.setFingerprints(.b, [certificateA.fingerprint])
        }
        return link
    }
}

extension DTLSSRTPKeyingMaterial {
    /// The exporter output again, in RFC 5764 section 4.2's order, to compare with what OpenSSL's tools print.
    var exportedBytes: [UInt8] { clientWriteKey.key + serverWriteKey.key + clientWriteKey.salt + serverWriteKey.salt }
}
