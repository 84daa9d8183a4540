import Testing

@testable import Media

/// RTP packet view, in-place rewrite, header extensions (RFC 8285) and the header builder (RFC 3550 5.1).
@Suite struct RTPPacketTests {
    /// V=2, X, CC=2, M, PT 111, seq 0x1234, ts 0xdeadbeef, SSRC 0x01020304, two CSRCs, a one-byte extension
    /// with elements 1 (1 byte) and 3 (2 bytes) and a padding byte, payload "abc", padding of 3.
    static let sample = hex(
        """
        b2 ef 12 34 de ad be ef 01 02 03 04
        0a 0b 0c 0d 0e 0f 10 11
        be de 00 02 10 ff 00 31 aa bb 00 00
        61 62 63
        00 00 03
        """)

    @Test func readsEveryField() throws {
        try Self.sample.withUnsafeBytes { raw in
            let view = try RTPPacketView(raw)
            #expect(view.version == 2)
            #expect(view.hasPadding)
            #expect(view.hasExtension)
            #expect(view.csrcCount == 2)
            #expect(view.marker)
            #expect(view.payloadType == 111)
            #expect(view.sequenceNumber == 0x1234)
            #expect(view.timestamp == 0xdead_beef)
            #expect(view.ssrc == 0x0102_0304)
            #expect(Array(view.csrcs) == [0x0a0b_0c0d, 0x0e0f_1011])
            #expect(view.extensionProfile == 0xBEDE)
            #expect(view.extensionData.map(Array.init) == hex("10 ff 00 31 aa bb 00 00"))
            let elements = view.headerExtensions.map { ($0.id, Array($0.data)) }
            #expect(elements.map(\.0) == [1, 3])
            #expect(elements.map(\.1) == [[0xff], [0xaa, 0xbb]])
            #expect(view.headerExtensions.element(id: 3).map(Array.init) == [0xaa, 0xbb])
            #expect(view.headerExtensions.element(id: 2) == nil)
            try view.headerExtensions.validate()
            #expect(view.headerLength == 32)
            #expect(view.paddingLength == 3)
            #expect(view.payloadRange == 32..<35)
            #expect(Array(view.payload) == Array("abc".utf8))
        }
    }

    @Test func rewritesInPlace() throws {
        var packet = Self.sample
        try packet.withUnsafeMutableBytes { raw in
            let view = try RTPMutablePacketView(raw)
            view.payloadType = 0
            view.marker = false
            view.sequenceNumber = 0xFFFF
            view.timestamp = 160
            view.ssrc = 0xCAFE_BABE
            view.payload[0] = 0x7A
        }
        try packet.withUnsafeBytes { raw in
            let view = try RTPPacketView(raw)
            #expect(view.payloadType == 0 && !view.marker)
            #expect(view.sequenceNumber == 0xFFFF && view.timestamp == 160 && view.ssrc == 0xCAFE_BABE)
            #expect(Array(view.payload) == Array("zbc".utf8))
        }
        // Only the rewritten bytes changed.
        let changed = zip(packet, Self.sample).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 32])
        try packet.withUnsafeMutableBytes { raw in
            let view = try RTPMutablePacketView(raw)
            view.marker = true
            #expect(view.payloadType == 0 && view.marker)
            view.payloadType = 8
            #expect(view.payloadType == 8 && view.marker)
        }
    }

    @Test func twoByteExtensionElements() throws {
        let elements: [(id: UInt8, data: [UInt8])] = [(200, []), (7, [UInt8](repeating: 9, count: 20))]
        let header = RTPHeader(
            payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3,
            headerExtension: try .twoByte(elements, appBits: 5))
        var packet: [UInt8] = []
        try header.appendPacket(payload: [1, 2], to: &packet)
        try packet.withUnsafeBytes { raw in
            let view = try RTPPacketView(raw)
            #expect(view.extensionProfile == 0x1005)
            let elements = Array(view.headerExtensions)
            #expect(elements.map(\.id) == [200, 7])
            #expect(elements.map(\.data.count) == [0, 20])
            #expect(Array(view.payload) == [1, 2])
        }
        #expect(RTPHeader(try packet.withUnsafeBytes { try RTPPacketView($0) }) == header)
    }

    @Test func oneByteExtensionStopsAtID15AndReportsMalformedElements() throws {
        func elements(_ body: [UInt8]) -> ([UInt8], MediaError?) {
            body.withUnsafeBytes { raw in
                let sequence = RTPHeaderExtensionElements(profile: 0xBEDE, data: raw)
                var iterator = sequence.makeIterator()
                var ids: [UInt8] = []
                while let element = iterator.next() { ids.append(element.id) }
                return (ids, iterator.failure)
            }
        }
        #expect(elements(hex("10 01 f3 20 02 00 00 00")).0 == [1])  // ID 15 ends processing
        #expect(elements(hex("00 00 10 01 21 02 03 00")) == ([1, 2], nil))  // leading padding bytes
        let truncated = elements(hex("10 01 23 01 02 00 00 00").prefix(5).map { $0 })
        #expect(truncated.0 == [1] && truncated.1?.code == .truncated)
        #expect(elements(hex("05 01 00 00")).1?.code == .invalidField)
        // A profile that is neither one-byte nor two-byte has no elements.
        let none = hex("10 01 00 00").withUnsafeBytes {
            Array(RTPHeaderExtensionElements(profile: 0xABCD, data: $0)).count
        }
        #expect(none == 0)
    }

    @Test func buildsIntoCallerBuffer() throws {
        let elements: [(id: UInt8, data: [UInt8])] = [(1, [0x80]), (14, [UInt8](repeating: 1, count: 16))]
        var header = RTPHeader(
            marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xFFFF_FF00, ssrc: 0x1122_3344,
            csrcs: [7], headerExtension: try .oneByte(elements))
        var buffer = [UInt8](repeating: 0xEE, count: 100)
        let payload: [UInt8] = [1, 2, 3, 4, 5]
        let length = try buffer.withUnsafeMutableBytes { out in
            try payload.withUnsafeBytes { try header.writePacket(payload: $0, paddingLength: 4, to: out) }
        }
        #expect(length == header.encodedLength + 5 + 4)
        try buffer.withUnsafeBytes { raw in
            let view = try RTPPacketView(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
            #expect(RTPHeader(view) == header)
            #expect(Array(view.payload) == payload)
            #expect(view.paddingLength == 4)
            #expect(view.headerExtensions.map(\.id) == [1, 14])
        }
        // Too small a buffer is an error, not a crash, and the header alone can be written too.
        #expect(throws: MediaError(.bufferTooSmall, "")) {
            try buffer.withUnsafeMutableBytes { out in
                try payload.withUnsafeBytes {
                    try header.writePacket(payload: $0, to: UnsafeMutableRawBufferPointer(rebasing: out[0..<20]))
                }
            }
        }
        header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 9)
        let written = try buffer.withUnsafeMutableBytes { try header.write(to: $0) }
        #expect(written == 12)
        #expect(Array(buffer.prefix(12)) == hex("80 00 00 01 00 00 00 a0 00 00 00 09"))
        #expect(throws: MediaError(.unencodable, "")) {
            try buffer.withUnsafeMutableBytes {
                try RTPHeader(payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0).write(to: $0)
            }
        }
        #expect(throws: MediaError(.unencodable, "")) { try RTPHeaderExtension.oneByte([(id: 15, data: [1])]) }
        #expect(throws: MediaError(.unencodable, "")) { try RTPHeaderExtension.oneByte([(id: 1, data: [])]) }
        var out: [UInt8] = [42]
        #expect(throws: MediaError(.unencodable, "")) {
            try RTPHeader(
                payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: Array(repeating: 1, count: 16)
            )
            .appendPacket(payload: [], to: &out)
        }
        #expect(out == [42])
    }

    @Test func rejectsMalformedPackets() {
        func check(_ bytes: [UInt8], _ code: MediaError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: MediaError(code, ""), sourceLocation: sourceLocation) {
                try bytes.withUnsafeBytes { _ = try RTPPacketView($0) }
            }
        }
        let minimal = hex("80 00 00 01 00 00 00 a0 00 00 00 09")
        check(Array(minimal.prefix(11)), .truncated)
        check([0x40] + minimal.dropFirst(), .invalidField)  // version 1
        check([0x81] + minimal.dropFirst(), .truncated)  // one CSRC announced, none present
        check([0x90] + minimal.dropFirst() + [0xbe, 0xde], .truncated)  // extension header cut
        check([0x90] + minimal.dropFirst() + [0xbe, 0xde, 0x00, 0x01], .truncated)  // extension body missing
        check([0xA0] + minimal.dropFirst() + [1, 2, 0], .invalidPadding)  // padding count 0
        check([0xA0] + minimal.dropFirst() + [1, 2, 4], .invalidPadding)  // padding past the header
        check([0xA0] + minimal.dropFirst(), .invalidPadding)  // padding bit, last header byte 9 > payload
        // A packet with an empty payload and a header-only padding of exactly the rest is fine.
        #expect(
            (try? [UInt8]([0xA0] + minimal.dropFirst() + [0, 0, 3]).withUnsafeBytes {
                try RTPPacketView($0).payload.count
            }) == 0)
    }

    /// Every prefix and random corruption of valid packets, and random bytes, give a view or an error; a view
    /// always has its ranges inside the buffer.
    @Test func survivesArbitraryInput() throws {
        var generator = SeededGenerator(seed: 3550)
        var inputs: [[UInt8]] = (0...Self.sample.count).map { Array(Self.sample.prefix($0)) }
        for _ in 0..<5_000 {
            var bytes = Bool.random(using: &generator) ? Self.sample : randomBytes(&generator, maxLength: 64)
            if !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                bytes[0] = bytes[0] & 0x3F | 0x80
            }
            inputs.append(bytes)
        }
        for bytes in inputs {
            bytes.withUnsafeBytes { raw in
                guard let view = try? RTPPacketView(raw) else { return }
                #expect(view.payloadRange.lowerBound >= 12 && view.payloadRange.upperBound <= raw.count)
                _ = Array(view.csrcs)
                for element in view.headerExtensions { _ = Array(element.data) }
                try? view.headerExtensions.validate()
            }
        }
    }
}
