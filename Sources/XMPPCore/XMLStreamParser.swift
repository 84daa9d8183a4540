internal import CExpat

/// What the stream parser produces.
public enum XMLStreamEvent: Sendable, Equatable {
    /// The `<stream:stream>` header, as an element without children.
    case streamOpen(XMLElement)
    /// A complete top-level element (stanza, handshake, stream error...).
    case stanza(XMLElement)
    /// `</stream:stream>`.
    case streamClose
}

/// Incremental, namespace-aware XMPP stream parser over libexpat.
///
/// Feed bytes as they arrive, in chunks split anywhere (even inside a UTF-8 sequence or a tag), with
/// `append(_:)`, then take events with `next()`. After a thrown error the parser is finished: the
/// connection must be closed (with the error's stream condition) and a new parser made for the next one.
///
/// RFC 6120 section 11.1: DTDs, comments, processing instructions and entity declarations are refused;
/// no entity other than the five predefined and character references is ever expanded.
public final class XMLStreamParser {
    static let streamsNamespace = "http://etherx.jabber.org/streams"
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    /// Bytes handed to expat per call, so the size limit is checked before expat buffers more.
    static let sliceSize = 16_384

    public let limits: XMLStreamLimits
    private var parser: XML_Parser?
    private var events: [XMLStreamEvent] = []
    private var eventIndex = 0
    private var failure: XMLStreamError?
    /// Open elements below the stream root; the first is the stanza being built.
    private var stack: [XMLElement] = []
    private var streamOpened = false
    private var streamClosed = false
    /// Byte offset where the current unit (stream header, stanza, or run of whitespace) began.
    private var unitStart: Int64 = 0
    private var bytesFed: Int64 = 0

    public init(limits: XMLStreamLimits = XMLStreamLimits()) {
        self.limits = limits
        // The space separator cannot occur in a namespace URI. "UTF-8" overrides any encoding
        // declaration: RFC 6120 section 11.6 allows only UTF-8.
        parser = XML_ParserCreateNS("UTF-8", 0x20)
        installHandlers()
    }

    deinit {
        if let parser { XML_ParserFree(parser) }
    }

    /// Has `</stream:stream>` been seen?
    public var isClosed: Bool { streamClosed }

    /// Feeds bytes. Throws when the stream is broken; events parsed before the error stay available.
    public func append(_ bytes: some Collection<UInt8>) throws(XMLStreamError) {
        if let failure { throw failure }
        var array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let end = min(offset + Self.sliceSize, array.count)
            try array.withUnsafeMutableBufferPointer { buffer throws(XMLStreamError) in
                let slice = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[offset..<end])
                try feed(slice, isFinal: false)
            }
            offset = end
            if streamClosed { break }
        }
        array.removeAll()
    }

    /// The peer closed the connection. Throws `.truncated` when the stream was still open.
    public func finish() throws(XMLStreamError) {
        if let failure { throw failure }
        if streamClosed { return }
        fail(XMLStreamError(.truncated, "stream ended before </stream:stream>"))
        throw failure!
    }

    /// Next parsed event, or nil when more bytes are needed.
    public func next() -> XMLStreamEvent? {
        guard eventIndex < events.count else {
            if !events.isEmpty {
                events.removeAll(keepingCapacity: true)
                eventIndex = 0
            }
            return nil
        }
        defer { eventIndex += 1 }
        return events[eventIndex]
    }

    private func feed(_ slice: UnsafeMutableRawBufferPointer, isFinal: Bool) throws(XMLStreamError) {
        guard let parser, !streamClosed else { return }
        let status = XML_Parse(
            parser, slice.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(slice.count), isFinal ? 1 : 0)
        bytesFed += Int64(slice.count)
        if let failure { throw failure }
        if status == XML_STATUS_ERROR {
            let code = XML_GetErrorCode(parser)
            let message = XML_ErrorString(code).map { String(cString: $0) } ?? "parse error"
            fail(
                XMLStreamError(
                    .notWellFormed, message, line: Int(XML_GetCurrentLineNumber(parser)),
                    column: Int(XML_GetCurrentColumnNumber(parser))))
            throw failure!
        }
        // Expat buffers an unfinished token; bound it together with the unit it belongs to.
        if bytesFed - unitStart > Int64(limits.maxStanzaSize) {
            fail(XMLStreamError(.policyViolation, "stanza larger than \(limits.maxStanzaSize) bytes"))
            throw failure!
        }
    }

    private func fail(_ error: XMLStreamError) {
        if failure == nil {
            var error = error
            if error.line == 0, let parser {
                error.line = Int(XML_GetCurrentLineNumber(parser))
                error.column = Int(XML_GetCurrentColumnNumber(parser))
            }
            failure = error
        }
        if let parser { XML_StopParser(parser, 0) }
    }

    // MARK: expat callbacks

    private func currentByteIndex() -> Int64 {
        guard let parser else { return bytesFed }
        return Int64(XML_GetCurrentByteIndex(parser))
    }

    private func currentUnitEnd() -> Int64 {
        guard let parser else { return bytesFed }
        return Int64(XML_GetCurrentByteIndex(parser)) + Int64(XML_GetCurrentByteCount(parser))
    }

    fileprivate func startElement(_ rawName: UnsafePointer<CChar>, _ rawAttributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        guard failure == nil else { return }
        let (namespace, name) = Self.split(rawName)
        var attributes: [XMLAttribute] = []
        if let rawAttributes {
            var index = 0
            while let key = rawAttributes[index], let value = rawAttributes[index + 1] {
                if attributes.count >= limits.maxAttributes {
                    fail(XMLStreamError(.policyViolation, "more than \(limits.maxAttributes) attributes on <\(name)>"))
                    return
                }
                let (attributeNamespace, attributeName) = Self.split(key)
                let text = String(cString: value)
                if attributeNamespace == Self.xmlNamespace {
                    attributes.append(XMLAttribute("xml:" + attributeName, text))
                } else if attributeNamespace.isEmpty {
                    attributes.append(XMLAttribute(attributeName, text))
                } else {
                    attributes.append(XMLAttribute(attributeName, text, namespace: attributeNamespace))
                }
                index += 2
            }
        }
        let element = XMLElement(name, namespace: namespace, attributes: attributes)
        if !streamOpened {
            guard name == "stream", namespace == Self.streamsNamespace else {
                fail(XMLStreamError(.invalidNamespace, "root element is <\(name)> in '\(namespace)', not <stream:stream>"))
                return
            }
            streamOpened = true
            events.append(.streamOpen(element))
            unitStart = currentUnitEnd()
            return
        }
        if stack.isEmpty {
            unitStart = currentByteIndex()
        }
        if stack.count >= limits.maxDepth {
            fail(XMLStreamError(.policyViolation, "elements nested deeper than \(limits.maxDepth)"))
            return
        }
        stack.append(element)
    }

    fileprivate func endElement() {
        guard failure == nil else { return }
        guard let element = stack.popLast() else {
            streamClosed = true
            events.append(.streamClose)
            return
        }
        if stack.isEmpty {
            let end = currentUnitEnd()
            if end - unitStart > Int64(limits.maxStanzaSize) {
                fail(XMLStreamError(.policyViolation, "stanza larger than \(limits.maxStanzaSize) bytes"))
                return
            }
            unitStart = end
            events.append(.stanza(element))
        } else {
            stack[stack.count - 1].children.append(.element(element))
        }
    }

    fileprivate func characters(_ data: UnsafePointer<CChar>, _ length: Int32) {
        guard failure == nil else { return }
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
        guard !stack.isEmpty else {
            // Between stanzas only whitespace (keepalives) may appear.
            if text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }) {
                unitStart = currentUnitEnd()
            } else {
                fail(XMLStreamError(.notWellFormed, "text outside a stanza"))
            }
            return
        }
        let top = stack.count - 1
        if case .text(let previous) = stack[top].children.last {
            stack[top].children[stack[top].children.count - 1] = .text(previous + text)
        } else {
            stack[top].children.append(.text(text))
        }
    }

    fileprivate func forbidden(_ what: String) {
        fail(XMLStreamError(.restrictedXML, "\(what) is not allowed in an XMPP stream (RFC 6120 section 11.1)"))
    }

    private static func split(_ raw: UnsafePointer<CChar>) -> (namespace: String, name: String) {
        let full = String(cString: raw)
        guard let space = full.firstIndex(of: " ") else { return ("", full) }
        return (String(full[..<space]), String(full[full.index(after: space)...]))
    }

    private func installHandlers() {
        guard let parser else { return }
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetElementHandler(
            parser,
            { context, name, attributes in
                guard let context, let name else { return }
                XMLStreamParser.from(context).startElement(name, attributes)
            },
            { context, _ in
                guard let context else { return }
                XMLStreamParser.from(context).endElement()
            })
        XML_SetCharacterDataHandler(parser) { context, data, length in
            guard let context, let data else { return }
            XMLStreamParser.from(context).characters(data, length)
        }
        XML_SetStartDoctypeDeclHandler(parser) { context, _, _, _, _ in
            guard let context else { return }
            XMLStreamParser.from(context).forbidden("a DTD")
        }
        XML_SetEntityDeclHandler(parser) { context, _, _, _, _, _, _, _, _ in
            guard let context else { return }
            XMLStreamParser.from(context).forbidden("an entity declaration")
        }
        XML_SetCommentHandler(parser) { context, _ in
            guard let context else { return }
            XMLStreamParser.from(context).forbidden("a comment")
        }
        XML_SetProcessingInstructionHandler(parser) { context, _, _ in
            guard let context else { return }
            XMLStreamParser.from(context).forbidden("a processing instruction")
        }
        XML_SetSkippedEntityHandler(parser) { context, _, _ in
            guard let context else { return }
            XMLStreamParser.from(context).forbidden("an entity reference")
        }
    }

    // The user data is this parser, unretained: expat calls back only from inside `XML_Parse`,
    // which runs while `self` is alive, and the expat parser is freed in `deinit`.
    private static func from(_ context: UnsafeMutableRawPointer) -> XMLStreamParser {
        Unmanaged<XMLStreamParser>.fromOpaque(context).takeUnretainedValue()
    }
}
