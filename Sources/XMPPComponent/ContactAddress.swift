import XMPPCore

/// How a dialled target (phone number or SIP address) is written as a contact JID's localpart.
///
/// Phone numbers keep their digits and a leading '+'; SIP addresses are XEP-0106 escaped
/// (`alice@pbx.example.com` -> `alice\40pbx.example.com`).
public enum ContactAddress {
    /// Characters people put in numbers for readability (ITU-T E.123), dropped before dialling.
    static let visualSeparators: Set<Character> = [" ", "-", ".", "(", ")", "/", "\u{A0}"]

    /// The localpart for what a user typed (XEP-0100 prompt), or nil when it is neither a number nor a SIP address.
    public static func localpart(forPrompt prompt: String) -> String? {
        var text = trimmed(prompt)
        for scheme in ["sips:", "sip:", "tel:"] where text.lowercased().hasPrefix(scheme) {
            text = String(text.dropFirst(scheme.count))
            break
        }
        guard !text.isEmpty else { return nil }
        if text.contains("@") {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                !text.contains(where: { $0.isWhitespace })
            else { return nil }
            return JIDEscaping.escape(text)
        }
        // A number may carry visual separators; a name (an extension such as "echo") may not.
        let dialled = text.filter { !visualSeparators.contains($0) }
        let body = dialled.hasPrefix("+") ? dialled.dropFirst() : Substring(dialled)
        guard !body.isEmpty else { return nil }
        if body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") }) { return dialled }
        if text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) { return text }
        return nil
    }

    /// What a contact JID's localpart dials: the unescaped number or SIP address.
    public static func dialled(fromLocalpart localpart: String) -> String {
        JIDEscaping.unescape(localpart)
    }

    private static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
