import Testing

@testable import Media

@Suite struct TransportAddressTests {
    @Test func parsesAndFormatsIPv4() throws {
        let address = try #require(TransportAddress("192.0.2.1", port: 3478))
        #expect(address.ip == .v4(0xC000_0201))
        #expect(address.description == "192.0.2.1:3478")
        #expect(address.ip.bytes == [192, 0, 2, 1])
        #expect(TransportAddress.IP(bytes: [192, 0, 2, 1]) == address.ip)
        for bad in ["192.0.2", "192.0.2.256", "1.2.3.4.5", "a.b.c.d", "", "1..2.3", "01234.1.1.1"] {
            #expect(TransportAddress(bad, port: 1) == nil, "\(bad)")
        }
    }

    /// RFC 5952 section 4 canonical text, and parsing of the forms RFC 4291 section 2.2 allows.
    @Test(arguments: [
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("::", "::"),
        ("::1", "::1"),
        ("fe80::", "fe80::"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("2001:db8:1234:5678:11:2233:4455:6677", "2001:db8:1234:5678:11:2233:4455:6677"),
    ])
    func parsesAndFormatsIPv6(input: String, canonical: String) throws {
        let address = try #require(TransportAddress(input, port: 5004))
        #expect(address.ipDescription == canonical)
        #expect(address.description == "[\(canonical)]:5004")
        #expect(TransportAddress.IP(bytes: address.ip.bytes) == address.ip)
    }

    @Test func rejectsMalformedIPv6() {
        for bad in [
            ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::1", "::1.2.3", "1:2:3:4:5:6:7::8",
        ] {
            #expect(TransportAddress(bad, port: 1) == nil, "\(bad)")
        }
    }
}
