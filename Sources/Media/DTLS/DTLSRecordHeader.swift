/// The fixed 13-byte header of a DTLS record (RFC 6347 section 4.1), read only as far as the session needs
/// to screen datagrams and to spot a ClientHello before the role is known.
struct DTLSRecordHeader: Hashable, Sendable {
    /// Header length: type (1), version (2), epoch (2), sequence number (6), length (2).
    static let length = 13

    /// ContentType values (RFC 5246 section 6.2.1).
    enum ContentType: UInt8 {
        case changeCipherSpec = 20
        case alert = 21
        case handshake = 22
        case applicationData = 23
    }

    /// The ContentType byte.
    let contentType: UInt8
    /// The epoch: 0 until ChangeCipherSpec (RFC 6347 section 4.1).
    let epoch: UInt16

    /// The first record's header; throws `dtlsNotARecord` unless the datagram starts like DTLS: a first
    /// byte in RFC 7983's 20...63 range, a full header, and the DTLS major version 0xFE (RFC 6347 section 4.1:
    /// DTLS 1.0 is 254.255, DTLS 1.2 is 254.253).
    init(datagram: [UInt8]) throws(MediaError) {
        guard datagram.count >= Self.length else {
            throw MediaError(
                .dtlsNotARecord, "datagram of \(datagram.count) bytes is shorter than a DTLS record header")
        }
        guard MediaPacketKind.classify(datagram) == .dtls else {
            throw MediaError(.dtlsNotARecord, "first byte \(datagram[0]) is outside the DTLS range 20...63 (RFC 7983)")
        }
        guard datagram[1] == 0xFE else {
            throw MediaError(.dtlsNotARecord, "record version \(datagram[1]).\(datagram[2]) is not DTLS")
        }
        contentType = datagram[0]
        epoch = UInt16(datagram[3]) << 8 | UInt16(datagram[4])
    }

    /// Whether the datagram's first record carries the start of a ClientHello: a handshake record in
    /// epoch 0 whose message type (the first fragment byte, RFC 6347 section 4.2.2) is client_hello (1).
    static func startsWithClientHello(_ datagram: [UInt8]) -> Bool {
        guard let header = try? DTLSRecordHeader(datagram: datagram),
            header.contentType == ContentType.handshake.rawValue, header.epoch == 0,
            datagram.count > Self.length
        else { return false }
        return datagram[Self.length] == 1
    }
}
