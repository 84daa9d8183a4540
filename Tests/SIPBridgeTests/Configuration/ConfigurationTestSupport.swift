import Foundation
import Testing
import SIPBridge

/// Helpers shared by the configuration tests.
enum ConfigurationFixture {
    static let namespace = "urn:xmpp:jingle-sip-bridge:config:1"
    static let baseDirectory = "/etc/jingle-sip-bridge"

    /// `<bridge>` on line 1, `body` from line 2, `</bridge>` after it.
    static func document(_ body: String) -> String {
        "<bridge xmlns=\"\(namespace)\">\n\(body)\n</bridge>\n"
    }

    /// A document with a valid `<xmpp>` on line 2 and `body` from line 3.
    static func withXMPP(_ body: String) -> String {
        document("<xmpp domain=\"sip.localhost\" secret=\"s3cret\"/>\n" + body)
    }

    struct MissingFile: Error, CustomStringConvertible {
        var description: String { "No such file or directory" }
    }

    /// Loads `text` as `component.xml` in ``baseDirectory``; `files` stands in
    /// for the file system (resolved path to contents).
    static func load(
        _ text: String,
        environment: [String: String] = [:],
        files: [String: String] = [:]
    ) throws(ConfigurationErrors) -> BridgeConfiguration {
        try ConfigurationLoader.parse(
            text,
            fileName: "component.xml",
            baseDirectory: baseDirectory,
            environment: environment,
            readFile: { path in
                guard let contents = files[path] else { throw MissingFile() }
                return contents
            }
        )
    }

    /// The error descriptions for `text`; records an issue if it loads.
    static func errors(
        _ text: String,
        environment: [String: String] = [:],
        files: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String] {
        do {
            _ = try load(text, environment: environment, files: files)
            Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    /// The root of the repository (three levels above this file).
    static func repositoryRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
