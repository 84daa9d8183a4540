extension XMLElement {
    /// The element as XML text. `xmlns` is written only where the namespace differs from the parent's,
    /// so stanzas written inside a `jabber:component:accept` stream carry no redundant declaration.
    public func serialized(parentNamespace: String = "") -> String {
        var out = ""
        serialize(into: &out, parentNamespace: parentNamespace)
        return out
    }

    public func serialize(into out: inout String, parentNamespace: String) {
        out += "<"
        out += name
        if namespace != parentNamespace {
            out += " xmlns='"
            XMLEscaping.appendAttribute(namespace, to: &out)
            out += "'"
        }
        var prefixIndex = 0
        for attribute in attributes {
            out += " "
            if let ns = attribute.namespace {
                // Rare in XMPP: give each namespaced attribute its own declared prefix.
                prefixIndex += 1
                out += "xmlns:a\(prefixIndex)='"
                XMLEscaping.appendAttribute(ns, to: &out)
                out += "' a\(prefixIndex):"
            }
            out += attribute.name
            out += "='"
            XMLEscaping.appendAttribute(attribute.value, to: &out)
            out += "'"
        }
        if children.isEmpty {
            out += "/>"
            return
        }
        out += ">"
        for child in children {
            switch child {
            case .element(let element): element.serialize(into: &out, parentNamespace: namespace)
            case .text(let text): XMLEscaping.appendText(text, to: &out)
            }
        }
        out += "</"
        out += name
        out += ">"
    }
}

/// Escaping for text and attribute values; characters XML 1.0 forbids become U+FFFD so that a
/// stray control character from a SIP peer can never make the server close our stream.
public enum XMLEscaping {
    public static func appendText(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            // A raw CR would come back as LF (XML 1.0 section 2.11 end-of-line handling).
            case "\r": out += "&#13;"
            default: appendScalar(scalar, to: &out)
            }
        }
    }

    public static func appendAttribute(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&apos;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: appendScalar(scalar, to: &out)
            }
        }
    }

    @inline(__always)
    private static func appendScalar(_ scalar: Unicode.Scalar, to out: inout String) {
        if isAllowed(scalar) {
            out.unicodeScalars.append(scalar)
        } else {
            out += "\u{FFFD}"
        }
    }

    /// XML 1.0 section 2.2 `Char`.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
