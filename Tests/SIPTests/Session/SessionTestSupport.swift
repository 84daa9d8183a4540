import NIOCore
import Synchronization
import Testing

@testable import SIP

/// Shared inputs and readers for the call session tests (virtual time: `now` is an argument).
enum SessionTest {
    static let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000_000)
    static let trunk = try! SocketAddress(ipAddress: "198.51.100.10", port: 5060)
    static let offer = Array(
        "v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n".utf8)
    static let answer = Array(
        "v=0\r\no=- 2 2 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
            .utf8)

    /// Records the ranges the glare back-off asked for and answers `value`.
    final class FixedRandom: Sendable {
        let value: Int
        let ranges = Mutex<[ClosedRange<Int>]>([])
        init(_ value: Int) { self.value = value }
        var function: @Sendable (ClosedRange<Int>) -> Int {
            { range in
                self.ranges.withLock { $0.append(range) }
                return min(max(self.value, range.lowerBound), range.upperBound)
            }
        }
    }

    static func configuration(random: FixedRandom = FixedRandom(250)) -> SIPSessionConfiguration {
        SIPSessionConfiguration(
            contact: try! SIPURI(parsing: "sip:bridge@203.0.113.5:5070"), timers: SIPTimers(),
            random: random.function)
    }

    static func message(_ text: String, body: [UInt8] = []) -> SIPMessage {
        var wire = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        wire += body
        return try! SIPMessageParser.parse(datagram: wire)!
    }

    /// A response of the callee to `request`: To tag, optional Contact and Record-Route, body.
    static func response(
        to request: SIPMessage, _ status: Int, toTag: String? = "callee1",
        contact: String? = "<sip:callee@198.51.100.20:5080>", recordRoute: [String] = [], body: [UInt8] = [],
        headers: [(SIPHeaderName, String)] = []
    ) -> SIPMessage {
        var response = SIPMessage.makeResponse(to: request, status: status, toTag: toTag)
        if toTag == nil, var to = try? request.to {
            to.tag = nil
            response.headers.set(.to, to.description)
        }
        for route in recordRoute { response.headers.add(.recordRoute, route) }
        if let contact { response.headers.add(.contact, contact) }
        for (name, value) in headers { response.headers.add(name, value) }
        if !body.isEmpty { response.setBody(body, contentType: .sdp) }
        return response
    }

    // MARK: - Reading actions

    static func requests(_ actions: [SIPSessionAction]) -> [SIPMessage] {
        actions.compactMap { if case .sendRequest(let m, _) = $0 { m } else { nil } }
    }

    static func destinations(_ actions: [SIPSessionAction]) -> [SocketAddress] {
        actions.compactMap { if case .sendRequest(_, let to) = $0 { to } else { nil } }
    }

    static func responses(_ actions: [SIPSessionAction]) -> [SIPMessage] {
        actions.compactMap { if case .sendResponse(let m, _) = $0 { m } else { nil } }
    }

    static func events(_ actions: [SIPSessionAction]) -> [SIPSessionEvent] {
        actions.compactMap { if case .event(let e) = $0 { e } else { nil } }
    }

    static func statuses(_ actions: [SIPSessionAction]) -> [Int] {
        responses(actions).compactMap(\.statusCode)
    }

    static func methods(_ actions: [SIPSessionAction]) -> [SIPMethod] {
        requests(actions).compactMap(\.method)
    }
}
