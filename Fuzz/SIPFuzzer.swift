// libFuzzer entry for the SIP message layer. The first byte chooses a chunk size; the rest is
// parsed as a datagram and as a stream (fed in chunks of that size, and compared with feeding
// everything at once). Every message that parses is serialized and parsed again, every typed header value
// that parses is written and read again, and every error response built for a refused request
// must itself parse: any difference traps. Built into the SIP module:
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name SIP -I Sources/COpenSSL \
//     Sources/SIP/*.swift Fuzz/SIPFuzzer.swift -lcrypto

/// Limits for re-parsing what we wrote: repaired UTF-8 may make values a little longer.
private let fuzzRelaxedLimits = SIPLimits(maxMessageSize: 1 << 20, maxHeaderCount: 256, maxLineLength: 1 << 18)

private enum FuzzOutcome: Equatable {
    case event(SIPMessageParser.Event)
    case error(SIPParseError)
}

private func fuzzFail(_ what: String) -> Never {
    fatalError("SIP fuzz invariant broken: \(what)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    // The first byte picks the stream chunk size; the rest is the input for both parsers.
    let chunk = Int(first % 64) + 1
    let input = bytes.dropFirst()

    // Datagram, with both validation policies.
    for validation in [SIPValidation.rfc3261, .framingOnly] {
        do {
            if let message = try SIPMessageParser.parse(datagram: input, validation: validation) {
                fuzzCheckMessage(message, validation: validation)
            }
        } catch let error as SIPParseError {
            fuzzCheckError(error)
        } catch {
            fuzzFail("non-SIPParseError \(error)")
        }
    }

    // Stream: in chunks, and all at once; both must agree.
    let chunked = fuzzRunStream(input, chunk: chunk)
    let whole = fuzzRunStream(input, chunk: max(1, input.count))
    if chunked != whole { fuzzFail("stream outcome depends on chunking (chunk \(chunk))") }
    for outcome in whole {
        switch outcome {
        case .event(.message(let message)):
            fuzzCheckMessage(message, validation: .rfc3261)
            var again = SIPMessageParser(limits: fuzzRelaxedLimits)
            again.append(message.serialized)
            guard case .message(let reparsed)? = try? again.next(), reparsed == message else {
                fuzzFail("stream round trip")
            }
        case .error(let error):
            fuzzCheckError(error)
        default:
            break
        }
    }
    return 0
}

private func fuzzRunStream(_ input: ArraySlice<UInt8>, chunk: Int) -> [FuzzOutcome] {
    var parser = SIPMessageParser()
    var outcomes: [FuzzOutcome] = []
    var offset = input.startIndex
    while offset < input.endIndex {
        let end = min(offset + chunk, input.endIndex)
        parser.append(input[offset..<end])
        offset = end
        while true {
            do {
                guard let event = try parser.next() else { break }
                outcomes.append(.event(event))
            } catch let error as SIPParseError {
                outcomes.append(.error(error))
                if error.isFatal { return outcomes }
            } catch {
                fuzzFail("non-SIPParseError \(error)")
            }
        }
    }
    return outcomes
}

private func fuzzCheckMessage(_ message: SIPMessage, validation: SIPValidation) {
    let wire = message.serialized
    guard let reparsed = try? SIPMessageParser.parse(datagram: wire, limits: fuzzRelaxedLimits, validation: validation),
        reparsed == message
    else {
        fuzzFail("datagram round trip of \(message.startLine)")
    }
    _ = message.description
    if let uri = message.requestURI { fuzzCheckURI(uri) }
    fuzzCheckTypedHeaders(message)
}

private func fuzzRoundTrip<T: Equatable & CustomStringConvertible>(_ value: T, _ parse: (String) throws -> T, _ what: String) {
    guard let again = try? parse(value.description), again == value else {
        fuzzFail("\(what) round trip of \(value.description)")
    }
}

private func fuzzCheckURI(_ uri: SIPAnyURI) {
    fuzzRoundTrip(uri, { try SIPAnyURI(parsing: $0) }, "URI")
    if !uri.isEquivalent(to: uri) { fuzzFail("URI equivalence is not reflexive: \(uri)") }
}

private func fuzzCheckAddress(_ address: SIPNameAddress) {
    fuzzRoundTrip(address, { try SIPNameAddress(parsing: $0) }, "address")
    fuzzCheckURI(address.uri)
    _ = address.tag
    _ = address.expires
    _ = address.q
}

private func fuzzCheckTypedHeaders(_ m: SIPMessage) {
    if let vias = try? m.via {
        for via in vias {
            fuzzRoundTrip(via, { try SIPVia(parsing: $0) }, "Via")
            _ = (via.branch, via.received, via.rport, via.maddr, via.ttl, via.hasMagicCookie)
        }
    }
    _ = try? m.topVia
    if let from = try? m.from { fuzzCheckAddress(from) }
    if let to = try? m.to { fuzzCheckAddress(to) }
    if let contacts = try? m.contacts {
        for address in contacts.addresses { fuzzCheckAddress(address) }
    }
    for list in [try? m.routes, try? m.recordRoutes, try? m.pAssertedIdentity] {
        for address in list ?? [] { fuzzCheckAddress(address) }
    }
    if let cseq = try? m.cseq { fuzzRoundTrip(cseq, { try SIPCSeq(parsing: $0) }, "CSeq") }
    if let type = try? m.contentType { fuzzRoundTrip(type, { try SIPMediaType(parsing: $0) }, "Content-Type") }
    if let se = try? m.sessionExpires { fuzzRoundTrip(se, { try SIPSessionExpires(parsing: $0) }, "Session-Expires") }
    if let rack = try? m.rack { fuzzRoundTrip(rack, { try SIPRAck(parsing: $0) }, "RAck") }
    for reason in (try? m.reasons) ?? [] { fuzzRoundTrip(reason, { try SIPReason(parsing: $0) }, "Reason") }
    _ = (try? m.callID, try? m.maxForwards, try? m.contentLength, try? m.expires, try? m.minExpires)
    _ = (try? m.require, try? m.supported, try? m.proxyRequire, try? m.unsupported, try? m.allow)
    _ = (try? m.rseq, try? m.minSE, try? m.privacy)
    let auth = [try? m.wwwAuthenticate, try? m.proxyAuthenticate, try? m.authorization, try? m.proxyAuthorization]
    for values in auth {
        for value in values ?? [] {
            fuzzRoundTrip(value, { try SIPAuthValue(parsing: $0) }, "auth value")
            if let challenge = try? DigestChallenge(value) {
                fuzzRoundTrip(challenge, { try DigestChallenge(parsing: $0) }, "Digest challenge")
                if challenge.resolvedAlgorithm != nil,
                    let credentials = try? DigestCredentials.respond(
                        to: challenge, username: "u", password: "p", method: .register, uri: "sip:x", cnonce: "c")
                {
                    if !credentials.verify(password: "p", method: .register, username: "u") { fuzzFail("digest self-verification") }
                    fuzzRoundTrip(credentials, { try DigestCredentials(parsing: $0) }, "Digest credentials")
                }
            }
            if let credentials = try? DigestCredentials(value) {
                fuzzRoundTrip(credentials, { try DigestCredentials(parsing: $0) }, "Digest credentials")
                _ = credentials.verify(password: "p", method: .invite)
            }
        }
    }
    _ = try? m.digestChallenges()
}

private func fuzzCheckError(_ error: SIPParseError) {
    _ = error.description
    _ = error.summary
    if let response = SIPMessage.makeErrorResponse(for: error, toTag: "fz") {
        guard let reparsed = try? SIPMessageParser.parse(datagram: response.serialized, limits: fuzzRelaxedLimits, validation: .framingOnly),
            reparsed == response
        else {
            fuzzFail("error response does not parse: \(error)")
        }
    }
}
