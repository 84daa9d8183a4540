import XMPPCore

/// Syntax checks for the domains and bare JIDs in the configuration.
///
/// These are deliberately simple (no stringprep/PRECIS): they catch typos
/// such as a resource, a missing domain or stray whitespace.
enum JIDSyntax {
    /// Whether `text` looks like a DNS name (labels of letters, digits, `-`
    /// and `_`; non-ASCII letters allowed).
    static func isDomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 1023 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            // A single trailing dot (fully qualified form) is tolerated.
            if label.isEmpty && index == labels.count - 1 && index > 0 { continue }
            guard !label.isEmpty, label.utf8.count <= 63,
                  label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
                  label.first != "-", label.last != "-"
            else { return false }
        }
        return true
    }

    /// The normalized bare JID (`local@domain` or `domain`), or nil when
    /// `text` is not one: RFC 7622 rules from `XMPPCore.JID`, plus a domain
    /// that must look like a DNS name or an IP address.
    static func bareJID(_ text: String) -> String? {
        guard let jid = try? JID(text), jid.resourcepart == nil,
              isDomain(jid.domainpart) || IPNetwork.parseAddress(jid.domainpart) != nil
        else { return nil }
        return jid.description
    }
}
