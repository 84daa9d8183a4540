import Foundation

/// Loads `component.xml`: parses it with libxml2 (refusing DTDs and
/// entities), validates it against the RELAX NG schema
/// ``ConfigurationSchema/relaxNG``, then checks its meaning and resolves
/// defaults, paths and the component secret.
///
/// All problems found are reported together, each naming the file, line,
/// element and attribute:
///
/// ```
/// component.xml:12: <trunk> needs a uri attribute
/// component.xml:14: <trunk transport="xyz">: expected one of udp, tcp, tls, ws, wss
/// ```
///
/// The loader is pure apart from reading the files it is asked to read: it
/// keeps no state between calls and may be used from several threads.
public enum ConfigurationLoader {
    /// Reads and loads the configuration file at `path`.
    ///
    /// Relative paths inside the file (`<data directory>`, `secret-file`,
    /// certificates) are resolved against the directory containing `path`,
    /// made absolute with the current directory when `path` is relative.
    /// Error messages name the file as `path` was given.
    ///
    /// - Parameters:
    ///   - path: the configuration file.
    ///   - environment: variables for `secret-env`; the process environment by default.
    /// - Throws: every problem found, ordered by line.
    public static func load(
        contentsOf path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationErrors) -> BridgeConfiguration {
        let bytes: [UInt8]
        do {
            bytes = try TextFileReader.bytes(atPath: path)
        } catch {
            throw ConfigurationErrors([ConfigurationError(file: path, line: nil, message: "cannot read the configuration file: \(error)")])
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let directory = absolute.lastIndex(of: "/").map { String(absolute[..<$0]) } ?? "."
        return try parse(
            bytes: bytes,
            fileName: path,
            baseDirectory: directory.isEmpty ? "/" : directory,
            environment: environment,
            readFile: readTextFile
        )
    }

    /// Loads a configuration held in memory.
    ///
    /// - Parameters:
    ///   - text: the XML.
    ///   - fileName: the name used in error messages (e.g. `component.xml`).
    ///   - baseDirectory: directory that relative paths are resolved against.
    ///   - environment: variables for `secret-env`.
    ///   - readFile: reads `secret-file` (given the resolved path); its
    ///     error's description ends up in the message.
    /// - Throws: every problem found, ordered by line.
    public static func parse(
        _ text: String,
        fileName: String = "component.xml",
        baseDirectory: String,
        environment: [String: String] = [:],
        readFile: (String) throws -> String = readTextFile
    ) throws(ConfigurationErrors) -> BridgeConfiguration {
        try parse(bytes: Array(text.utf8), fileName: fileName, baseDirectory: baseDirectory, environment: environment, readFile: readFile)
    }

    /// Loads a configuration from raw bytes (normally UTF-8; an XML
    /// declaration may name another encoding).
    ///
    /// See ``parse(_:fileName:baseDirectory:environment:readFile:)``.
    public static func parse(
        bytes: [UInt8],
        fileName: String = "component.xml",
        baseDirectory: String,
        environment: [String: String] = [:],
        readFile: (String) throws -> String = readTextFile
    ) throws(ConfigurationErrors) -> BridgeConfiguration {
        func fail(_ diagnostics: [Diagnostic]) -> ConfigurationErrors {
            let errors = diagnostics.enumerated()
                .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
                .map { ConfigurationError(file: fileName, line: $0.element.line, message: $0.element.message) }
            var unique: [ConfigurationError] = []
            for error in errors where !unique.contains(error) { unique.append(error) }
            return ConfigurationErrors(unique)
        }

        let schema = Array(ConfigurationSchema.relaxNG.utf8)
        var root: XMLElementNode
        let validation: LibXML2Document.Validation
        switch LibXML2Document.parse(bytes, validatingAgainst: schema) {
        case .failure(let failure):
            throw fail([failure.diagnostic])
        case .success(let (tree, result)):
            root = tree
            validation = result
        }
        SourceLocator(bytes: bytes).annotate(&root)

        switch validation {
        case .valid:
            break
        case .invalid(let libxmlDiagnostics):
            var diagnostics = explain(root, schema: schema)
            if diagnostics.isEmpty {
                // The explanation missed something libxml2 saw; say what libxml2 said.
                diagnostics = libxmlDiagnostics.map { Diagnostic(line: $0.line, message: "does not match the schema: \($0.message)") }
            }
            throw fail(diagnostics)
        case .schemaUnusable(let messages):
            throw fail([Diagnostic(line: nil, message: "internal error: the built-in schema does not compile: " + messages.joined(separator: "; "))])
        }

        var builder = ConfigurationBuilder(environment: environment, baseDirectory: baseDirectory)
        guard let configuration = builder.build(root, readFile: readFile) else {
            throw fail(builder.diagnostics)
        }
        return configuration
    }

    /// Reads a file as UTF-8 text; errors describe themselves with the
    /// system's message ("No such file or directory"). The default `readFile`.
    public static func readTextFile(_ path: String) throws -> String {
        try TextFileReader.text(atPath: path)
    }

    /// Explains schema violations in the user's terms.
    static func explain(_ root: XMLElementNode, schema: [UInt8]) -> [Diagnostic] {
        guard case .success(let grammar) = LibXML2Document.parse(schema) else { return [] }
        return SchemaDiagnoser(rules: SchemaRules(schema: grammar)).diagnose(root)
    }
}
