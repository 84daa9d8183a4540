/// Finds where start tags and attributes are written in UTF-8 source text.
///
/// libxml2 records for each element the line where its start tag *ends*;
/// messages should point at the line where it begins, and at the line of
/// the offending attribute. This is a small lexer for well-formed XML
/// without a DTD (the loader refuses DTDs before this runs), used only to
/// improve line numbers: ``annotate(_:)`` leaves the tree untouched when the
/// lexer's view of the document does not match libxml2's.
struct SourceLocator {
    /// Where one start tag was found.
    struct StartTag: Equatable {
        var qualifiedName: String
        var line: Int
        var attributeLines: [String: Int]
    }

    /// The start tags in document order.
    let startTags: [StartTag]

    init(bytes: [UInt8]) {
        startTags = Self.lex(bytes)
    }

    /// Sets the line of each element and attribute from the source, if the
    /// start tags line up with the tree's elements.
    func annotate(_ root: inout XMLElementNode) {
        let elements = root.preorder
        guard elements.count == startTags.count,
              zip(elements, startTags).allSatisfy({ $0.qualifiedName == $1.qualifiedName })
        else { return }
        var index = 0
        apply(&root, &index)
    }

    private func apply(_ node: inout XMLElementNode, _ index: inout Int) {
        let tag = startTags[index]
        index += 1
        node.line = tag.line
        for i in node.attributes.indices {
            node.attributes[i].line = tag.attributeLines[node.attributes[i].qualifiedName] ?? tag.line
        }
        for i in node.children.indices {
            apply(&node.children[i], &index)
        }
    }

    private static func lex(_ bytes: [UInt8]) -> [StartTag] {
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")
        let newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var tags: [StartTag] = []
        var i = 0
        var line = 1

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == newline || b == cr }
        func has(_ s: String, at index: Int) -> Bool {
            let pattern = Array(s.utf8)
            return index + pattern.count <= bytes.count && Array(bytes[index..<index + pattern.count]) == pattern
        }
        // Advances over one byte, counting line breaks as XML does (CR LF,
        // CR and LF each end a line).
        func step() {
            if bytes[i] == newline || (bytes[i] == cr && (i + 1 == bytes.count || bytes[i + 1] != newline)) {
                line += 1
            }
            i += 1
        }
        func skip(past terminator: String) {
            while i < bytes.count && !has(terminator, at: i) { step() }
            for _ in 0..<terminator.utf8.count where i < bytes.count { step() }
        }

        while i < bytes.count {
            guard bytes[i] == lt else { step(); continue }
            if has("<!--", at: i) { skip(past: "-->"); continue }
            if has("<![CDATA[", at: i) { skip(past: "]]>"); continue }
            if has("<?", at: i) { skip(past: "?>"); continue }
            if has("<!", at: i) || has("</", at: i) { skip(past: ">"); continue }

            let startLine = line
            i += 1
            let nameStart = i
            while i < bytes.count && !isSpace(bytes[i]) && bytes[i] != gt && bytes[i] != slash { i += 1 }
            var tag = StartTag(qualifiedName: String(decoding: bytes[nameStart..<i], as: UTF8.self), line: startLine, attributeLines: [:])
            while i < bytes.count {
                if isSpace(bytes[i]) { step(); continue }
                if bytes[i] == gt || bytes[i] == slash { i += 1; if bytes[i - 1] == gt { break }; continue }
                let attributeLine = line
                let attributeStart = i
                while i < bytes.count && !isSpace(bytes[i]) && bytes[i] != UInt8(ascii: "=") { i += 1 }
                let name = String(decoding: bytes[attributeStart..<i], as: UTF8.self)
                tag.attributeLines[name] = attributeLine
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") && bytes[i] != UInt8(ascii: "'") { step() }
                guard i < bytes.count else { break }
                let quote = bytes[i]
                i += 1
                while i < bytes.count && bytes[i] != quote { step() }
                i += 1
            }
            tags.append(tag)
        }
        return tags
    }
}
