internal import CLibXML2

// This file is the only one that talks to libxml2. It deliberately does not
// import Foundation: libxml2's headers pull in the system ICU headers, which
// clash with Foundation's bundled copy when both are visible in one file.

/// Parses XML with libxml2 and validates it against a RELAX NG schema.
///
/// Errors are collected through per-context structured error handlers (the
/// parser context's SAX `serror` and the RELAX NG contexts' handlers), never
/// through libxml2's global error functions, so concurrent loads do not
/// interfere. Every libxml2 object is freed exactly once, by a `defer` next
/// to its creation.
enum LibXML2Document {
    /// The result of RELAX NG validation.
    enum Validation: Equatable {
        case valid
        /// libxml2's own messages, with the line of the node they concern.
        case invalid([Diagnostic])
        /// The schema itself could not be compiled (a bug, not a user error).
        case schemaUnusable([String])
    }

    /// Refuse larger files outright; a configuration is a few kilobytes.
    static let maximumSize = 4 << 20

    /// Parses `bytes` into a tree, refusing DTDs, entity definitions and
    /// network access. On failure returns the first error.
    static func parse(_ bytes: [UInt8]) -> Result<XMLElementNode, ParseFailure> {
        withDocument(bytes) { _, root in convert(root) }
    }

    /// Parses `bytes` and validates the document against the RELAX NG
    /// schema in `schema`.
    static func parse(_ bytes: [UInt8], validatingAgainst schema: [UInt8]) -> Result<(XMLElementNode, Validation), ParseFailure> {
        withDocument(bytes) { document, root in (convert(root), validate(document, schema: schema)) }
    }

    /// Why a document could not be parsed.
    struct ParseFailure: Error, Equatable {
        var diagnostic: Diagnostic
    }

    // MARK: - Parsing

    /// Collects what the parser reports; reached through the parser
    /// context's `_private` field.
    private final class ParserState {
        var errors: [Diagnostic] = []
        var doctypeLine: Int?
    }

    /// libxml2 must be initialised once per process before use from several
    /// threads; `static let` runs this exactly once.
    private static let initialized: Bool = {
        xmlInitParser()
        _ = xmlRelaxNGInitTypes()
        return true
    }()

    private static func withDocument<R>(_ bytes: [UInt8], _ body: (xmlDocPtr, xmlNodePtr) -> R) -> Result<R, ParseFailure> {
        guard initialized else { fatalError("libxml2 failed to initialise") }
        guard !bytes.isEmpty else {
            return .failure(ParseFailure(diagnostic: Diagnostic(line: nil, message: "the file is empty")))
        }
        guard bytes.count <= maximumSize else {
            return .failure(ParseFailure(diagnostic: Diagnostic(line: nil, message: "the file is larger than \(maximumSize >> 20) MiB")))
        }
        guard let context = xmlNewParserCtxt() else {
            return .failure(ParseFailure(diagnostic: Diagnostic(line: nil, message: "libxml2 could not allocate a parser")))
        }
        defer { xmlFreeParserCtxt(context) }

        let state = ParserState()
        return withExtendedLifetime(state) { () -> Result<R, ParseFailure> in
            context.pointee._private = Unmanaged.passUnretained(state).toOpaque()
            context.pointee.sax.pointee.serror = { userData, error in
                // For parser errors libxml2 passes the context's userData,
                // which is the parser context itself.
                guard let userData, let error, let state = LibXML2Document.state(ofParserContext: userData) else { return }
                guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, state.doctypeLine == nil else { return }
                state.errors.append(LibXML2Document.describeParserError(error.pointee))
            }
            // Called for every <!DOCTYPE>, before its internal subset is read:
            // stop right there, so no entity is ever declared or expanded.
            context.pointee.sax.pointee.internalSubset = { userData, _, _, _ in
                guard let userData, let state = LibXML2Document.state(ofParserContext: userData) else { return }
                let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
                state.doctypeLine = context.pointee.input.map { Int($0.pointee.line) }
                xmlStopParser(context)
            }

            // No XML_PARSE_NOENT (entities are never substituted), no
            // XML_PARSE_DTDLOAD, and no network.
            let options = XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_BIG_LINES.rawValue
            let document = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), nil, nil, Int32(bitPattern: options))
                }
            }
            defer { if let document { xmlFreeDoc(document) } }

            if state.doctypeLine != nil || state.errors.isEmpty == false || document == nil {
                let diagnostic: Diagnostic
                if let line = state.doctypeLine {
                    diagnostic = Diagnostic(line: line, message: "<!DOCTYPE> is not allowed: the configuration may not declare a DTD or entities")
                } else if let first = state.errors.first {
                    diagnostic = first
                } else {
                    diagnostic = Diagnostic(line: nil, message: "malformed XML")
                }
                return .failure(ParseFailure(diagnostic: diagnostic))
            }
            guard let document, let root = xmlDocGetRootElement(document) else {
                return .failure(ParseFailure(diagnostic: Diagnostic(line: nil, message: "the file has no root element")))
            }
            return .success(body(document, root))
        }
    }

    private static func state(ofParserContext pointer: UnsafeMutableRawPointer) -> ParserState? {
        let context = pointer.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let state = context.pointee._private else { return nil }
        return Unmanaged<ParserState>.fromOpaque(state).takeUnretainedValue()
    }

    private static func describeParserError(_ error: xmlError) -> Diagnostic {
        let line = error.line > 0 ? Int(error.line) : nil
        if error.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || error.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            let name = error.str1.map { String(cString: $0) } ?? "?"
            return Diagnostic(line: line, message: "entity reference &\(name); is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references are)")
        }
        return Diagnostic(line: line, message: "malformed XML: \(message(of: error))")
    }

    private static func message(of error: xmlError) -> String {
        guard let text = error.message else { return "error \(error.code)" }
        var message = String(cString: text)
        while let last = message.last, last.isWhitespace { message.removeLast() }
        return message
    }

    // MARK: - Tree conversion

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func convert(_ node: xmlNodePtr) -> XMLElementNode {
        let line = Int(xmlGetLineNo(node))
        var element = XMLElementNode(
            name: string(node.pointee.name) ?? "",
            namespace: string(node.pointee.ns?.pointee.href),
            prefix: string(node.pointee.ns?.pointee.prefix),
            line: line
        )
        var attribute = node.pointee.properties
        while let current = attribute {
            element.attributes.append(XMLElementNode.Attribute(
                name: string(current.pointee.name) ?? "",
                namespace: string(current.pointee.ns?.pointee.href),
                prefix: string(current.pointee.ns?.pointee.prefix),
                value: text(of: current.pointee.children),
                line: line
            ))
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(convert(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                element.text += string(current.pointee.content) ?? ""
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }

    /// The concatenated text of a node list (an attribute's value).
    private static func text(of first: xmlNodePtr?) -> String {
        var result = ""
        var node = first
        while let current = node {
            if current.pointee.type == XML_TEXT_NODE { result += string(current.pointee.content) ?? "" }
            node = current.pointee.next
        }
        return result
    }

    // MARK: - RELAX NG

    /// Collects RELAX NG errors; passed to libxml2 as the handler's context.
    private final class ValidationState {
        var errors: [Diagnostic] = []
    }

    private static func validate(_ document: xmlDocPtr, schema: [UInt8]) -> Validation {
        let state = ValidationState()
        let handler: xmlStructuredErrorFunc = { userData, error in
            guard let userData, let error else { return }
            let state = Unmanaged<ValidationState>.fromOpaque(userData).takeUnretainedValue()
            var line = Int(error.pointee.line)
            if let node = error.pointee.node {
                line = Int(xmlGetLineNo(node.assumingMemoryBound(to: xmlNode.self)))
            }
            state.errors.append(Diagnostic(line: line > 0 ? line : nil, message: LibXML2Document.message(of: error.pointee)))
        }
        return withExtendedLifetime(state) { () -> Validation in
            let statePointer = Unmanaged.passUnretained(state).toOpaque()
            return schema.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars -> Validation in
                    guard let parserContext = xmlRelaxNGNewMemParserCtxt(chars.baseAddress, Int32(chars.count)) else {
                        return .schemaUnusable(["libxml2 could not allocate a RELAX NG parser"])
                    }
                    defer { xmlRelaxNGFreeParserCtxt(parserContext) }
                    xmlRelaxNGSetParserStructuredErrors(parserContext, handler, statePointer)
                    guard let compiled = xmlRelaxNGParse(parserContext) else {
                        return .schemaUnusable(state.errors.map(\.message))
                    }
                    defer { xmlRelaxNGFree(compiled) }
                    guard let validContext = xmlRelaxNGNewValidCtxt(compiled) else {
                        return .schemaUnusable(["libxml2 could not allocate a RELAX NG validator"])
                    }
                    defer { xmlRelaxNGFreeValidCtxt(validContext) }
                    xmlRelaxNGSetValidStructuredErrors(validContext, handler, statePointer)
                    state.errors = []
                    let result = xmlRelaxNGValidateDoc(validContext, document)
                    if result == 0 { return .valid }
                    if result < 0 { return .schemaUnusable(["libxml2 failed while validating (\(result))"] + state.errors.map(\.message)) }
                    return .invalid(state.errors)
                }
            }
        }
    }
}
