#if canImport(XMPPCore)
    import XMPPCore
#endif

/// Attribute readers shared by every Jingle parser. Each failure names the element and attribute.
extension XMLElement {
    /// The attribute's value, or a `missing-attribute` error naming this element.
    func jingleRequired(_ attribute: String) throws(JingleError) -> String {
        guard let value = self[attribute: attribute] else {
            throw JingleError.missingAttribute(attribute, of: name)
        }
        return value
    }

    /// A required, non-empty attribute.
    func jingleRequiredNonEmpty(_ attribute: String) throws(JingleError) -> String {
        let value = try jingleRequired(attribute)
        if value.isEmpty {
            throw JingleError(
                .invalidAttribute, element: name, attribute: attribute, "<\(name)/> attribute '\(attribute)' is empty")
        }
        return value
    }

    /// An optional unsigned decimal attribute; present but not a number in range is an error.
    func jingleNumber<T: FixedWidthInteger & UnsignedInteger>(
        _ attribute: String, as type: T.Type = T.self
    ) throws(JingleError) -> T? {
        guard let text = self[attribute: attribute] else { return nil }
        guard let value = T.jingleDecimal(text) else {
            throw JingleError.invalidAttribute(
                attribute, of: name, value: text, expected: "a decimal number from 0 to \(T.max)")
        }
        return value
    }

    /// A required unsigned decimal attribute.
    func jingleRequiredNumber<T: FixedWidthInteger & UnsignedInteger>(
        _ attribute: String, as type: T.Type = T.self
    ) throws(JingleError) -> T {
        guard let value: T = try jingleNumber(attribute) else {
            throw JingleError.missingAttribute(attribute, of: name)
        }
        return value
    }

    /// An optional attribute restricted to an enumeration.
    func jingleEnum<E: RawRepresentable>(_ attribute: String, as type: E.Type = E.self) throws(JingleError) -> E?
    where E.RawValue == String {
        guard let text = self[attribute: attribute] else { return nil }
        guard let value = E(rawValue: text) else {
            throw JingleError.invalidAttribute(
                attribute, of: name, value: text, expected: "one of the values its specification defines")
        }
        return value
    }

    /// Child elements other than those the caller understood, kept so nothing is silently dropped.
    func jingleUnknownChildren(known: (XMLElement) -> Bool) -> [XMLElement] {
        elements.filter { !known($0) }
    }

    /// Fails unless this element has the expected name and namespace.
    func jingleExpect(_ expectedName: String, _ expectedNamespace: String) throws(JingleError) {
        guard name == expectedName, namespace == expectedNamespace else {
            throw JingleError(
                .invalidElement, element: name,
                "expected <\(expectedName) xmlns='\(expectedNamespace)'/>, found <\(name.jinglePrefix(64)) xmlns='\(namespace.jinglePrefix(96))'/>"
            )
        }
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// Strict decimal: ASCII digits only (no sign, no spaces), in range.
    static func jingleDecimal(_ text: String) -> Self? {
        guard !text.isEmpty, text.utf8.count <= 40, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Self(text, radix: 10)
    }
}
