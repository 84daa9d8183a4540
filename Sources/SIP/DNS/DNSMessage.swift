/// The subset of DNS (RFC 1035) that RFC 3263 server location needs: queries for SRV (RFC 2782),
/// A and AAAA (RFC 3596) records, and parsing of their answers, with name compression.
public struct DNSMessage: Sendable, Equatable {
    public enum RecordType: UInt16, Sendable {
        case a = 1
        case cname = 5
        case aaaa = 28
        case srv = 33
    }

    public struct Question: Sendable, Equatable {
        public var name: String
        public var type: RecordType
    }

    public enum RecordData: Sendable, Equatable {
        case a([UInt8])
        case aaaa([UInt8])
        case cname(String)
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
        case other(type: UInt16)
    }

    public struct Record: Sendable, Equatable {
        public var name: String
        public var ttl: UInt32
        public var data: RecordData
    }

    public var id: UInt16
    public var isResponse: Bool
    /// RFC 1035 4.1.1 RCODE: 0 no error, 2 server failure, 3 name error (NXDOMAIN).
    public var responseCode: UInt8
    public var isTruncated: Bool
    public var questions: [Question]
    public var answers: [Record]
    public var additional: [Record]

    /// A recursive query for one name and type.
    public static func query(id: UInt16, name: String, type: RecordType) -> DNSMessage {
        DNSMessage(
            id: id, isResponse: false, responseCode: 0, isTruncated: false,
            questions: [Question(name: name, type: type)], answers: [], additional: [])
    }

    /// Wire form of a query (RFC 1035 4.1): header with RD set, then the questions.
    public func encodedQuery() throws(DNSError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append16(&out, id)
        append16(&out, 0x0100)  // QR=0, OPCODE=0, RD=1
        append16(&out, UInt16(questions.count))
        append16(&out, 0)
        append16(&out, 0)
        append16(&out, 0)
        for question in questions {
            try Self.appendName(question.name, to: &out)
            append16(&out, question.type.rawValue)
            append16(&out, 1)  // class IN
        }
        return out
    }

    static func appendName(_ name: String, to out: inout [UInt8]) throws(DNSError) {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        var total = 0
        if !trimmed.isEmpty {
            for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
                let bytes = Array(label.utf8)
                // RFC 1035 2.3.4: labels of 1-63 octets, names of at most 255.
                guard !bytes.isEmpty, bytes.count <= 63 else { throw DNSError("invalid label in name '\(name)'") }
                out.append(UInt8(bytes.count))
                out.append(contentsOf: bytes)
                total += bytes.count + 1
            }
        }
        guard total + 1 <= 255 else { throw DNSError("name '\(name)' longer than 255 octets") }
        out.append(0)
    }

    /// Parses a response; every length and pointer is checked, compression loops are refused.
    public init(parsing bytes: [UInt8]) throws(DNSError) {
        var reader = DNSReader(bytes: bytes)
        id = try reader.read16()
        let flags = try reader.read16()
        isResponse = flags & 0x8000 != 0
        isTruncated = flags & 0x0200 != 0
        responseCode = UInt8(flags & 0x000F)
        let questionCount = try reader.read16()
        let answerCount = try reader.read16()
        let authorityCount = try reader.read16()
        let additionalCount = try reader.read16()
        var questions: [Question] = []
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = try reader.read16()
            _ = try reader.read16()
            questions.append(Question(name: name, type: RecordType(rawValue: type) ?? .a))
        }
        self.questions = questions
        answers = try (0..<answerCount).map { _ throws(DNSError) in try reader.readRecord() }
        for _ in 0..<authorityCount { _ = try reader.readRecord() }
        additional = try (0..<additionalCount).map { _ throws(DNSError) in try reader.readRecord() }
    }

    init(
        id: UInt16, isResponse: Bool, responseCode: UInt8, isTruncated: Bool, questions: [Question],
        answers: [Record], additional: [Record]
    ) {
        self.id = id
        self.isResponse = isResponse
        self.responseCode = responseCode
        self.isTruncated = isTruncated
        self.questions = questions
        self.answers = answers
        self.additional = additional
    }
}

private func append16(_ out: inout [UInt8], _ value: UInt16) {
    out.append(UInt8(value >> 8))
    out.append(UInt8(value & 0xFF))
}

public struct DNSError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "DNS: \(reason)" }
}

/// Bounds-checked reading of a DNS message.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func read8() throws(DNSError) -> UInt8 {
        guard offset < bytes.count else { throw DNSError("message truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func read16() throws(DNSError) -> UInt16 {
        UInt16(try read8()) << 8 | UInt16(try read8())
    }

    mutating func read32() throws(DNSError) -> UInt32 {
        UInt32(try read16()) << 16 | UInt32(try read16())
    }

    mutating func readBytes(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw DNSError("message truncated at byte \(offset)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// RFC 1035 4.1.4: labels, possibly ending in a pointer to an earlier name.
    mutating func readName() throws(DNSError) -> String {
        var labels: [String] = []
        var position = offset
        var jumped = false
        var jumps = 0
        var length = 0
        while true {
            guard position < bytes.count else { throw DNSError("name runs past the message") }
            let count = Int(bytes[position])
            if count & 0xC0 == 0xC0 {
                guard position + 1 < bytes.count else { throw DNSError("truncated compression pointer") }
                let target = (count & 0x3F) << 8 | Int(bytes[position + 1])
                jumps += 1
                guard jumps <= 32, target < position else { throw DNSError("compression pointer loop") }
                if !jumped { offset = position + 2 }
                jumped = true
                position = target
                continue
            }
            guard count & 0xC0 == 0 else { throw DNSError("unsupported label type") }
            if count == 0 {
                if !jumped { offset = position + 1 }
                break
            }
            guard position + 1 + count <= bytes.count else { throw DNSError("label runs past the message") }
            length += count + 1
            guard length <= 255 else { throw DNSError("name longer than 255 octets") }
            labels.append(String(decoding: bytes[(position + 1)...(position + count)], as: UTF8.self))
            position += 1 + count
        }
        return labels.joined(separator: ".")
    }

    mutating func readRecord() throws(DNSError) -> DNSMessage.Record {
        let name = try readName()
        let type = try read16()
        _ = try read16()
        let ttl = try read32()
        let length = Int(try read16())
        guard offset + length <= bytes.count else { throw DNSError("record data runs past the message") }
        let end = offset + length
        let data: DNSMessage.RecordData
        switch DNSMessage.RecordType(rawValue: type) {
        case .a:
            guard length == 4 else { throw DNSError("A record of \(length) bytes") }
            data = .a(try readBytes(4))
        case .aaaa:
            guard length == 16 else { throw DNSError("AAAA record of \(length) bytes") }
            data = .aaaa(try readBytes(16))
        case .cname:
            data = .cname(try readName())
        case .srv:
            guard length >= 7 else { throw DNSError("SRV record of \(length) bytes") }
            let priority = try read16()
            let weight = try read16()
            let port = try read16()
            data = .srv(priority: priority, weight: weight, port: port, target: try readName())
        case nil:
            data = .other(type: type)
        }
        guard offset <= end else { throw DNSError("record data longer than its length") }
        offset = end
        return DNSMessage.Record(name: name, ttl: ttl, data: data)
    }
}
