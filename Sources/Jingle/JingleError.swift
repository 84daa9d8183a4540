/// The one error type of the Jingle module.
///
/// Parse errors name the element and, where one is at fault, the attribute, so that a `bad-request`
/// sent back to a client (or a log line) says exactly what was wrong. Errors compare by `code` only,
/// like the error structs of swift-asn1: the reason is for humans.
public struct JingleError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible without breaking `switch`es elsewhere.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A required attribute is absent.
        public static let missingAttribute = Code("missing-attribute")
        /// An attribute is present but its value is not acceptable.
        public static let invalidAttribute = Code("invalid-attribute")
        /// A required child element is absent.
        public static let missingElement = Code("missing-element")
        /// An element has the wrong name or namespace, or wrong content.
        public static let invalidElement = Code("invalid-element")
        /// The `action` attribute holds a value XEP-0166 section 7.2 does not define.
        public static let unknownAction = Code("unknown-action")
        /// A local command was given in a state where it cannot apply.
        public static let invalidState = Code("invalid-state")
        /// A value has no representation on the other side of a Jingle <-> SDP translation.
        public static let untranslatable = Code("untranslatable")
    }

    public let code: Code
    /// Local name of the element at fault (`candidate`, `payload-type`...), when there is one.
    public let element: String?
    /// Name of the attribute at fault, when there is one.
    public let attribute: String?
    /// Human-readable reason: names the element/attribute and what was wrong with it.
    public let reason: String
    public let file: String
    public let line: Int

    public init(
        _ code: Code, element: String? = nil, attribute: String? = nil, _ reason: String,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.element = element
        self.attribute = attribute
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String {
        var where_ = ""
        if let element { where_ += "<\(element)/>" }
        if let attribute { where_ += (where_.isEmpty ? "" : " ") + "attribute '\(attribute)'" }
        return "JingleError.\(code): \(where_.isEmpty ? "" : where_ + ": ")\(reason)"
    }

    static func missingAttribute(_ attribute: String, of element: String, file: String = #fileID, line: Int = #line)
        -> JingleError
    {
        JingleError(
            .missingAttribute, element: element, attribute: attribute,
            "<\(element)/> has no '\(attribute)' attribute", file: file, line: line)
    }

    static func invalidAttribute(
        _ attribute: String, of element: String, value: String, expected: String,
        file: String = #fileID, line: Int = #line
    ) -> JingleError {
        JingleError(
            .invalidAttribute, element: element, attribute: attribute,
            "<\(element)/> attribute '\(attribute)' is '\(value.jinglePrefix(64))', expected \(expected)",
            file: file, line: line)
    }
}

extension JingleError: Equatable {
    /// Errors are equal when their codes are; element, attribute and reason are explanations.
    public static func == (lhs: JingleError, rhs: JingleError) -> Bool { lhs.code == rhs.code }
}

extension String {
    /// At most `count` characters, for quoting untrusted values in error reasons.
    func jinglePrefix(_ count: Int) -> String {
        self.count <= count ? self : String(prefix(count)) + "…"
    }
}
