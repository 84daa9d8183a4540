/// The checks run on a framed message according to `SIPValidation`: presence, uniqueness and
/// syntax of the header fields every message needs, and CSeq method = request method.
enum SIPMessageValidator {
    static func validate(_ message: SIPMessage, locations: [SIPHeaderLocation], validation: SIPValidation) throws {
        guard validation.checksMandatoryHeaders else { return }
        let headers = message.headers.fields

        // RFC 3261 8.1.1: To, From, CSeq, Call-ID, Max-Forwards, Via in every request; responses
        // carry the same except Max-Forwards (8.2.6.2).
        var mandatory: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq]
        if message.isRequest && validation.requiresMaxForwards { mandatory.append(.maxForwards) }
        let missing = mandatory.filter { name in !headers.contains { $0.name == name } }
        if !missing.isEmpty {
            let names = missing.map(\.canonicalName)
            throw SIPParseError(
                code: .missingHeader, header: names.joined(separator: ", "),
                reason: "missing mandatory header\(names.count > 1 ? "s" : "") \(names.joined(separator: ", ")) (RFC 3261 8.1.1)",
                position: 0)
        }

        // Single-valued fields may appear once (RFC 3261 7.3.1; RFC 4475 3.3.8).
        for name in [SIPHeaderName.from, .to, .callID, .cseq, .maxForwards] {
            let indices = headers.indices.filter { headers[$0].name == name }
            if indices.count > 1 {
                let location = locations[indices[1]]
                throw SIPParseError(
                    code: .duplicateHeader, header: name.canonicalName,
                    reason: "\(name.canonicalName) appears \(indices.count) times; it may appear once", position: location.nameOffset,
                    line: location.line)
            }
        }

        var cseq: SIPCSeq? = nil
        var cseqLocation: SIPHeaderLocation? = nil
        for (index, field) in headers.enumerated() {
            let location = locations[index]
            do {
                switch field.name {
                case .via:
                    let bytes = Array(field.value.utf8)
                    let ranges = SIPHeaders.splitList(bytes)
                    if ranges.isEmpty {
                        throw SIPParseError(code: .malformedHeader, header: "Via", reason: "Via header: empty value", position: 0)
                    }
                    for range in ranges { _ = try SIPVia.parse(bytes, range, context: .header("Via")) }
                case .from:
                    let bytes = Array(field.value.utf8)
                    _ = try SIPNameAddress.parse(bytes, 0..<bytes.count, context: .header("From"))
                case .to:
                    let bytes = Array(field.value.utf8)
                    _ = try SIPNameAddress.parse(bytes, 0..<bytes.count, context: .header("To"))
                case .callID:
                    _ = try SIPMessage.parseCallID(field.value)
                case .cseq:
                    var s = SIPScanner(field.value, context: .header("CSeq"))
                    cseq = try SIPCSeq.parse(&s)
                    cseqLocation = location
                case .maxForwards where message.isRequest:
                    _ = try SIPMessage.parseMaxForwards(field.value)
                // Headers a UA acts on are checked too, so a broken one gets a 400 at once.
                case .contact, .route, .recordRoute:
                    let label = field.name.canonicalName
                    let bytes = Array(field.value.utf8)
                    let ranges = SIPHeaders.splitList(bytes)
                    if field.name == .contact, ranges.contains(where: { bytes[$0] == [UInt8(ascii: "*")] }) {
                        guard ranges.count == 1, headers.filter({ $0.name == .contact }).count == 1 else {
                            throw SIPParseError(
                                code: .malformedHeader, header: "Contact",
                                reason: "Contact header: '*' must be the only Contact value (RFC 3261 10.2.2)", position: 0)
                        }
                        continue
                    }
                    if ranges.isEmpty {
                        throw SIPParseError(code: .malformedHeader, header: label, reason: "\(label) header: empty value", position: 0)
                    }
                    for range in ranges { _ = try SIPNameAddress.parse(bytes, range, context: .header(label)) }
                case .contentType:
                    var s = SIPScanner(field.value, context: .header("Content-Type"))
                    _ = try SIPMediaType.parse(&s)
                case .expires:
                    _ = try SIPMessage.parseDeltaSeconds(field.value, header: "Expires")
                case .require, .proxyRequire:
                    let label = field.name.canonicalName
                    let bytes = Array(field.value.utf8)
                    for range in SIPHeaders.splitList(bytes) where !SIPGrammar.isToken(bytes[range]) {
                        throw SIPParseError(
                            code: .malformedHeader, header: label,
                            reason: "\(label) header: '\(String(decoding: bytes[range], as: UTF8.self))' is not an option tag",
                            position: range.lowerBound)
                    }
                default:
                    break
                }
            } catch var error as SIPParseError {
                error.position = location.absolute(error.position)
                error.line = location.line
                throw error
            }
        }

        // RFC 3261 8.1.1.5: the CSeq method MUST match the request method.
        if let method = message.method, let cseq, let cseqLocation, cseq.method != method {
            throw SIPParseError(
                code: .methodMismatch, header: "CSeq",
                reason: "CSeq method \(cseq.method) does not match the request method \(method) (RFC 3261 8.1.1.5)",
                position: cseqLocation.nameOffset, line: cseqLocation.line)
        }
    }
}
