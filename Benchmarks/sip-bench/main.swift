// sip-bench: SIP messages parsed and serialized per second, and non-INVITE transactions per second, on
// one core. Build with `-c release`: `swift run -c release sip-bench [iterations, default 200000]`.
//
// Messages: a 1 KB INVITE with SDP and its 200 OK, each parsed from bytes and written back to bytes.
// Transactions: an OPTIONS request goes from a client transaction layer to a server transaction layer and
// its 200 back, every message serialized and parsed on the way as on a socket, with timers J and K fired in
// virtual time so finished transactions are reaped. The best of five runs is reported.

import NIOCore
import SIP

let iterations = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 200_000

let invite = Array(
    """
    INVITE sip:+15551234567@sip.carrier.example;user=phone SIP/2.0\r
    Via: SIP/2.0/UDP 203.0.113.7:5060;rport;branch=z9hG4bK776asdhds\r
    Max-Forwards: 70\r
    To: <sip:+15551234567@sip.carrier.example;user=phone>\r
    From: "Alice" <sip:+15550001111@sip.carrier.example>;tag=1928301774\r
    Call-ID: a84b4c76e66710@203.0.113.7\r
    CSeq: 314159 INVITE\r
    Contact: <sip:bridge@203.0.113.7:5060>\r
    Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO\r
    Supported: replaces\r
    User-Agent: jingle-sip-bridge\r
    Content-Type: application/sdp\r
    Content-Length: 259\r
    \r
    v=0\r
    o=- 2890844526 2890844526 IN IP4 203.0.113.7\r
    s=jingle-sip-bridge\r
    c=IN IP4 203.0.113.7\r
    t=0 0\r
    m=audio 20002 RTP/AVP 0 8 9 101\r
    a=rtpmap:0 PCMU/8000\r
    a=rtpmap:8 PCMA/8000\r
    a=rtpmap:9 G722/8000\r
    a=rtpmap:101 telephone-event/8000\r
    a=fmtp:101 0-16\r
    a=ptime:20\r
    a=sendrecv\r

    """.utf8)

/// Best seconds over five runs of `body`, after a warm-up run.
func best(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var result = Double.infinity
    for _ in 0..<5 {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        result = min(result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return result
}

// Messages.
guard let parsedInvite = try SIPMessageParser.parse(datagram: invite) else { fatalError("the INVITE does not parse") }
var okBytes: [UInt8] = []
SIPMessage.makeResponse(to: parsedInvite, status: 200).serialize(into: &okBytes)
var sink = 0
let messageSeconds = try best {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(2048)
    for index in 0..<iterations {
        let bytes = index & 1 == 0 ? invite : okBytes
        guard let message = try SIPMessageParser.parse(datagram: bytes) else { continue }
        buffer.removeAll(keepingCapacity: true)
        message.serialize(into: &buffer)
        sink &+= buffer.count
    }
}

// Transactions.
let peer = try SocketAddress(ipAddress: "203.0.113.7", port: 5060)
let transactions = iterations / 4
let target = try SIPAnyURI(parsing: "sip:sip.carrier.example")
let transactionSeconds = try best {
    var client = SIPTransactionLayer()
    var server = SIPTransactionLayer()
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    var wire: [UInt8] = []
    var completed = 0
    for index in 0..<transactions {
        var headers = SIPHeaders()
        headers.add(.via, "SIP/2.0/UDP 198.51.100.2:5060;rport;branch=z9hG4bKbench\(index)")
        headers.add(.maxForwards, "70")
        headers.add(.to, "<sip:sip.carrier.example>")
        headers.add(.from, "<sip:bridge@198.51.100.2>;tag=b\(index)")
        headers.add(.callID, "bench\(index)@198.51.100.2")
        headers.add(.cseq, "1 OPTIONS")
        headers.add(.contentLength, "0")
        let request = SIPMessage(method: .options, uri: target, headers: headers)
        for case .send(let message, _) in client.send(request, to: peer, now: now) {
            wire.removeAll(keepingCapacity: true)
            message.serialize(into: &wire)
            guard let received = try SIPMessageParser.parse(datagram: wire) else { continue }
            for case .request(let incoming, _) in server.receive(received, from: peer, now: now) {
                let response = SIPMessage.makeResponse(to: incoming, status: 200)
                for case .send(let answer, _) in server.respond(response, to: incoming, now: now) {
                    wire.removeAll(keepingCapacity: true)
                    answer.serialize(into: &wire)
                    guard let back = try SIPMessageParser.parse(datagram: wire) else { continue }
                    for case .response in client.receive(back, from: peer, now: now) { completed += 1 }
                }
            }
        }
        if index % 1000 == 999 {
            // Timers J and K (64*T1 and T4) reap completed transactions.
            now = now + .seconds(40)
            _ = client.timerFired(now: now)
            _ = server.timerFired(now: now)
        }
    }
    guard completed == transactions else { fatalError("only \(completed) of \(transactions) transactions completed") }
}

let messagesPerSecond = Double(iterations) / messageSeconds
let transactionsPerSecond = Double(transactions) / transactionSeconds
print("sip-bench: \(iterations) messages, \(transactions) transactions, best of 5 runs (\(sink % 10) ignore)")
/// `value` rounded to `places` decimals, without Foundation.
func fixed(_ value: Double, _ places: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}
print("messages parsed + serialized: \(Int(messagesPerSecond)) per second (\(fixed(1e6 / messagesPerSecond)) us each; INVITE with SDP and 200 OK alternating)")
print("non-INVITE transactions: \(Int(transactionsPerSecond)) per second (\(fixed(1e6 / transactionsPerSecond)) us each; OPTIONS + 200 through both layers, 2 messages serialized and parsed)")
