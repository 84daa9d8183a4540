/// Reads the start line and header lines of a message whose head has been delimited by
/// `SIPHeadScanner`: undoes line folding (RFC 3261 7.3.1), splits names from values, and
/// records the first problem while still collecting every well-formed header, so an error
/// response can be built from a partly broken request.
enum SIPHeadParser {
    /// Parses `buffer[start ..< start + length]`: lines ended by CRLF (or a bare LF), up to the
    /// first empty line or the end.
    static func parse(_ buffer: [UInt8], start: Int, length: Int) -> SIPParsedHead {
        var head = SIPParsedHead()
        let end = start + length
        var lineStart = start
        var lineNumber = 0

        // The header being assembled.
        var name: String? = nil
        var value: [UInt8] = []
        var location = SIPHeaderLocation(line: 0, nameOffset: 0, segments: [], leadingTrim: 0)
        var skipping = false  // inside a malformed header and its continuation lines

        func record(_ error: SIPParseError) {
            if head.error == nil { head.error = error }
        }
        func finishHeader() {
            guard let current = name else { return }
            var lo = 0
            var hi = value.count
            while lo < hi && SIPGrammar.isWSP(value[lo]) { lo += 1 }
            while hi > lo && SIPGrammar.isWSP(value[hi - 1]) { hi -= 1 }
            location.leadingTrim = lo
            head.headers.fields.append(SIPHeader(name: SIPHeaderName(current), value: String(decoding: value[lo..<hi], as: UTF8.self)))
            head.locations.append(location)
            name = nil
            value = []
        }

        while lineStart < end {
            var lf = lineStart
            while lf < end && buffer[lf] != 0x0A { lf += 1 }
            var contentEnd = lf
            if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = lf < end ? lf + 1 : end
            lineNumber += 1
            let offset = lineStart - start
            defer { lineStart = next }
            if contentEnd == lineStart { break }  // the empty line

            if let cr = buffer[lineStart..<contentEnd].firstIndex(of: 0x0D) {
                record(
                    SIPParseError(
                        code: lineNumber == 1 ? .malformedStartLine : .malformedHeaderLine,
                        reason: "line \(lineNumber) contains a CR that is not followed by LF", position: cr - start,
                        line: lineNumber))
                if lineNumber == 1 { return head }
                finishHeader()
                skipping = true
                continue
            }

            if lineNumber == 1 {
                let (line, error) = parseStartLine(buffer, lineStart..<contentEnd, base: start)
                head.startLine = line
                if let error { record(error) }
                if line == nil { return head }
                continue
            }

            let first = buffer[lineStart]
            if SIPGrammar.isWSP(first) {
                if lineNumber == 2 {
                    record(
                        SIPParseError(
                            code: .malformedHeaderLine,
                            reason: "line 2 begins with whitespace, but the start line cannot be continued",
                            position: offset, line: lineNumber))
                    skipping = true
                    continue
                }
                if skipping || name == nil { continue }
                // Folding: the continuation line joins the value; its leading whitespace stays
                // as the separating LWS (RFC 3261 7.3.1).
                location.segments.append(.init(unfolded: value.count, absolute: offset))
                value += buffer[lineStart..<contentEnd]
                continue
            }

            finishHeader()
            skipping = false
            var colon = lineStart
            while colon < contentEnd && buffer[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < contentEnd else {
                record(
                    SIPParseError(
                        code: .malformedHeaderLine,
                        reason: "line \(lineNumber) has no ':' between header name and value", position: offset,
                        line: lineNumber))
                skipping = true
                continue
            }
            // HCOLON = *( SP / HTAB ) ":" SWS
            var nameEnd = colon
            while nameEnd > lineStart && SIPGrammar.isWSP(buffer[nameEnd - 1]) { nameEnd -= 1 }
            let nameBytes = buffer[lineStart..<nameEnd]
            guard SIPGrammar.isToken(nameBytes) else {
                let bad = nameBytes.firstIndex { !SIPGrammar.isToken($0) } ?? lineStart
                record(
                    SIPParseError(
                        code: .malformedHeaderLine,
                        reason: "line \(lineNumber): header name '\(String(decoding: nameBytes, as: UTF8.self))' is not a token (\(SIPGrammar.describe(nameBytes.isEmpty ? nil : buffer[bad])))",
                        position: bad - start, line: lineNumber))
                skipping = true
                continue
            }
            name = String(decoding: nameBytes, as: UTF8.self)
            location = SIPHeaderLocation(
                line: lineNumber, nameOffset: offset, segments: [.init(unfolded: 0, absolute: colon + 1 - start)],
                leadingTrim: 0)
            value = Array(buffer[(colon + 1)..<contentEnd])
        }
        finishHeader()
        return head
    }

    /// Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 7.1);
    /// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (7.2).
    /// On error, returns a start line anyway when the message is recognisably a request (method
    /// and version readable), with the Request-URI kept as text, so a 400 can still be sent.
    static func parseStartLine(_ buffer: [UInt8], _ range: Range<Int>, base: Int) -> (SIPStartLine?, SIPParseError?) {
        let line = buffer[range]
        func error(_ code: SIPParseError.Code, _ text: String, at position: Int) -> SIPParseError {
            SIPParseError(code: code, reason: text, position: position - base, line: 1)
        }
        func isVersion(_ bytes: ArraySlice<UInt8>) -> Bool {
            // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive in ABNF)
            guard bytes.count >= 7,
                SIPGrammar.asciiLowercased(String(decoding: bytes.prefix(4), as: UTF8.self)) == "sip/"
            else { return false }
            let rest = bytes.dropFirst(4)
            let parts = rest.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(SIPGrammar.isDigit) }
        }
        func isSIP20(_ bytes: ArraySlice<UInt8>) -> Bool {
            bytes.count == 7 && Array(bytes.dropFirst(4)) == Array("2.0".utf8)
        }
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

        // Status line.
        if line.count >= 4 && SIPGrammar.asciiLowercased(text(line.prefix(4))) == "sip/" {
            let sp = line.firstIndex(of: 0x20) ?? range.upperBound
            let version = buffer[range.lowerBound..<sp]
            guard isVersion(version) else {
                return (nil, error(.malformedStartLine, "status line: '\(text(version))' is not a SIP-Version", at: range.lowerBound))
            }
            guard isSIP20(version) else {
                return (nil, error(.unsupportedVersion, "status line: version \(text(version)) is not SIP/2.0", at: range.lowerBound))
            }
            guard sp < range.upperBound else {
                return (nil, error(.malformedStartLine, "status line has no status code", at: sp))
            }
            let codeStart = sp + 1
            var codeEnd = codeStart
            while codeEnd < range.upperBound && buffer[codeEnd] != 0x20 { codeEnd += 1 }
            let code = buffer[codeStart..<codeEnd]
            // Status-Code = 3DIGIT (RFC 3261 7.2); RFC 4475 3.1.2.19 sends a ten-digit one.
            guard code.count == 3, let number = SIPGrammar.parseUnsigned(code, maximum: 699), number >= 100 else {
                return (nil, error(.malformedStartLine, "status line: status code '\(text(code))' is not three digits from 100 to 699", at: codeStart))
            }
            let reasonStart = min(codeEnd + 1, range.upperBound)
            let reason = buffer[reasonStart..<range.upperBound]
            if let bad = reason.firstIndex(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                return (nil, error(.malformedStartLine, "status line: \(SIPGrammar.describe(buffer[bad])) in the reason phrase", at: bad))
            }
            return (.response(statusCode: Int(number), reasonPhrase: text(reason)), nil)
        }

        // Request line.
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        let method = parts[0]
        guard SIPGrammar.isToken(method) else {
            let bad = method.firstIndex { !SIPGrammar.isToken($0) } ?? range.lowerBound
            return (nil, error(.malformedStartLine, "request line: method '\(text(method))' is not a token (\(SIPGrammar.describe(method.isEmpty ? nil : buffer[bad])))", at: bad))
        }
        let methodValue = SIPMethod(unchecked: text(method))
        // For recovery: the last space-separated word as version, the rest as the URI.
        let words = line.split(separator: 0x20)
        func recovered() -> SIPStartLine? {
            guard words.count >= 3, isVersion(words.last!) else { return nil }
            let uriStart = words[1].startIndex
            let uriEnd = words[words.count - 2].endIndex
            return .request(method: methodValue, uri: .other(text(buffer[uriStart..<uriEnd])))
        }
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else {
            if line.last == 0x20 {
                var position = range.upperBound
                while position > range.lowerBound && buffer[position - 1] == 0x20 { position -= 1 }
                return (recovered(), error(.malformedStartLine, "request line: whitespace after the SIP-Version (RFC 3261 7.1 ends the line with CRLF)", at: position))
            }
            if let empty = parts.dropFirst().firstIndex(where: { $0.isEmpty }) {
                return (recovered(), error(.malformedStartLine, "request line: more than one space between elements (RFC 3261 7.1 allows exactly one SP)", at: parts[empty].startIndex))
            }
            if parts.count < 3 {
                return (nil, error(.malformedStartLine, "request line has \(parts.count) element\(parts.count == 1 ? "" : "s"); expected Method SP Request-URI SP SIP-Version", at: range.lowerBound))
            }
            return (recovered(), error(.malformedRequestURI, "request line has \(parts.count) space-separated elements; the Request-URI may not contain whitespace", at: parts[2].startIndex))
        }
        let uriBytes = parts[1]
        let version = parts[2]
        guard isVersion(version) else {
            return (nil, error(.malformedStartLine, "request line: '\(text(version))' is not a SIP-Version", at: version.startIndex))
        }
        let versionError: SIPParseError? =
            isSIP20(version)
            ? nil : error(.unsupportedVersion, "request line: version \(text(version)) is not SIP/2.0", at: version.startIndex)
        if uriBytes.first == UInt8(ascii: "<") {
            return (recovered(), versionError ?? error(.malformedRequestURI, "Request-URI must not be enclosed in '<' and '>' (RFC 3261 7.1)", at: uriBytes.startIndex))
        }
        do {
            let uri = try SIPAnyURI.parse(buffer, uriBytes.startIndex..<uriBytes.endIndex, context: .requestURI)
            if case .sip(let sip) = uri, !sip.headers.isEmpty {
                let q = uriBytes.firstIndex(of: UInt8(ascii: "?")) ?? uriBytes.startIndex
                return (recovered(), versionError ?? error(.malformedRequestURI, "Request-URI: header components are not allowed in a Request-URI (RFC 3261 19.1.1, table 1)", at: q))
            }
            return (.request(method: methodValue, uri: uri), versionError)
        } catch var uriError as SIPParseError {
            uriError.position -= base
            uriError.line = 1
            return (recovered(), versionError ?? uriError)
        } catch {
            return (recovered(), nil)
        }
    }
}
