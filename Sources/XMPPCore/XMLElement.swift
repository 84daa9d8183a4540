/// An immutable-by-value XML element: the unit every XMPP stanza is handled as.
///
/// Names are local names with their namespace URI kept apart, as expat reports them in
/// namespace mode; prefixes are a serialization detail and never part of the model.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    /// Namespace URI; "" means no namespace.
    public var namespace: String
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]

    public init(
        _ name: String,
        namespace: String,
        attributes: [XMLAttribute] = [],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// Convenience initializer: attributes from pairs (nil values dropped), element children.
    public init(
        _ name: String,
        namespace: String,
        _ attributes: KeyValuePairs<String, String?> = [:],
        elements: [XMLElement] = [],
        text: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes.compactMap { key, value in value.map { XMLAttribute(key, $0) } }
        var nodes = elements.map(XMLNode.element)
        if let text { nodes.append(.text(text)) }
        self.children = nodes
    }

    /// Value of an attribute without namespace (or `xml:` prefixed, such as `xml:lang`).
    public subscript(attribute name: String) -> String? {
        get { attributes.first { $0.name == name && $0.namespace == nil }?.value }
        set {
            attributes.removeAll { $0.name == name && $0.namespace == nil }
            if let newValue { attributes.append(XMLAttribute(name, newValue)) }
        }
    }

    /// Element children, in document order.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Concatenated character data of the direct text children.
    public var text: String {
        var result = ""
        for case .text(let t) in children { result += t }
        return result
    }

    public func firstChild(_ name: String, namespace: String? = nil) -> XMLElement? {
        for case .element(let e) in children where e.name == name && (namespace == nil || e.namespace == namespace) {
            return e
        }
        return nil
    }

    public func children(_ name: String, namespace: String? = nil) -> [XMLElement] {
        elements.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// First child element in any name within the namespace (an IQ's payload, for example).
    public func firstChild(inNamespace namespace: String) -> XMLElement? {
        elements.first { $0.namespace == namespace }
    }

    public mutating func append(_ element: XMLElement) {
        children.append(.element(element))
    }

    public mutating func append(text: String) {
        children.append(.text(text))
    }
}

public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    /// Namespace URI of a prefixed attribute; nil for ordinary ones. `xml:lang` is kept as name "xml:lang".
    public var namespace: String?
    public var value: String

    public init(_ name: String, _ value: String, namespace: String? = nil) {
        self.name = name
        self.value = value
        self.namespace = namespace
    }
}

public enum XMLNode: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}
