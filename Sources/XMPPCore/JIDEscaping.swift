/// XEP-0106 JID Escaping: how a SIP address such as `alice@pbx.example.com` becomes the localpart
/// `alice\40pbx.example.com`, and back.
public enum JIDEscaping {
    /// XEP-0106 section 3.1, table 1.
    static let escapes: [(Character, String)] = [
        (" ", "\\20"), ("\"", "\\22"), ("&", "\\26"), ("'", "\\27"), ("/", "\\2f"),
        (":", "\\3a"), ("<", "\\3c"), (">", "\\3e"), ("@", "\\40"), ("\\", "\\5c"),
    ]
    static let escapeByCharacter: [Character: String] = Dictionary(uniqueKeysWithValues: escapes)
    static let characterBySequence: [String: Character] = Dictionary(
        uniqueKeysWithValues: escapes.map { ($0.1, $0.0) })

    /// Escapes a string for use as a localpart. A backslash is escaped only where it would otherwise
    /// start an escape sequence (XEP-0106 section 4.2); leading and trailing spaces cannot be escaped
    /// and are removed (section 4.1).
    public static func escape(_ raw: String) -> String {
        let trimmed = raw.trimmingSpaces()
        let characters = Array(trimmed)
        var out = ""
        for (index, character) in characters.enumerated() {
            if character == "\\" {
                let next = String(characters[(index + 1)..<min(index + 3, characters.count)]).lowercased()
                out += characterBySequence["\\" + next] != nil ? "\\5c" : "\\"
            } else if let escaped = escapeByCharacter[character] {
                out += escaped
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Reverses `escape`: every escape sequence of table 1 becomes its character (section 4.3).
    public static func unescape(_ escaped: String) -> String {
        let characters = Array(escaped)
        var out = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "\\", index + 3 <= characters.count {
                let end = index + 3
                let sequence = String(characters[index..<end]).lowercased()
                if let character = characterBySequence[sequence] {
                    out.append(character)
                    index = end
                    continue
                }
            }
            out.append(characters[index])
            index += 1
        }
        return out
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
