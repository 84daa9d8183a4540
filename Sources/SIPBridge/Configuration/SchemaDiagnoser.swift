/// Explains why a document does not match the schema, in terms of the
/// user's file: which element, which attribute, which line, what is expected.
///
/// libxml2 decides *whether* a document is valid; its RELAX NG messages
/// ("Element bridge failed to validate content") are too vague to act on,
/// so when it rejects a document the loader asks this type, which walks the
/// document against ``SchemaRules`` (read from the same schema) and reports
/// every mismatch it finds.
struct SchemaDiagnoser {
    let rules: SchemaRules

    /// Every schema violation in the document rooted at `root`, in document order.
    func diagnose(_ root: XMLElementNode) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        guard root.name == rules.rootName, root.namespace == rules.namespace, let rule = rules.elements[root.name] else {
            let found = root.name == rules.rootName ? "<\(root.qualifiedName)> without that namespace" : "<\(root.qualifiedName)>"
            diagnostics.append(Diagnostic(
                line: root.line,
                message: "the root element must be <\(rules.rootName) xmlns=\"\(rules.namespace)\">, found \(found)"
            ))
            return diagnostics
        }
        check(root, against: rule, into: &diagnostics)
        return diagnostics
    }

    private func check(_ element: XMLElementNode, against rule: SchemaRules.Element, into diagnostics: inout [Diagnostic]) {
        let tag = MessageFormat.tag(element)

        // Attributes.
        for attribute in element.attributes {
            guard attribute.namespace == nil, let attributeRule = rule.attribute(attribute.name) else {
                var message = "attribute \(attribute.qualifiedName) is not allowed on \(tag)"
                if attribute.namespace == nil,
                   let guess = MessageFormat.suggestion(for: attribute.name, among: rule.attributes.map(\.name)) {
                    message += "; did you mean \(guess)?"
                }
                diagnostics.append(Diagnostic(line: attribute.line, message: message))
                continue
            }
            if let expected = problem(with: attribute.value, against: attributeRule.value) {
                diagnostics.append(Diagnostic(
                    line: attribute.line,
                    message: "\(MessageFormat.tag(element, attribute.name)): expected \(expected)"
                ))
            }
        }
        for attributeRule in rule.attributes where attributeRule.required && element.attribute(attributeRule.name) == nil {
            diagnostics.append(Diagnostic(
                line: element.line,
                message: "\(tag) needs \(MessageFormat.article(attributeRule.name)) \(attributeRule.name) attribute"
            ))
        }
        for group in rule.exclusive {
            let present = group.names.filter { element.attribute($0) != nil }
            if present.isEmpty && group.required {
                let first = group.names.first ?? ""
                diagnostics.append(Diagnostic(
                    line: element.line,
                    message: "\(tag) needs \(MessageFormat.article(first)) \(MessageFormat.alternatives(group.names)) attribute"
                ))
            } else if present.count > 1 {
                diagnostics.append(Diagnostic(
                    line: element.line(of: present[1]),
                    message: "\(tag) takes only one of \(MessageFormat.alternatives(group.names)) (found \(MessageFormat.alternatives(present, conjunction: "and")))"
                ))
            }
        }

        // Text.
        if let textRule = rule.text {
            if let expected = problem(with: element.text, against: textRule) {
                diagnostics.append(Diagnostic(line: element.line, message: "\(MessageFormat.textElement(element)): expected \(expected)"))
            }
        } else if element.text.contains(where: { !XSDValue.isSpace($0) }) {
            diagnostics.append(Diagnostic(line: element.line, message: "\(tag) must not contain text"))
        }

        // Children.
        var counts: [String: Int] = [:]
        for child in element.children {
            guard let childRule = rule.child(child.name), let definition = rules.elements[child.name] else {
                diagnostics.append(Diagnostic(line: child.line, message: misplaced(child, inside: element, rule: rule)))
                continue
            }
            guard child.namespace == rules.namespace else {
                diagnostics.append(Diagnostic(
                    line: child.line,
                    message: "<\(child.qualifiedName)> must be in namespace \(rules.namespace), like its parent"
                ))
                continue
            }
            counts[child.name, default: 0] += 1
            if let maximum = childRule.maximum, counts[child.name, default: 0] > maximum {
                let limit = maximum == 1 ? "only one" : "at most \(maximum)"
                diagnostics.append(Diagnostic(line: child.line, message: "\(tag) allows \(limit) <\(child.name)>"))
            }
            check(child, against: definition, into: &diagnostics)
        }
        for childRule in rule.children where counts[childRule.name, default: 0] < childRule.minimum {
            diagnostics.append(Diagnostic(
                line: element.line,
                message: "\(tag) needs \(MessageFormat.article(childRule.name)) <\(childRule.name)> element"
            ))
        }
    }

    /// The message for a child element that is not allowed where it is.
    private func misplaced(_ child: XMLElementNode, inside parent: XMLElementNode, rule: SchemaRules.Element) -> String {
        var message = "<\(child.qualifiedName)> is not allowed inside \(MessageFormat.tag(parent))"
        guard child.namespace == rules.namespace else { return message }
        let homes = rules.elements.values.filter { $0.child(child.name) != nil }.map(\.name).sorted()
        if !homes.isEmpty {
            message += "; it belongs inside " + MessageFormat.alternatives(homes.map { "<\($0)>" })
        } else if let guess = MessageFormat.suggestion(for: child.name, among: rule.children.map(\.name)) {
            message += "; did you mean <\(guess)>?"
        }
        return message
    }

    /// What `value` should have been, or nil when it is valid.
    private func problem(with value: String, against rule: SchemaRules.Value) -> String? {
        switch rule {
        case .text:
            return nil
        case .choice(let tokens):
            return tokens.contains(XSDValue.collapse(value)) ? nil : "one of \(tokens.joined(separator: ", "))"
        case .data(let type, let facets):
            return XSDValue.isValid(value, type: type, facets: facets) == false
                ? XSDValue.describe(type: type, facets: facets) : nil
        case .list(let item):
            let items = value.split(whereSeparator: XSDValue.isSpace).map(String.init)
            let valid = !items.isEmpty && items.allSatisfy { problem(with: $0, against: item) == nil }
            guard !valid else { return nil }
            if case .choice(let tokens) = item {
                return "a space-separated list of \(tokens.joined(separator: ", "))"
            }
            return "a space-separated list"
        }
    }
}
