import Testing

@testable import Media

/// RFC 5769 test vectors and STUN (RFC 8489) encoding and decoding.
@Suite struct STUNMessageTests {
    static let password = "VOkJxbRl1RmTxUk/WvJxBt"
    static let transactionID = STUNTransactionID(bytes: hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"))!

    /// RFC 5769 section 2.1: sample request.
    static let sampleRequest = hex(
        """
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86
        fa 87 df ae 80 22 00 10 53 54 55 4e 20 74 65 73
        74 20 63 6c 69 65 6e 74 00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36 00 06 00 09
        65 76 74 6a 3a 68 36 76 59 20 20 20 00 08 00 14
        9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49
        c1 b5 71 a2 80 28 00 04 e5 7a 3b cf
        """)

    /// RFC 5769 section 2.2: sample IPv4 response.
    static let sampleIPv4Response = hex(
        """
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86
        fa 87 df ae 80 22 00 0b 74 65 73 74 20 76 65 63
        74 6f 72 20 00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9
        2a f9 ba 53 f0 6b e7 d7 80 28 00 04 c0 7d 4c 96
        """)

    /// RFC 5769 section 2.3: sample IPv6 response.
    static let sampleIPv6Response = hex(
        """
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86
        fa 87 df ae 80 22 00 0b 74 65 73 74 20 76 65 63
        74 6f 72 20 00 20 00 14 00 02 a1 47 01 13 a9 fa
        a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9 00 08 00 14
        a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75
        bf e3 ed 41 80 28 00 04 c8 fb 0b 4c
        """)

    /// RFC 5769 section 2.4: sample request with long-term authentication.
    static let sampleLongTermRequest = hex(
        """
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0
        29 da 41 2e 00 06 00 12 e3 83 9e e3 83 88 e3 83
        aa e3 83 83 e3 82 af e3 82 b9 00 00 00 15 00 1c
        66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34
        6f 4c 39 46 53 54 76 79 36 34 73 41 00 14 00 0b
        65 78 61 6d 70 6c 65 2e 6f 72 67 00 00 08 00 14
        f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2
        8c a8 96 66
        """)

    // MARK: RFC 5769

    @Test func rfc5769SampleRequest() throws {
        let decoded = try STUNDecodedMessage(decoding: Self.sampleRequest)
        let message = decoded.message
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6e00_01ff)
        #expect(message.iceControlled == 0x932f_f9b1_5126_3b36)
        #expect(message.username == "evtj:h6vY")
        #expect(decoded.hasFingerprint)
        try decoded.verifyIntegrity(password: Self.password)
        #expect(throws: MediaError(.integrityMismatch, "")) { try decoded.verifyIntegrity(password: "wrong") }
        #expect(message.unknownComprehensionRequiredAttributes.isEmpty)
    }

    @Test func rfc5769SampleIPv4Response() throws {
        let decoded = try STUNDecodedMessage(decoding: Self.sampleIPv4Response)
        #expect(decoded.message.type == .bindingSuccess)
        #expect(decoded.message.software == "test vector")
        #expect(decoded.message.xorMappedAddress == TransportAddress("192.0.2.1", port: 32853))
        #expect(decoded.hasFingerprint)
        try decoded.verifyIntegrity(password: Self.password)
    }

    @Test func rfc5769SampleIPv6Response() throws {
        let decoded = try STUNDecodedMessage(decoding: Self.sampleIPv6Response)
        #expect(decoded.message.type == .bindingSuccess)
        #expect(
            decoded.message.xorMappedAddress
                == TransportAddress("2001:db8:1234:5678:11:2233:4455:6677", port: 32853))
        try decoded.verifyIntegrity(password: Self.password)
    }

    @Test func rfc5769LongTermRequest() throws {
        let decoded = try STUNDecodedMessage(decoding: Self.sampleLongTermRequest)
        let message = decoded.message
        #expect(message.username == "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}")
        #expect(message.nonce == "f//499k954d6OL34oL9FSTvy64sA")
        #expect(message.realm == "example.org")
        #expect(!decoded.hasFingerprint)
        // The password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep/OpaqueString is "TheMatrIX".
        let integrity = try #require(
            STUNIntegrity.longTerm(username: message.username!, realm: "example.org", password: "TheMatrIX"))
        try decoded.verifyIntegrity(key: integrity.key)
        // Re-encoding from the decoded attributes reproduces the vector byte for byte (zero padding here).
        #expect(try message.encoded(integrity: integrity) == Self.sampleLongTermRequest)
    }

    /// Encoding the RFC 5769 messages' attributes again gives messages that verify and decode to the same
    /// attributes. The bytes differ only in padding: the vectors pad with spaces, we pad with zeros.
    @Test(arguments: [sampleRequest, sampleIPv4Response, sampleIPv6Response])
    func rfc5769RoundTrip(vector: [UInt8]) throws {
        let original = try STUNDecodedMessage(decoding: vector)
        let encoded = try original.message.encoded(integrity: .shortTerm(password: Self.password), fingerprint: true)
        #expect(encoded.count == vector.count)
        let again = try STUNDecodedMessage(decoding: encoded)
        try again.verifyIntegrity(password: Self.password)
        #expect(again.hasFingerprint)
        let withoutChecks: (STUNMessage) -> [STUNAttribute] = { message in
            message.attributes.filter {
                switch $0 {
                case .messageIntegrity, .fingerprint: false
                default: true
                }
            }
        }
        #expect(withoutChecks(again.message) == withoutChecks(original.message))
    }

    // MARK: Message types

    @Test func messageTypeEncoding() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        // TURN Allocate (0x003) error response is 0x0113; method 0xFFF with every class round-trips.
        #expect(STUNMessageType(method: STUNMethod(rawValue: 0x003), messageClass: .errorResponse).rawValue == 0x0113)
        for method in [0x000, 0x001, 0x0AB, 0xFFF] as [UInt16] {
            for messageClass in [STUNMessageType.Class.request, .indication, .successResponse, .errorResponse] {
                let type = STUNMessageType(method: STUNMethod(rawValue: method), messageClass: messageClass)
                #expect(STUNMessageType(rawValue: type.rawValue) == type)
                #expect(type.rawValue & 0xC000 == 0)
            }
        }
        #expect(STUNMessageType(rawValue: 0x4001) == nil)
    }

    // MARK: Encoding

    @Test func roundTripsEveryAttribute() throws {
        let message = STUNMessage(
            type: .bindingRequest, transactionID: STUNTransactionID(high: 1, low: 2),
            attributes: [
                .mappedAddress(TransportAddress("198.51.100.7", port: 5000)!),
                .xorMappedAddress(TransportAddress("2001:db8::1", port: 40000)!),
                .xorMappedAddress(TransportAddress("203.0.113.9", port: 1)!),
                .username("alice:bob"), .errorCode(STUNErrorCode(code: 487, reason: "Role Conflict")),
                .unknownAttributes([0x0031, 0x7FFF, 0x0002]), .realm("example.org"), .nonce("abc"),
                .software("jingle-sip-bridge"), .priority(0x6e7f_00ff), .useCandidate,
                .iceControlling(0x0102_0304_0506_0708), .iceControlled(42),
                .other(type: 0xC057, value: [0, 1, 0, 2, 9]),
            ])
        for algorithms in [STUNIntegrity.Algorithms.sha1, .sha256, .both] {
            let integrity = STUNIntegrity.shortTerm(password: "secret", algorithms: algorithms)
            let bytes = try message.encoded(integrity: integrity, fingerprint: true)
            #expect(STUNMessage.isSTUN(bytes))
            let decoded = try STUNDecodedMessage(decoding: bytes)
            try decoded.verifyIntegrity(password: "secret")
            #expect(throws: MediaError(.integrityMismatch, "")) { try decoded.verifyIntegrity(password: "Secret") }
            let kept = decoded.message.attributes.filter {
                switch $0 {
                case .messageIntegrity, .messageIntegritySHA256, .fingerprint: false
                default: true
                }
            }
            #expect(kept == message.attributes)
            let types = decoded.message.attributes.suffix(algorithms == .both ? 3 : 2).map(\.type)
            switch algorithms {
            case .sha1: #expect(types == [.messageIntegrity, .fingerprint])
            case .sha256: #expect(types == [.messageIntegritySHA256, .fingerprint])
            case .both: #expect(types == [.messageIntegrity, .messageIntegritySHA256, .fingerprint])
            }
        }
    }

    @Test func withoutIntegrityVerificationReportsMissing() throws {
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: .random()).encoded(fingerprint: true)
        let decoded = try STUNDecodedMessage(decoding: bytes)
        #expect(!decoded.hasIntegrity)
        #expect(throws: MediaError(.integrityMissing, "")) { try decoded.verifyIntegrity(password: "x") }
        #expect(bytes.count == 28)
    }

    @Test func truncatedSHA256IntegrityIsAccepted() throws {
        // RFC 8489 section 14.6 allows truncation to 16 bytes; build one by hand.
        let message = STUNMessage(type: .bindingRequest, transactionID: STUNTransactionID(high: 7, low: 7))
        var bytes = try message.encoded()
        let key = Array("pw".utf8)
        bytes[3] = 20  // length covering a 16-byte MESSAGE-INTEGRITY-SHA256
        let mac = bytes.withUnsafeBytes { STUNCrypto.hmac(.sha256, key: key, parts: [$0]) }!
        bytes += [0x00, 0x1C, 0x00, 0x10] + mac.prefix(16)
        let decoded = try STUNDecodedMessage(decoding: bytes)
        try decoded.verifyIntegrity(key: key)
        bytes[bytes.count - 1] ^= 1
        #expect(throws: MediaError(.integrityMismatch, "")) {
            try STUNDecodedMessage(decoding: bytes).verifyIntegrity(key: key)
        }
    }

    @Test func unknownComprehensionRequiredAttributesAreReported() throws {
        let request = STUNMessage(
            type: .bindingRequest, transactionID: STUNTransactionID(high: 3, low: 4),
            attributes: [
                .other(type: 0x0031, value: [1, 2, 3, 4]), .other(type: 0xC057, value: [0, 0, 0, 0]),
                .other(type: 0x0031, value: []), .other(type: 0x000C, value: [0, 0, 0, 0]),
            ])
        let decoded = try STUNDecodedMessage(decoding: try request.encoded())
        #expect(decoded.message.unknownComprehensionRequiredAttributes == [0x0031, 0x000C])
        let response = try #require(decoded.message.unknownAttributeResponse())
        #expect(response.type == .bindingError)
        #expect(response.transactionID == request.transactionID)
        #expect(response.errorCode?.code == 420)
        #expect(response.attributes.contains(.unknownAttributes([0x0031, 0x000C])))
        #expect(STUNMessage(type: .bindingRequest, transactionID: .random()).unknownAttributeResponse() == nil)
    }

    @Test func attributesAfterIntegrityAreIgnored() throws {
        var bytes = try STUNMessage(
            type: .bindingRequest, transactionID: STUNTransactionID(high: 5, low: 6), attributes: [.username("a:b")]
        ).encoded(integrity: .shortTerm(password: "pw"))
        // Append a PRIORITY after MESSAGE-INTEGRITY and fix the length: it is dropped, integrity still holds.
        bytes += [0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1]
        bytes[3] += 8
        let decoded = try STUNDecodedMessage(decoding: bytes)
        #expect(decoded.message.priority == nil)
        try decoded.verifyIntegrity(password: "pw")
    }

    @Test func refusesUnencodableValues() {
        let id = STUNTransactionID(high: 0, low: 0)
        #expect(throws: MediaError(.unencodable, "")) {
            try STUNMessage(
                type: .bindingError, transactionID: id, attributes: [.errorCode(.init(code: 200, reason: ""))]
            ).encoded()
        }
        #expect(throws: MediaError(.unencodable, "")) {
            try STUNMessage(
                type: .bindingRequest, transactionID: id, attributes: [.username(String(repeating: "u", count: 509))]
            ).encoded()
        }
        #expect(throws: MediaError(.unencodable, "")) {
            try STUNMessage(
                type: .bindingRequest, transactionID: id, attributes: [.software(String(repeating: "é", count: 128))]
            ).encoded()
        }
        var out: [UInt8] = [9]
        #expect(throws: MediaError(.unencodable, "")) {
            try STUNMessage(
                type: .bindingRequest, transactionID: id, attributes: [.realm(String(repeating: "r", count: 600))]
            ).encode(into: &out)
        }
        #expect(out == [9], "a failed encode leaves the buffer as it was")
    }

    // MARK: Malformed input

    @Test func rejectsMalformedHeaders() {
        var request = Self.sampleRequest
        #expect(throws: MediaError(.truncated, "")) { try STUNDecodedMessage(decoding: Array(request.prefix(19))) }
        request[4] = 0x22  // bad magic cookie
        #expect(throws: MediaError(.invalidField, "")) { try STUNDecodedMessage(decoding: request) }
        request = Self.sampleRequest
        request[0] = 0x40  // top bits set
        #expect(throws: MediaError(.invalidField, "")) { try STUNDecodedMessage(decoding: request) }
        request = Self.sampleRequest
        request[3] = 0x59  // length not a multiple of 4
        #expect(throws: MediaError(.invalidLength, "")) { try STUNDecodedMessage(decoding: request) }
        request[3] = 0x5C  // length beyond the datagram
        #expect(throws: MediaError(.truncated, "")) { try STUNDecodedMessage(decoding: request) }
        request[3] = 0x54  // length shorter than the datagram
        #expect(throws: MediaError(.invalidLength, "")) { try STUNDecodedMessage(decoding: request) }
        #expect(throws: MediaError(.truncated, "")) {
            try STUNDecodedMessage(decoding: Array(Self.sampleRequest.dropLast(4)))
        }
    }

    @Test func rejectsMalformedAttributes() {
        let header = hex("00 01 00 08 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00")
        func message(_ attributes: [UInt8]) -> [UInt8] {
            var bytes = header + attributes
            bytes[3] = UInt8(attributes.count)
            return bytes
        }
        // A USERNAME announcing 9 bytes with only 4 present: truncated attribute.
        #expect(throws: MediaError(.truncated, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 06 00 09 61 62 63 64")))
        }
        // A 5-byte USERNAME whose padding is missing makes the message length not a multiple of 4.
        #expect(throws: MediaError(.invalidLength, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 06 00 05 61 62 63 64 65")))
        }
        // Padding with arbitrary values is ignored (RFC 8489 section 14).
        #expect((try? STUNDecodedMessage(decoding: message(hex("00 06 00 01 61 ff ee dd"))))?.message.username == "a")
        #expect(throws: MediaError(.invalidLength, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 24 00 02 00 01 00 00")))
        }
        #expect(throws: MediaError(.invalidField, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 20 00 04 00 03 00 01")))
        }
        #expect(throws: MediaError(.invalidLength, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 20 00 04 00 01 00 01")))
        }
        #expect(throws: MediaError(.invalidText, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 06 00 02 c3 28 00 00")))
        }
        #expect(throws: MediaError(.invalidField, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 09 00 04 00 00 07 01")))
        }
        #expect(throws: MediaError(.invalidLength, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 25 00 01 00 00 00 00")))
        }
        #expect(throws: MediaError(.invalidLength, "")) {
            try STUNDecodedMessage(decoding: message(hex("00 0a 00 03 00 01 02 00")))
        }
    }

    @Test func rejectsBadFingerprintAndOrder() throws {
        var request = Self.sampleRequest
        request[request.count - 1] ^= 0xFF
        #expect(throws: MediaError(.fingerprintMismatch, "")) { try STUNDecodedMessage(decoding: request) }
        // Changing a byte the HMAC covers breaks the fingerprint first.
        request = Self.sampleRequest
        request[45] ^= 1
        #expect(throws: MediaError(.fingerprintMismatch, "")) { try STUNDecodedMessage(decoding: request) }
        // Anything after FINGERPRINT is refused.
        var bytes = try STUNMessage(type: .bindingRequest, transactionID: .random()).encoded(fingerprint: true)
        bytes += [0x80, 0x22, 0x00, 0x00]
        bytes[3] += 4
        let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<20])) } ^ 0x5354_554E
        bytes.replaceSubrange(24..<28, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) })
        #expect(throws: MediaError(.invalidOrder, "")) { try STUNDecodedMessage(decoding: bytes) }
    }

    @Test func quickCheck() {
        #expect(STUNMessage.isSTUN(Self.sampleRequest))
        #expect(STUNMessage.isSTUN(Self.sampleLongTermRequest))
        #expect(!STUNMessage.isSTUN(Array(Self.sampleRequest.dropLast())))
        #expect(!STUNMessage.isSTUN([0x80, 0x00] + [UInt8](repeating: 0, count: 18)))
        #expect(!STUNMessage.isSTUN([]))
    }

    /// Arbitrary bytes, and every prefix and single-byte corruption of the vectors, end in a message or a
    /// `MediaError`, never a trap.
    @Test func survivesArbitraryInput() {
        var generator = SeededGenerator(seed: 8489)
        for _ in 0..<5_000 {
            var bytes = randomBytes(&generator, maxLength: 120)
            if bytes.count >= 20, Bool.random(using: &generator) {
                bytes[0] &= 0x3F
                bytes.replaceSubrange(4..<8, with: [0x21, 0x12, 0xa4, 0x42])
                bytes[2] = 0
                bytes[3] = UInt8(truncatingIfNeeded: bytes.count - 20)
            }
            _ = try? STUNDecodedMessage(decoding: bytes)
        }
        for vector in [
            Self.sampleRequest, Self.sampleIPv4Response, Self.sampleIPv6Response, Self.sampleLongTermRequest,
        ] {
            for length in 0...vector.count { _ = try? STUNDecodedMessage(decoding: Array(vector.prefix(length))) }
            for index in vector.indices {
                var corrupted = vector
                corrupted[index] = UInt8.random(in: 0...255, using: &generator)
                if let decoded = try? STUNDecodedMessage(decoding: corrupted) {
                    _ = try? decoded.verifyIntegrity(key: [])
                }
            }
        }
    }
}
