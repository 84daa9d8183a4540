import Foundation
import Testing

@testable import Jingle
import XMPPCore

/// Test fixtures and XML helpers: fixtures are parsed the way the bridge receives stanzas, inside a
/// `jabber:component:accept` stream, by XMPPCore's stream parser.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    /// Every fixture file name.
    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".xml") }
            .sorted()
    }

    /// The raw text of a fixture.
    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// The provenance comment a fixture begins with.
    static func provenance(_ name: String) throws -> String? {
        let text = try text(name).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("<!--"), let end = text.range(of: "-->") else { return nil }
        return String(text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound])
    }

    /// The stanzas of a fixture (its leading comment removed: XMPP streams refuse comments).
    static func stanzas(_ name: String) throws -> [XMLElement] {
        var text = try text(name)
        if let end = text.range(of: "-->") { text = String(text[end.upperBound...]) }
        return try XML.parseStanzas(text)
    }

    /// The single stanza of a fixture.
    static func stanza(_ name: String) throws -> XMLElement {
        let all = try stanzas(name)
        #expect(all.count == 1, "\(name) holds \(all.count) stanzas")
        return try #require(all.first)
    }
}

enum XML {
    /// Parses stanzas as they arrive on a component stream.
    static func parseStanzas(_ body: String) throws -> [XMLElement] {
        let parser = XMLStreamParser()
        try parser.append(
            Array(
                ("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>"
                    + body + "</stream:stream>").utf8))
        var stanzas: [XMLElement] = []
        while let event = parser.next() {
            if case .stanza(let element) = event { stanzas.append(element) }
        }
        return stanzas
    }

    /// Parses one stanza.
    static func parse(_ body: String) throws -> XMLElement {
        try #require(try parseStanzas(body).first)
    }

    /// Serializes an element as the bridge would and parses it back.
    static func reparse(_ element: XMLElement) throws -> XMLElement {
        try parse(element.serialized(parentNamespace: Namespace.component))
    }

    /// Wraps a child element into a stanza-like container so it can be serialized and reparsed.
    static func reparseChild(_ element: XMLElement) throws -> XMLElement {
        let wrapped = XMLElement("message", namespace: Namespace.component, elements: [element])
        return try #require(try reparse(wrapped).elements.first)
    }
}

extension JID {
    /// A JID from a literal known to be valid.
    init(literal: String) {
        try! self.init(literal)
    }
}
