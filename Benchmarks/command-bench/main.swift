import Foundation
import Jingle
import Logging
import Media
import NIOCore
import NIOPosix
import XMPPComponent
import XMPPCore

// command-bench: how fast the bridge's ad-hoc commands answer with many live calls. It connects to the
// XMPP server as a second component (the load), places `--calls` Jingle calls from its own users to the
// bridge's echo extension with real ICE + DTLS-SRTP media (the engine's own endpoint, 50 packets/s each
// way per call), then times "Bridge status" and "Active calls" from an admin JID of its domain.
// Run it through Benchmarks/command-bench/run.py, which starts Prosody and the bridge to match.

struct Options {
    var host = "127.0.0.1"
    var port = 5347
    var domain = "loadgen.localhost"
    var secret = ""
    var bridge = "sip.localhost"
    var calls = 1000
    var samples = 20
    var rampPerSecond = 100

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let name = iterator.next() {
            guard let value = iterator.next() else { fatalError("\(name) needs a value") }
            switch name {
            case "--host": host = value
            case "--port": port = Int(value) ?? port
            case "--domain": domain = value
            case "--secret": secret = value
            case "--bridge": bridge = value
            case "--calls": calls = Int(value) ?? calls
            case "--samples": samples = Int(value) ?? samples
            case "--ramp": rampPerSecond = Int(value) ?? rampPerSecond
            default: fatalError("unknown option \(name)")
            }
        }
    }
}

/// Everything the load keeps, confined to the component's loop.
final class Load {
    let component: XMPPComponent
    var calls: [String: LoadCall] = [:]
    var accepted = 0
    var refused: [String] = []

    init(component: XMPPComponent) { self.component = component }

    func handle(_ iq: XMLElement, responder: IQResponder) {
        guard let payload = try? JinglePayload.find(in: iq), let call = calls[payload.sid], var session = call.session
        else { return responder.error(StanzaError(.cancel, "item-not-found", text: "no such session")) }
        for action in session.handle(iq) {
            switch action {
            case .send(let stanza): component.send(stanza)
            case .event(.accepted(let answer)):
                call.accepted = true
                accepted += 1
                call.connect(to: answer)
            case .event(.terminated(let reason)):
                refused.append("\(call.sid): \(reason.map { "\($0.condition)" } ?? "no reason")")
            default: break
            }
        }
        call.session = session
    }
}

let options = Options(CommandLine.arguments)
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let componentGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let mediaGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = componentGroup.next()
let certificate = try DTLSCertificate.generate(validFrom: Int64(Date().timeIntervalSince1970))
let component = try XMPPComponent(
    configuration: .init(
        host: options.host, port: options.port, link: .init(domain: options.domain, secret: options.secret),
        iqTimeout: .seconds(30)),
    eventLoop: loop, logger: Logger(label: "command-bench"))
let load = try loop.submit { () -> NIOLoopBound<Load> in
    let load = Load(component: component)
    component.router.registerIQ(namespace: JingleNamespace.jingle) { iq, responder in load.handle(iq, responder: responder) }
    component.start()
    return NIOLoopBound(load, eventLoop: loop)
}.wait()

func seconds(_ start: NIODeadline) -> Double { Double((NIODeadline.now() - start).nanoseconds) / 1e9 }

// Wait for the link.
let online = NIODeadline.now()
while try loop.submit({ component.status != .online }).wait() {
    guard seconds(online) < 15 else { fatalError("the component did not come online") }
    usleep(50_000)
}

// Place the calls, `--ramp` per second.
let bridgeEcho = try JID("echo@\(options.bridge)")
let started = NIODeadline.now()
for index in 0..<options.calls {
    let (call, credentials, candidates) = try LoadCall.open(
        index: index, domain: options.domain, loop: mediaGroup.next(), certificate: certificate
    ).wait()
    try loop.submit {
        let content = LoadCall.content(
            credentials: credentials, candidates: candidates, fingerprint: certificate.fingerprint)
        let (session, actions) = JingleSession.initiate(
            sid: call.sid, local: call.local, peer: bridgeEcho, contents: [content])
        call.session = session
        load.value.calls[call.sid] = call
        for case .send(let stanza) in actions { component.send(stanza) }
    }.wait()
    let due = Double(index + 1) / Double(options.rampPerSecond)
    let elapsed = seconds(started)
    if due > elapsed { usleep(UInt32((due - elapsed) * 1e6)) }
}

// Media: every call sends a packet every 20 ms (the media group has one loop, which the ticker runs on).
let allCalls = try loop.submit { Array(load.value.calls.values) }.wait()
let ticker = mediaGroup.next().scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(20)) { _ in
    for call in allCalls { call.sendPacket() }
}

// Wait until every call was accepted (or 30 s).
let waiting = NIODeadline.now()
while try loop.submit({ load.value.accepted + load.value.refused.count < options.calls }).wait(), seconds(waiting) < 30 {
    usleep(100_000)
}
let (acceptedCount, refusedList) = try loop.submit { (load.value.accepted, load.value.refused) }.wait()
print("calls: \(options.calls) placed, \(acceptedCount) accepted, \(refusedList.count) ended by the bridge")
for line in refusedList.prefix(5) { print("  ended: \(line)") }
usleep(3_000_000)  // let ICE and DTLS finish and media run

/// Packets the load's endpoints sent and received so far (on the media loop).
func packetTotals() throws -> (sent: Int, received: Int) {
    try mediaGroup.next().submit {
        allCalls.reduce(into: (sent: 0, received: 0)) { totals, call in
            for leg in call.media.value.statistics() {
                totals.sent += leg.packetsSent
                totals.received += leg.packetsReceived
            }
        }
    }.wait()
}
let packetsBefore = try packetTotals()
let probeStart = NIODeadline.now()

// Time the commands.
let admin = try JID("admin@\(options.domain)/bench")
let bridgeJID = try JID(options.bridge)
/// The milliseconds an execute of `node` took, the answer's size, and for "Active calls" how many rows of
/// its first page show received packets (so the timing is known to be taken with media running).
func execute(_ node: String) throws -> (Double, Int, (rows: Int, withMedia: Int)) {
    let start = NIODeadline.now()
    let command = XMLElement(
        "command", namespace: "http://jabber.org/protocol/commands", ["node": node, "action": "execute"])
    let iq = XMLElement.iq(type: "set", id: "cmd-\(UInt32.random(in: 0...UInt32.max))", from: admin, to: bridgeJID,
                           payload: command)
    let answer = try loop.flatSubmit { component.request(iq) }.wait()
    let milliseconds = seconds(start) * 1000
    let text = answer.serialized()
    if ProcessInfo.processInfo.environment["COMMAND_BENCH_DUMP"] != nil { print(text) }
    // A row may appear twice (an option's label and its value): count each distinct row once.
    let pieces = text.components(separatedBy: " rx ")
    var rows: [String: Int] = [:]
    for (before, after) in zip(pieces, pieces.dropFirst()) {
        rows[String(before.split(whereSeparator: { $0 == ">" || $0 == "'" }).last ?? "")] = Int(after.prefix { $0.isNumber }) ?? 0
    }
    return (milliseconds, text.utf8.count, (rows.count, rows.values.filter { $0 > 0 }.count))
}
for node in ["status", "calls"] {
    var times: [Double] = []
    var size = 0
    var media = (rows: 0, withMedia: 0)
    for _ in 0..<options.samples {
        let result: (Double, Int, (rows: Int, withMedia: Int))
        do {
            result = try execute(node)
        } catch {
            print("\(node): the command failed: \(error)")
            break
        }
        let (ms, bytes, rows) = result
        times.append(ms)
        size = max(size, bytes)
        media = rows
        usleep(200_000)
    }
    guard !times.isEmpty else { continue }
    times.sort()
    let p50 = times[times.count / 2]
    let p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
    let rows = node == "calls" ? "; first page: \(media.rows) rows, \(media.withMedia) with packets received" : ""
    print(
        node.padding(toLength: 7, withPad: " ", startingAt: 0)
            + String(format: "p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  largest answer %d bytes", p50, p95,
                     times.last ?? 0, size) + rows)
}

let packetsAfter = try packetTotals()
let window = seconds(probeStart)
print(
    String(
        format: "media while measuring: %.0f packets/s sent and %.0f received by the load (%.1f and %.1f per call)",
        Double(packetsAfter.sent - packetsBefore.sent) / window,
        Double(packetsAfter.received - packetsBefore.received) / window,
        Double(packetsAfter.sent - packetsBefore.sent) / window / Double(max(1, options.calls)),
        Double(packetsAfter.received - packetsBefore.received) / window / Double(max(1, options.calls))))

// Hang up and leave.
ticker.cancel()
try loop.submit {
    for call in load.value.calls.values {
        guard var session = call.session else { continue }
        for case .send(let stanza) in session.terminate(reason: JingleReason(.success)) { component.send(stanza) }
        call.session = session
    }
}.wait()
usleep(1_000_000)
for call in allCalls { _ = try? call.mediaLoop.flatSubmit { call.media.value.close() }.wait() }
try? loop.flatSubmit { component.stop() }.wait()
try? componentGroup.syncShutdownGracefully()
try? mediaGroup.syncShutdownGracefully()
