import Testing

@testable import XMPPCore

@Suite struct XMLStreamParserTests {
    static let sample = """
        <?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' \
        xmlns:stream='http://etherx.jabber.org/streams' from='sip.localhost' id='abc123'>\
        <handshake/> \n\
        <iq type='get' id='1' from='alice@localhost/phone' to='+15551234567@sip.localhost'>\
        <query xmlns='http://jabber.org/protocol/disco#info' xml:lang='en'/></iq>\
        <message from='a@b' to='c@d'><body>caf\u{E9} &amp; \u{1F600} &lt;&#x41;&gt;</body></message>\
        </stream:stream>
        """

    static func parseAll(_ chunks: [[UInt8]], limits: XMLStreamLimits = XMLStreamLimits()) throws -> [XMLStreamEvent] {
        let parser = XMLStreamParser(limits: limits)
        var events: [XMLStreamEvent] = []
        for chunk in chunks {
            try parser.append(chunk)
            while let event = parser.next() { events.append(event) }
        }
        return events
    }

    static func expectedEvents() throws -> [XMLStreamEvent] {
        try parseAll([Array(sample.utf8)])
    }

    @Test func parsesWholeStream() throws {
        let events = try Self.expectedEvents()
        #expect(events.count == 5)
        guard case .streamOpen(let header) = events[0] else { Issue.record("no header"); return }
        #expect(header[attribute: "id"] == "abc123")
        guard case .stanza(let iq) = events[2] else { Issue.record("no iq"); return }
        #expect(iq.name == "iq" && iq.namespace == Namespace.component)
        #expect(iq.to == (try JID("+15551234567@sip.localhost")))
        let query = try #require(iq.firstChild("query", namespace: Namespace.discoInfo))
        #expect(query[attribute: "xml:lang"] == "en")
        guard case .stanza(let message) = events[3] else { Issue.record("no message"); return }
        #expect(message.firstChild("body")?.text == "caf\u{E9} & \u{1F600} <A>")
        #expect(events[4] == .streamClose)
    }

    /// Every split point into two chunks gives the same events, including splits inside a
    /// multi-byte UTF-8 sequence or a tag.
    @Test func everySplitPointGivesTheSameEvents() throws {
        let bytes = Array(Self.sample.utf8)
        let expected = try Self.expectedEvents()
        for split in 0...bytes.count {
            let events = try Self.parseAll([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(events == expected, "split at \(split)")
        }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        let bytes = Array(Self.sample.utf8)
        #expect(try Self.parseAll(bytes.map { [$0] }) == Self.expectedEvents())
    }

    @Test func serializedStanzasRoundTrip() throws {
        let events = try Self.expectedEvents()
        for case .stanza(let stanza) in events {
            let text = stanza.serialized(parentNamespace: Namespace.component)
            let reparsed = try Self.parseAll([Array(Self.wrap(text).utf8)])
            #expect(reparsed[1] == .stanza(stanza))
        }
    }

    static func wrap(_ body: String) -> String {
        "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>" + body
    }

    static func expectFailure(_ text: String, _ code: XMLStreamError.Code, limits: XMLStreamLimits = XMLStreamLimits()) {
        #expect {
            _ = try parseAll([Array(text.utf8)], limits: limits)
        } throws: { error in
            (error as? XMLStreamError)?.code == code
        }
    }

    @Test func refusesDTDAndBillionLaughs() {
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">\
            <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\
            <stream:stream xmlns:stream='http://etherx.jabber.org/streams'>&lol2;
            """
        Self.expectFailure(laughs, .restrictedXML)
    }

    @Test func refusesCommentsProcessingInstructionsAndUnknownEntities() {
        Self.expectFailure(Self.wrap("<!-- hi -->"), .restrictedXML)
        Self.expectFailure(Self.wrap("<iq><?php x ?></iq>"), .restrictedXML)
        Self.expectFailure(Self.wrap("<iq>&nbsp;</iq>"), .notWellFormed)
    }

    @Test func refusesInvalidUTF8AndBadRoot() {
        var bytes = Array(Self.wrap("<message><body>").utf8)
        bytes += [0xC3, 0x28]  // invalid continuation byte
        bytes += Array("</body></message>".utf8)
        #expect(throws: XMLStreamError.self) { _ = try Self.parseAll([bytes]) }
        Self.expectFailure("<html xmlns='x'>", .invalidNamespace)
        Self.expectFailure(Self.wrap("stray text"), .notWellFormed)
    }

    @Test func enforcesDepthAndAttributeLimits() {
        let deep = String(repeating: "<a>", count: 10_000)
        Self.expectFailure(Self.wrap(deep), .policyViolation)
        let attributes = (0..<100).map { "a\($0)='x'" }.joined(separator: " ")
        Self.expectFailure(Self.wrap("<iq \(attributes)/>"), .policyViolation)
    }

    /// A 100 MB stanza is refused once it passes the limit, without the parser holding it all.
    @Test func enforcesStanzaSizeWithoutBufferingEverything() throws {
        let parser = XMLStreamParser(limits: XMLStreamLimits(maxStanzaSize: 65_536))
        try parser.append(Array(Self.wrap("<message><body>").utf8))
        let chunk = [UInt8](repeating: 0x61, count: 1_000_000)
        var fed = 0
        var failure: XMLStreamError?
        do {
            while fed < 100_000_000 {
                try parser.append(chunk)
                fed += chunk.count
            }
        } catch {
            failure = error
        }
        #expect(failure?.code == .policyViolation)
        #expect(fed < 1_000_000)
        // An unterminated attribute value is buffered by expat itself; the same bound applies.
        let second = XMLStreamParser(limits: XMLStreamLimits(maxStanzaSize: 65_536))
        #expect(throws: XMLStreamError.self) {
            try second.append(Array(Self.wrap("<iq a='").utf8))
            for _ in 0..<100 { try second.append(chunk) }
        }
    }

    @Test func manyStanzasWithinLimitPass() throws {
        var text = Self.wrap("")
        for index in 0..<200 { text += "<message id='\(index)'><body>\(String(repeating: "x", count: 1000))</body></message> " }
        let events = try Self.parseAll([Array(text.utf8)], limits: XMLStreamLimits(maxStanzaSize: 2048))
        #expect(events.count == 201)
    }

    @Test func truncatedStreamIsAnError() throws {
        let parser = XMLStreamParser()
        try parser.append(Array(Self.wrap("<iq type='get'>").utf8))
        #expect {
            try parser.finish()
        } throws: { error in
            (error as? XMLStreamError)?.code == .truncated
        }
    }

    @Test func errorIsStickyAfterFailure() {
        let parser = XMLStreamParser()
        #expect(throws: XMLStreamError.self) { try parser.append(Array("<bad".utf8) + [0]) }
        #expect(throws: XMLStreamError.self) { try parser.append(Array("more".utf8)) }
    }
}
