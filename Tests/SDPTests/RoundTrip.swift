import Testing

@testable import SDP

/// Round-trip helpers in the style of the swift-nio-ssh and swift-certificates tests.
enum RoundTrip {
    /// The text with every LF turned into CRLF: what the serializer writes for LF-written fixtures.
    static func crlf(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    /// Parses `text`, checks that serializing gives the same text with CRLF endings, and that the
    /// serialized text parses to an equal model. Returns the parsed model.
    @discardableResult
    static func assertExact(
        _ text: String, parser: SDPParser = SDPParser(), sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> SessionDescription {
        let parsed = try parser.parse(text)
        let serialized = parsed.serialized()
        #expect(serialized == crlf(text), sourceLocation: sourceLocation)
        let reparsed = try parser.parse(serialized)
        #expect(reparsed == parsed, sourceLocation: sourceLocation)
        return parsed
    }

    /// Checks that a model serializes to text that parses back to it, and that serializing is
    /// stable (the second serialization equals the first).
    static func assertModel(
        _ model: SessionDescription, parser: SDPParser = SDPParser(), sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let text = model.serialized()
        let parsed = try parser.parse(text)
        #expect(parsed == model, "\(text)", sourceLocation: sourceLocation)
        #expect(parsed.serialized() == text, sourceLocation: sourceLocation)
    }

    /// Parses `text` expecting an error and returns it.
    static func error(
        _ text: String, parser: SDPParser = SDPParser(), sourceLocation: SourceLocation = #_sourceLocation
    )
        -> SDPError?
    {
        do {
            let parsed = try parser.parse(text)
            Issue.record("parsed unexpectedly: \(parsed.serialized())", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

/// A small deterministic generator (SplitMix64) so that property tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
