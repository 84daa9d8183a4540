/// The configuration schema (component.rng) read as a table of elements,
/// attributes and values, so that validation errors can be explained
/// precisely. Only the restricted RELAX NG style described at the top of
/// component.rng is understood; anything else is listed in ``issues``
/// (a test requires that list to be empty).
struct SchemaRules: Sendable {
    /// The allowed values of an attribute or of an element's text.
    indirect enum Value: Sendable, Equatable {
        /// Any text.
        case text
        /// One of these tokens.
        case choice([String])
        /// An XML Schema datatype with facets.
        case data(type: String, facets: [String: String])
        /// A whitespace-separated list of one or more such values.
        case list(Value)
    }

    /// An attribute an element may carry.
    struct Attribute: Sendable, Equatable {
        var name: String
        var required: Bool
        var value: Value
    }

    /// A group of attributes of which exactly one (`required`) or at most
    /// one may be present.
    struct Exclusive: Sendable, Equatable {
        var names: [String]
        var required: Bool
    }

    /// How often a child element may occur.
    struct Child: Sendable, Equatable {
        var name: String
        var minimum: Int
        var maximum: Int?
    }

    /// What an element may contain.
    struct Element: Sendable, Equatable {
        var name: String
        var attributes: [Attribute] = []
        var exclusive: [Exclusive] = []
        var children: [Child] = []
        /// The allowed text content; nil when only whitespace is allowed.
        var text: Value?

        func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }
        func child(_ name: String) -> Child? { children.first { $0.name == name } }
    }

    static let relaxNGNamespace = "http://relaxng.org/ns/structure/1.0"

    /// The namespace of every element (the grammar's `ns`).
    private(set) var namespace = ""
    /// The root element's name.
    private(set) var rootName = ""
    /// Every element, by name.
    private(set) var elements: [String: Element] = [:]
    /// Constructs of the schema that could not be interpreted.
    private(set) var issues: [String] = []

    private var defines: [String: XMLElementNode] = [:]

    /// Reads the parsed schema document.
    init(schema grammar: XMLElementNode) {
        guard grammar.namespace == Self.relaxNGNamespace, grammar.name == "grammar" else {
            issues.append("the schema's root is not a RELAX NG <grammar>")
            return
        }
        namespace = grammar["ns"] ?? ""
        for define in patterns(in: grammar) where define.name == "define" {
            defines[define["name"] ?? ""] = define
        }
        guard let start = patterns(in: grammar).first(where: { $0.name == "start" }),
              let startPattern = patterns(in: start).first,
              let root = elementName(startPattern)
        else {
            issues.append("<start> does not name an element")
            return
        }
        rootName = root
        defineElement(startPattern)
    }

    /// The RELAX NG children of `node`, skipping annotations.
    private func patterns(in node: XMLElementNode) -> [XMLElementNode] {
        node.children.filter { $0.namespace == Self.relaxNGNamespace }
    }

    /// The `<element>` a pattern stands for (itself or through a `<ref>`).
    private func elementPattern(_ pattern: XMLElementNode) -> XMLElementNode? {
        switch pattern.name {
        case "element": return pattern
        case "ref":
            guard let define = defines[pattern["name"] ?? ""], let body = patterns(in: define).first else { return nil }
            return body.name == "element" ? body : nil
        default: return nil
        }
    }

    private func elementName(_ pattern: XMLElementNode) -> String? {
        elementPattern(pattern)?["name"].map(XSDValue.collapse)
    }

    private mutating func defineElement(_ pattern: XMLElementNode) {
        guard let element = elementPattern(pattern), let name = elementName(pattern) else {
            issues.append("line \(pattern.line): expected an element")
            return
        }
        guard elements[name] == nil else { return }
        elements[name] = Element(name: name)  // placeholder against recursion
        var rule = Element(name: name)
        for content in patterns(in: element) {
            collect(content, into: &rule, minimum: 1, maximum: 1)
        }
        elements[name] = rule
    }

    private mutating func collect(_ pattern: XMLElementNode, into rule: inout Element, minimum: Int, maximum: Int?) {
        switch pattern.name {
        case "attribute":
            guard let name = pattern["name"].map(XSDValue.collapse) else {
                issues.append("line \(pattern.line): <attribute> without a name")
                return
            }
            let value = patterns(in: pattern).first.map { self.value($0) } ?? .text
            rule.attributes.append(Attribute(name: name, required: minimum > 0, value: value))
        case "optional":
            for child in patterns(in: pattern) { collect(child, into: &rule, minimum: 0, maximum: maximum) }
        case "zeroOrMore":
            for child in patterns(in: pattern) { collect(child, into: &rule, minimum: 0, maximum: nil) }
        case "oneOrMore":
            for child in patterns(in: pattern) { collect(child, into: &rule, minimum: minimum, maximum: nil) }
        case "interleave", "group":
            for child in patterns(in: pattern) { collect(child, into: &rule, minimum: minimum, maximum: maximum) }
        case "choice" where patterns(in: pattern).allSatisfy({ $0.name == "attribute" }):
            var names: [String] = []
            for alternative in patterns(in: pattern) {
                collect(alternative, into: &rule, minimum: 0, maximum: 1)
                names.append(rule.attributes.last?.name ?? "")
            }
            rule.exclusive.append(Exclusive(names: names, required: minimum > 0))
        case "empty":
            break
        case "element":
            addChild(pattern, to: &rule, minimum: minimum, maximum: maximum)
        case "ref" where elementPattern(pattern) != nil:
            addChild(pattern, to: &rule, minimum: minimum, maximum: maximum)
        case "ref", "text", "data", "value", "list", "choice":
            rule.text = value(pattern)
        default:
            issues.append("line \(pattern.line): <\(pattern.name)> is not supported here")
        }
    }

    private mutating func addChild(_ pattern: XMLElementNode, to rule: inout Element, minimum: Int, maximum: Int?) {
        guard let name = elementName(pattern) else { return }
        rule.children.append(Child(name: name, minimum: minimum, maximum: maximum))
        defineElement(pattern)
    }

    private mutating func value(_ pattern: XMLElementNode) -> Value {
        switch pattern.name {
        case "text":
            return .text
        case "value":
            return .choice([XSDValue.collapse(pattern.text)])
        case "choice":
            var tokens: [String] = []
            for alternative in patterns(in: pattern) {
                guard alternative.name == "value" else {
                    issues.append("line \(alternative.line): only <value> is supported inside a value <choice>")
                    continue
                }
                tokens.append(XSDValue.collapse(alternative.text))
            }
            return .choice(tokens)
        case "data":
            let type = pattern["type"].map(XSDValue.collapse) ?? ""
            var facets: [String: String] = [:]
            for param in patterns(in: pattern) where param.name == "param" {
                facets[param["name"] ?? ""] = XSDValue.collapse(param.text)
            }
            if XSDValue.isValid("0", type: type, facets: facets) == nil {
                issues.append("line \(pattern.line): datatype \(type) with facets \(facets.keys.sorted()) is not supported")
            }
            return .data(type: type, facets: facets)
        case "list":
            let items = patterns(in: pattern)
            guard items.count == 1, items[0].name == "oneOrMore", let item = patterns(in: items[0]).first else {
                issues.append("line \(pattern.line): a <list> must hold one <oneOrMore>")
                return .list(.text)
            }
            return .list(value(item))
        case "ref":
            guard let define = defines[pattern["name"] ?? ""], let body = patterns(in: define).first else {
                issues.append("line \(pattern.line): undefined reference \(pattern["name"] ?? "")")
                return .text
            }
            return value(body)
        default:
            issues.append("line \(pattern.line): <\(pattern.name)> is not supported as a value")
            return .text
        }
    }
}
