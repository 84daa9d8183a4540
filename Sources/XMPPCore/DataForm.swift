/// XEP-0004 data form, as used by ad-hoc command results and XEP-0128 disco extensions.
public struct DataForm: Sendable, Equatable {
    public enum FormType: String, Sendable { case form, submit, cancel, result }

    public struct Field: Sendable, Equatable {
        public var variable: String?
        public var type: String?
        public var label: String?
        public var values: [String]
        public var options: [(label: String?, value: String)]

        public init(
            _ variable: String?, type: String? = nil, label: String? = nil, values: [String] = [],
            options: [(label: String?, value: String)] = []
        ) {
            self.variable = variable
            self.type = type
            self.label = label
            self.values = values
            self.options = options
        }

        public init(_ variable: String, label: String, value: String, type: String? = nil) {
            self.init(variable, type: type, label: label, values: [value])
        }

        public static func == (lhs: Field, rhs: Field) -> Bool {
            lhs.variable == rhs.variable && lhs.type == rhs.type && lhs.label == rhs.label && lhs.values == rhs.values
                && lhs.options.map(\.value) == rhs.options.map(\.value)
                && lhs.options.map(\.label) == rhs.options.map(\.label)
        }
    }

    public var type: FormType
    public var title: String?
    public var instructions: [String]
    public var fields: [Field]

    public init(type: FormType, title: String? = nil, instructions: [String] = [], fields: [Field] = []) {
        self.type = type
        self.title = title
        self.instructions = instructions
        self.fields = fields
    }

    public subscript(variable: String) -> Field? { fields.first { $0.variable == variable } }

    /// The hidden FORM_TYPE value (XEP-0068), if any.
    public var formType: String? { self["FORM_TYPE"]?.values.first }

    public var element: XMLElement {
        var form = XMLElement("x", namespace: Namespace.dataForms, ["type": type.rawValue])
        if let title { form.append(XMLElement("title", namespace: Namespace.dataForms, text: title)) }
        for line in instructions { form.append(XMLElement("instructions", namespace: Namespace.dataForms, text: line)) }
        for field in fields {
            var element = XMLElement(
                "field", namespace: Namespace.dataForms,
                ["var": field.variable, "type": field.type, "label": field.label])
            for option in field.options {
                element.append(
                    XMLElement(
                        "option", namespace: Namespace.dataForms, ["label": option.label],
                        elements: [XMLElement("value", namespace: Namespace.dataForms, text: option.value)]))
            }
            for value in field.values { element.append(XMLElement("value", namespace: Namespace.dataForms, text: value)) }
            form.append(element)
        }
        return form
    }

    public init?(element: XMLElement) {
        guard element.name == "x", element.namespace == Namespace.dataForms,
            let type = FormType(rawValue: element[attribute: "type"] ?? "")
        else { return nil }
        self.type = type
        self.title = element.firstChild("title", namespace: Namespace.dataForms)?.text
        self.instructions = element.children("instructions", namespace: Namespace.dataForms).map(\.text)
        self.fields = element.children("field", namespace: Namespace.dataForms).map { field in
            Field(
                field[attribute: "var"], type: field[attribute: "type"], label: field[attribute: "label"],
                values: field.children("value", namespace: Namespace.dataForms).map(\.text),
                options: field.children("option", namespace: Namespace.dataForms).map {
                    ($0[attribute: "label"], $0.firstChild("value", namespace: Namespace.dataForms)?.text ?? "")
                })
        }
    }
}
