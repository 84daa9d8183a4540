import Testing

@testable import SIP

@Suite struct DNSMessageTests {
    @Test func encodesASRVQuery() throws {
        let query = try DNSMessage.query(id: 0x1234, name: "_sip._udp.example.com", type: .srv).encodedQuery()
        let expected: [UInt8] =
            [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            + [4] + Array("_sip".utf8) + [4] + Array("_udp".utf8) + [7] + Array("example".utf8) + [3] + Array("com".utf8)
            + [0, 0, 33, 0, 1]
        #expect(query == expected)
    }

    @Test func refusesOverlongLabels() {
        #expect(throws: DNSError.self) {
            try DNSMessage.query(id: 1, name: String(repeating: "a", count: 64) + ".com", type: .a).encodedQuery()
        }
        #expect(throws: DNSError.self) { try DNSMessage.query(id: 1, name: "a..b", type: .a).encodedQuery() }
    }

    /// A response with a compressed SRV target and an A record in the additional section.
    static func srvResponse() throws -> [UInt8] {
        var bytes = try DNSMessage.query(id: 7, name: "_sip._udp.example.com", type: .srv).encodedQuery()
        bytes[2] = 0x81  // QR, RD
        bytes[3] = 0x80  // RA
        bytes[7] = 1  // one answer
        bytes[11] = 1  // one additional
        // Answer: name = pointer to offset 12, SRV, IN, TTL 300, rdata.
        let target: [UInt8] = [3] + Array("pbx".utf8) + [0xC0, 22]  // "pbx" + pointer to "example.com" in the question
        let rdata: [UInt8] = [0, 10, 0, 60, 0x13, 0xC4] + target
        bytes += [0xC0, 12, 0, 33, 0, 1, 0, 0, 1, 0x2C, 0, UInt8(rdata.count)] + rdata
        // Additional: pbx.example.com A 192.0.2.10
        let nameOffset = UInt8(bytes.count - target.count)
        bytes += [0xC0, nameOffset, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 10]
        return bytes
    }

    @Test func parsesCompressedSRVAndAdditionalA() throws {
        let message = try DNSMessage(parsing: Self.srvResponse())
        #expect(message.id == 7 && message.isResponse && message.responseCode == 0)
        #expect(message.questions == [.init(name: "_sip._udp.example.com", type: .srv)])
        #expect(message.answers == [.init(name: "_sip._udp.example.com", ttl: 300, data: .srv(priority: 10, weight: 60, port: 5060, target: "pbx.example.com"))])
        #expect(message.additional == [.init(name: "pbx.example.com", ttl: 60, data: .a([192, 0, 2, 10]))])
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = try Self.srvResponse()
        for length in 0..<bytes.count {
            #expect(throws: DNSError.self) { try DNSMessage(parsing: Array(bytes[..<length])) }
        }
    }

    @Test func compressionLoopIsRefused() {
        // Header with one question whose name points at itself.
        let bytes: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]
        #expect(throws: DNSError("compression pointer loop")) { try DNSMessage(parsing: bytes) }
    }

    @Test func srvOrderingHonoursPriorityAndWeight() {
        let targets: [SRVOrdering.Target] = [
            .init(priority: 20, weight: 0, port: 5060, host: "backup"),
            .init(priority: 10, weight: 10, port: 5060, host: "light"),
            .init(priority: 10, weight: 90, port: 5060, host: "heavy"),
            .init(priority: 10, weight: 0, port: 5060, host: "zero"),
        ]
        // random returns the upper bound: the last candidate of the running sum wins each time.
        #expect(SRVOrdering.order(targets, random: { $0 }).map(\.host) == ["heavy", "light", "zero", "backup"])
        // random returns 0: zero-weight records, sorted first, win first.
        #expect(SRVOrdering.order(targets, random: { _ in 0 }).map(\.host) == ["zero", "light", "heavy", "backup"])
        #expect(SRVOrdering.order([.init(priority: 0, weight: 0, port: 0, host: ".")], random: { $0 }) == [])
    }
}
