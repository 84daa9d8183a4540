/// A namespace-aware element of a parsed XML document, copied out of
/// libxml2's tree so the rest of the loader is plain Swift.
struct XMLElementNode: Sendable, Equatable {
    /// An attribute of an element.
    struct Attribute: Sendable, Equatable {
        /// Local name.
        var name: String
        /// Namespace URI; nil for ordinary (unprefixed) attributes.
        var namespace: String?
        /// Prefix as written, if any.
        var prefix: String?
        /// The value, after XML attribute-value normalisation.
        var value: String
        /// The line the attribute is written on.
        var line: Int

        /// `prefix:name` or `name`.
        var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }
    }

    /// Local name.
    var name: String
    /// Namespace URI, if any.
    var namespace: String?
    /// Prefix as written, if any.
    var prefix: String?
    /// The line the start tag begins on.
    var line: Int
    /// Attributes in document order (namespace declarations excluded).
    var attributes: [Attribute] = []
    /// Child elements in document order.
    var children: [XMLElementNode] = []
    /// The concatenated text and CDATA directly inside this element.
    var text: String = ""

    /// `prefix:name` or `name`.
    var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    /// The un-namespaced attribute called `name`.
    func attribute(_ name: String) -> Attribute? {
        attributes.first { $0.name == name && $0.namespace == nil }
    }

    /// The value of the un-namespaced attribute called `name`.
    subscript(_ name: String) -> String? { attribute(name)?.value }

    /// The line of attribute `name`, or of the element when it is absent.
    func line(of name: String?) -> Int {
        name.flatMap { attribute($0)?.line } ?? line
    }

    /// Child elements with the given local name.
    func children(named name: String) -> [XMLElementNode] {
        children.filter { $0.name == name }
    }

    /// All elements of this subtree in document order, this one first.
    var preorder: [XMLElementNode] {
        var result = [self]
        for child in children { result += child.preorder }
        return result
    }
}

/// A problem with a line, before it is tied to a file name.
struct Diagnostic: Sendable, Equatable {
    /// 1-based line, if known.
    var line: Int?
    /// The message.
    var message: String
}
