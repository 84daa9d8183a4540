/// How elements, attributes and values are written in error messages:
/// `<trunk>`, `<trunk transport="xyz">`, `<jid>x/y</jid>`.
enum MessageFormat {
    /// Attributes whose values are never repeated in messages.
    static let hiddenAttributes: Set<String> = ["secret", "password"]

    /// `<name>` (with its prefix, if written with one).
    static func tag(_ element: XMLElementNode) -> String {
        "<\(element.qualifiedName)>"
    }

    /// `<name attribute="value">`.
    static func tag(_ element: XMLElementNode, _ attribute: String) -> String {
        let value = element[attribute] ?? ""
        let shown = hiddenAttributes.contains(attribute) && !value.isEmpty ? "…" : escape(value)
        return "<\(element.qualifiedName) \(attribute)=\"\(shown)\">"
    }

    /// `<name>text</name>`, for elements whose text is the value.
    static func textElement(_ element: XMLElementNode) -> String {
        "<\(element.qualifiedName)>\(escape(XSDValue.collapse(element.text)))</\(element.qualifiedName)>"
    }

    /// Escapes `&`, `<` and `"` so the value reads as it would in the file.
    static func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// "a" or "an" for a name as it is usually read aloud.
    static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiox".contains(first) ? "an" : "a"
    }

    /// "a", "a or b", "a, b or c" (or with "and").
    static func alternatives(_ items: [String], conjunction: String = "or") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    /// The candidate closest to `name` when it is plausibly a typo of it.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(1, min(2, best.0.count / 3))
        return best.1 <= limit ? best.0 : nil
    }

    /// Edit distance counting insertions, deletions, substitutions and
    /// transpositions of neighbours as one edit each.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
