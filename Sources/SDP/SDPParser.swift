/// Parses RFC 8866 session descriptions.
///
/// What it accepts:
/// - CRLF or bare LF line endings; blank lines are skipped. Input must be UTF-8 without NUL
///   bytes or bare CRs (RFC 8866 section 9 `byte-string` excludes them).
/// - `v=`, `o=`, `s=` first and in that order, then session-level lines, then media sections.
///   Within a section the optional lines may come in any order (RFC 8866 section 5 fixes one;
///   real peers do not always keep it, and the model does not record it); the serializer always
///   writes the RFC order. Lines that may appear once (`i=`, `u=`, `c=` at session level, `z=`,
///   `k=`) may not repeat, and `r=` must follow a `t=` or `r=`.
/// - At least one `t=`; `c=` at session level or in every media section (RFC 8866 section 5.7).
/// - Unknown type letters are rejected (RFC 8866 section 5). Unknown attributes are kept verbatim.
/// - Fields of structured lines (`o=`, `c=`, `b=`, `t=`, `m=`) may be separated by several
///   spaces; text fields and attribute values are kept byte for byte.
/// - With `validatesKnownAttributes` (the default), attributes this module has a typed view for
///   must match their grammar, so a malformed `rtpmap` fails here with its line number.
///
/// Limits (``SDPLimits``) bound the input size, line count and media count.
public struct SDPParser: Sendable {
    /// The limits in force.
    public var limits: SDPLimits
    /// Whether known attributes (rtpmap, fmtp, candidate, crypto, ...) are checked against their grammar.
    public var validatesKnownAttributes: Bool

    /// Creates a parser.
    public init(limits: SDPLimits = SDPLimits(), validatesKnownAttributes: Bool = true) {
        self.limits = limits
        self.validatesKnownAttributes = validatesKnownAttributes
    }

    /// Parses a description from text.
    public func parse(_ text: String) throws(SDPError) -> SessionDescription {
        try parse(bytes: text.utf8)
    }

    /// Parses a description from bytes (UTF-8).
    public func parse<Bytes: Collection<UInt8>>(bytes: Bytes) throws(SDPError) -> SessionDescription {
        guard bytes.count <= limits.maxBytes else {
            throw SDPError(
                code: .inputTooLarge, line: 0, lineText: nil,
                reason: "input of \(bytes.count) bytes is over the limit of \(limits.maxBytes) bytes")
        }
        let (lines, count) = try lines(of: Array(bytes))
        var reader = Reader(lines: lines, physicalLineCount: count)
        return try reader.session(validating: validatesKnownAttributes, limits: limits)
    }

    /// One non-blank line.
    struct Line {
        var number: Int
        var type: UInt8
        var value: SDPGrammar.Bytes
        var text: String
    }

    /// Splits input into non-blank lines, checking the line limit and the characters of each
    /// line; also returns the number of lines including blank ones.
    func lines(of input: [UInt8]) throws(SDPError) -> ([Line], Int) {
        var segments = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if segments.last?.isEmpty == true { segments.removeLast() }
        if segments.count > limits.maxLines {
            let extra = segments[limits.maxLines]
            throw SDPError(
                code: .tooManyLines, line: limits.maxLines + 1, lineText: String(decoding: extra, as: UTF8.self),
                reason: "expected at most \(limits.maxLines) lines")
        }
        var lines: [Line] = []
        for (index, segment) in segments.enumerated() {
            var bytes = segment
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            if bytes.isEmpty { continue }
            let number = index + 1
            guard !bytes.contains(0), !bytes.contains(UInt8(ascii: "\r")),
                let text = String(validating: bytes, as: UTF8.self)
            else {
                throw SDPError(
                    code: .invalidCharacters, line: number, lineText: String(decoding: bytes, as: UTF8.self),
                    reason: "expected UTF-8 text without NUL or CR characters")
            }
            guard bytes.count >= 2, bytes[bytes.startIndex + 1] == UInt8(ascii: "=") else {
                throw SDPError.expected("<type>=<value>", line: number, text: text)
            }
            let type = bytes[bytes.startIndex]
            guard Reader.knownTypes.utf8.contains(type) else {
                throw SDPError(
                    code: .unknownLineType, line: number, lineText: text,
                    reason: "expected one of the line types v o s i u e p c b t r z k a m")
            }
            lines.append(Line(number: number, type: type, value: bytes.dropFirst(2), text: text))
        }
        return (lines, segments.count)
    }

    /// Walks the lines in RFC 8866 section 5 order.
    struct Reader {
        static var knownTypes: String { "vosiuepcbtrzkam" }

        let lines: [Line]
        let physicalLineCount: Int
        var index = 0

        init(lines: [Line], physicalLineCount: Int) {
            self.lines = lines
            self.physicalLineCount = physicalLineCount
        }

        var current: Line? { index < lines.count ? lines[index] : nil }

        /// The number the next line would have: for errors at end of input.
        var endLineNumber: Int { physicalLineCount + 1 }

        func missing(_ grammar: String) -> SDPError {
            if let line = current {
                return SDPError.expected(grammar, code: .missingLine, line: line.number, text: line.text)
            }
            return SDPError.expected(grammar, code: .missingLine, line: endLineNumber, text: nil)
        }

        /// Runs a value parser, placing its error at the line.
        func parse<T>(_ line: Line, _ body: (SDPGrammar.Bytes) throws(SDPError) -> T) throws(SDPError) -> T {
            do throws(SDPError) {
                return try body(line.value)
            } catch {
                throw error.at(line: line.number, text: line.text)
            }
        }

        func string(_ line: Line) -> String { SDPGrammar.string(line.value) }

        func duplicate(_ line: Line, _ what: String) -> SDPError {
            SDPError(
                code: .duplicateLine, line: line.number, lineText: line.text,
                reason: "expected at most one \"\(what)=\" line \(what == "c" ? "at session level" : "per section")")
        }

        mutating func session(validating: Bool, limits: SDPLimits) throws(SDPError) -> SessionDescription {
            // RFC 8866 section 5.1: v=0 comes first.
            guard let versionLine = current, versionLine.type == UInt8(ascii: "v") else { throw missing("v=0") }
            guard versionLine.value.elementsEqual("0".utf8) else {
                throw SDPError.expected("v=0", line: versionLine.number, text: versionLine.text)
            }
            index += 1
            // RFC 8866 section 5.2: o= second.
            guard let originLine = current, originLine.type == UInt8(ascii: "o") else { throw missing(Origin.grammar) }
            let origin = try parse(originLine) { (value) throws(SDPError) in try Origin(value: value) }
            index += 1
            // RFC 8866 section 5.3: s= third.
            guard let nameLine = current, nameLine.type == UInt8(ascii: "s") else { throw missing("s=<session name>") }
            index += 1

            var session = SessionDescription(origin: origin, sessionName: string(nameLine), timing: [])
            var seen: Set<UInt8> = []
            while let line = current, line.type != UInt8(ascii: "m") {
                switch line.type {
                case UInt8(ascii: "i"), UInt8(ascii: "u"), UInt8(ascii: "c"), UInt8(ascii: "z"), UInt8(ascii: "k"):
                    guard seen.insert(line.type).inserted else {
                        throw duplicate(line, String(decoding: [line.type], as: UTF8.self))
                    }
                    switch line.type {
                    case UInt8(ascii: "i"): session.information = string(line)
                    case UInt8(ascii: "u"): session.uri = string(line)
                    case UInt8(ascii: "c"):
                        session.connection = try parse(line) { (value) throws(SDPError) in
                            try ConnectionData(value: value)
                        }
                    case UInt8(ascii: "z"):
                        // RFC 8866 section 5.11: z= follows the time descriptions.
                        guard !session.timing.isEmpty else {
                            throw SDPError.expected(
                                "t=<start-time> <stop-time>", code: .misplacedLine, line: line.number, text: line.text)
                        }
                        guard TimeDescription.isValidZoneAdjustment(line.value) else {
                            throw SDPError.expected(TimeDescription.zoneGrammar, line: line.number, text: line.text)
                        }
                        session.zoneAdjustments = string(line)
                    default: session.encryptionKey = string(line)
                    }
                case UInt8(ascii: "e"): session.emails.append(string(line))
                case UInt8(ascii: "p"): session.phones.append(string(line))
                case UInt8(ascii: "b"):
                    session.bandwidths.append(
                        try parse(line) { (value) throws(SDPError) in try Bandwidth(value: value) })
                case UInt8(ascii: "t"):
                    session.timing.append(
                        try parse(line) { (value) throws(SDPError) in try TimeDescription(value: value) })
                case UInt8(ascii: "r"):
                    // RFC 8866 section 5.10: r= lines belong to the t= line just before them.
                    let previous = lines[index - 1].type
                    guard !session.timing.isEmpty, previous == UInt8(ascii: "t") || previous == UInt8(ascii: "r") else {
                        throw SDPError.expected(
                            "t=<start-time> <stop-time>\" before \"r=", code: .misplacedLine, line: line.number,
                            text: line.text)
                    }
                    guard TimeDescription.isValidRepeat(line.value) else {
                        throw SDPError.expected(TimeDescription.repeatGrammar, line: line.number, text: line.text)
                    }
                    session.timing[session.timing.count - 1].repeats.append(string(line))
                case UInt8(ascii: "a"):
                    session.attributes.append(try attribute(line, validating: validating))
                default:
                    throw SDPError(
                        code: .misplacedLine, line: line.number, lineText: line.text,
                        reason: "expected a session-level line (i= u= e= p= c= b= t= r= z= k= a=) or \"m=\"")
                }
                index += 1
            }
            // RFC 8866 section 5.9: at least one t= line.
            guard !session.timing.isEmpty else { throw missing(TimeDescription.grammar) }

            while let line = current {
                guard session.media.count < limits.maxMediaDescriptions else {
                    throw SDPError(
                        code: .tooManyMediaDescriptions, line: line.number, lineText: line.text,
                        reason: "expected at most \(limits.maxMediaDescriptions) media descriptions")
                }
                var media = try parse(line) { (value) throws(SDPError) in try Self.mediaLine(value) }
                index += 1
                var seenInMedia: Set<UInt8> = []
                while let line = current, line.type != UInt8(ascii: "m") {
                    switch line.type {
                    case UInt8(ascii: "i"), UInt8(ascii: "k"):
                        guard seenInMedia.insert(line.type).inserted else {
                            throw duplicate(line, String(decoding: [line.type], as: UTF8.self))
                        }
                        if line.type == UInt8(ascii: "i") {
                            media.information = string(line)
                        } else {
                            media.encryptionKey = string(line)
                        }
                    case UInt8(ascii: "c"):
                        media.connections.append(
                            try parse(line) { (value) throws(SDPError) in try ConnectionData(value: value) })
                    case UInt8(ascii: "b"):
                        media.bandwidths.append(
                            try parse(line) { (value) throws(SDPError) in try Bandwidth(value: value) })
                    case UInt8(ascii: "a"):
                        media.attributes.append(try attribute(line, validating: validating))
                    default:
                        throw SDPError(
                            code: .misplacedLine, line: line.number, lineText: line.text,
                            reason: "expected a media-level line (i= c= b= k= a=) or \"m=\"")
                    }
                    index += 1
                }
                // RFC 8866 section 5.7: a c= line in every media section or one at session level.
                if media.connections.isEmpty, session.connection == nil {
                    throw SDPError(
                        code: .missingConnection, line: line.number, lineText: line.text,
                        reason: "expected a \"c=\" line in this media description or at session level")
                }
                session.media.append(media)
            }
            return session
        }

        func attribute(_ line: Line, validating: Bool) throws(SDPError) -> Attribute {
            // RFC 8866 section 5.13: a=<attribute> or a=<attribute>:<value>, attribute a token.
            let (name, value) =
                SDPGrammar.splitOnce(line.value, at: UInt8(ascii: ":")).map { ($0.0, Optional($0.1)) } ?? (
                    line.value, nil
                )
            guard SDPGrammar.isToken(name) else {
                throw SDPError.expected("a=<attribute>[:<value>]", line: line.number, text: line.text)
            }
            let attribute = Attribute(SDPGrammar.string(name), value.map(SDPGrammar.string))
            if validating {
                do throws(SDPError) {
                    try attribute.validate()
                } catch {
                    throw error.at(line: line.number, text: line.text)
                }
            }
            return attribute
        }

        static var mediaGrammar: String { "m=<media> <port>[/<number of ports>] <proto> <fmt> ..." }

        /// Parses an `m=` value (RFC 8866 section 9: `media SP port ["/" integer] SP proto 1*(SP fmt)`,
        /// `proto = token *("/" token)`).
        static func mediaLine(_ value: SDPGrammar.Bytes) throws(SDPError) -> MediaDescription {
            let fields = SDPGrammar.fields(value)
            guard fields.count >= 4, SDPGrammar.isToken(fields[0]) else {
                throw SDPError.expected(mediaGrammar, text: nil)
            }
            let portParts = fields[1].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            guard portParts.count <= 2, let port = SDPGrammar.number(portParts[0], as: UInt16.self) else {
                throw SDPError.expected(mediaGrammar, text: nil)
            }
            var portCount: UInt16?
            if portParts.count == 2 {
                guard let count = SDPGrammar.number(portParts[1], as: UInt16.self) else {
                    throw SDPError.expected(mediaGrammar, text: nil)
                }
                portCount = count
            }
            let proto = fields[2]
            guard
                proto.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy({
                    SDPGrammar.isToken($0)
                }),
                fields[3...].allSatisfy({ SDPGrammar.isToken($0) })
            else { throw SDPError.expected(mediaGrammar, text: nil) }
            return MediaDescription(
                type: MediaType(SDPGrammar.string(fields[0])), port: port, portCount: portCount,
                proto: TransportProtocol(SDPGrammar.string(proto)), formats: fields[3...].map(SDPGrammar.string))
        }
    }
}
