import Foundation

@testable import SIP

/// One file of Tests/SIPTests/Torture (format in its README.md).
struct TortureCase: CustomStringConvertible, Sendable {
    enum Transport: String, Sendable { case both, datagram, stream }
    enum Expectation: Sendable {
        case valid
        case invalid(SIPParseError.Code, header: String?)
    }

    var name: String
    var model: String
    var expectation: Expectation
    var transport: Transport
    /// Expected status of `makeErrorResponse(for:)`; nil = no response; `.some(nil)` unset.
    var response: Int??
    var validation: SIPValidation
    var bytes: [UInt8]

    var description: String { name }

    var isValid: Bool {
        if case .valid = expectation { return true }
        return false
    }
}

enum TortureCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Torture")

    static func load() throws -> [TortureCase] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sip") }.sorted()
        return try names.map { try parseFile(name: $0, text: String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func named(_ name: String) throws -> TortureCase {
        try parseFile(name: name, text: String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
    }

    static func parseFile(name: String, text: String) throws -> TortureCase {
        var lines = text.components(separatedBy: "\n")
        var model: [String] = []
        var expectation: TortureCase.Expectation? = nil
        var transport = TortureCase.Transport.both
        var response: Int?? = .some(nil)
        var validation = SIPValidation.rfc3261
        while let first = lines.first, first.hasPrefix("#") {
            lines.removeFirst()
            let body = first.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces)
            let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "model": model.append(value)
            case "transport": transport = TortureCase.Transport(rawValue: value)!
            case "validation": validation = value == "rfc2543" ? SIPValidation(requiresMaxForwards: false) : .rfc3261
            case "response": response = value == "none" ? .none : .some(Int(value)!)
            case "expect":
                if value == "valid" {
                    expectation = .valid
                } else {
                    var words = value.split(separator: " ", maxSplits: 2).map(String.init)
                    precondition(words.removeFirst() == "invalid", "bad expect line in \(name)")
                    let code = SIPParseError.Code(rawValue: words.removeFirst())!
                    expectation = .invalid(code, header: words.first)
                }
            default: break
            }
        }
        guard let expectation else { fatalError("\(name) has no expect line") }
        if case .invalid = expectation, case .some(nil) = response {
            // unset: fine, not checked
        }

        // Message: every line break is CRLF, except after a line ending in <<noeol>>.
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() {
            var line = line
            var eol = i < lines.count - 1
            if line.hasSuffix("<<noeol>>") {
                line.removeLast("<<noeol>>".count)
                eol = false
            }
            out += expand(line)
            if eol { out += [0x0D, 0x0A] }
        }
        // <<length>>: the body is everything after the first empty line.
        let marker = Array("\u{1}LENGTH\u{1}".utf8)
        if let m = find(marker, in: out) {
            let withoutMarker = Array(out[..<m]) + Array(out[(m + marker.count)...])
            let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: withoutMarker)! + 4
            let bodyLength = withoutMarker.count - headEnd
            out = Array(out[..<m]) + Array(String(bodyLength).utf8) + Array(out[(m + marker.count)...])
        }
        return TortureCase(
            name: name, model: model.joined(separator: " "), expectation: expectation, transport: transport,
            response: response, validation: validation, bytes: out)
    }

    /// Expands <<XX>>, <<repeat N TEXT>> and <<length>>.
    static func expand(_ line: String) -> [UInt8] {
        var out: [UInt8] = []
        var rest = Substring(line)
        while let open = rest.range(of: "<<") {
            out += Array(rest[..<open.lowerBound].utf8)
            guard let close = rest[open.upperBound...].range(of: ">>") else {
                out += Array(rest[open.lowerBound...].utf8)
                return out
            }
            let inner = String(rest[open.upperBound..<close.lowerBound])
            if inner == "length" {
                out += Array("\u{1}LENGTH\u{1}".utf8)
            } else if inner.hasPrefix("repeat ") {
                let parts = inner.dropFirst(7).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                let count = Int(parts[0])!
                let text = String(parts[1]).replacingOccurrences(of: "\\n", with: "\r\n")
                for _ in 0..<count { out += Array(text.utf8) }
            } else if inner.count == 2, let byte = UInt8(inner, radix: 16) {
                out.append(byte)
            } else {
                out += Array(rest[open.lowerBound..<close.upperBound].utf8)
            }
            rest = rest[close.upperBound...]
        }
        out += Array(rest.utf8)
        return out
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
