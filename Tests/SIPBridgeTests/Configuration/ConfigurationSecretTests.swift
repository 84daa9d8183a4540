import Foundation
import Testing
import SIPBridge

@Suite("Component secret")
struct ConfigurationSecretTests {
    typealias F = ConfigurationFixture

    static func xmpp(_ secretAttribute: String) -> String {
        F.document("<xmpp domain=\"sip.localhost\" \(secretAttribute)/>")
    }

    @Test("secret-env reads the named variable")
    func fromEnvironment() throws {
        let configuration = try F.load(Self.xmpp(#"secret-env="BRIDGE_SECRET""#), environment: ["BRIDGE_SECRET": "from env"])
        #expect(configuration.xmpp.secret == "from env")
    }

    @Test("secret-env naming an unset or empty variable is an error")
    func missingVariable() {
        #expect(F.errors(Self.xmpp(#"secret-env="BRIDGE_SECRET""#), environment: ["OTHER": "x"]) == [
            #"component.xml:2: <xmpp secret-env="BRIDGE_SECRET">: environment variable BRIDGE_SECRET is not set"#,
        ])
        #expect(F.errors(Self.xmpp(#"secret-env="BRIDGE_SECRET""#), environment: ["BRIDGE_SECRET": ""]) == [
            #"component.xml:2: <xmpp secret-env="BRIDGE_SECRET">: environment variable BRIDGE_SECRET is empty"#,
        ])
    }

    @Test("secret-file is resolved against the configuration directory; trailing newlines are dropped")
    func fromFile() throws {
        let relative = try F.load(Self.xmpp(#"secret-file="secrets/component""#),
                                  files: ["/etc/jingle-sip-bridge/secrets/component": "s3cret value\n"])
        #expect(relative.xmpp.secret == "s3cret value")
        let absolute = try F.load(Self.xmpp(#"secret-file="/run/secrets/component""#),
                                  files: ["/run/secrets/component": " spaced \r\n"])
        #expect(absolute.xmpp.secret == " spaced ")
    }

    @Test("an unreadable or empty secret-file is an error")
    func unreadableFile() {
        #expect(F.errors(Self.xmpp(#"secret-file="missing""#)) == [
            #"component.xml:2: <xmpp secret-file="missing">: cannot read /etc/jingle-sip-bridge/missing: No such file or directory"#,
        ])
        #expect(F.errors(Self.xmpp(#"secret-file="empty""#), files: ["/etc/jingle-sip-bridge/empty": "\n"]) == [
            #"component.xml:2: <xmpp secret-file="empty">: /etc/jingle-sip-bridge/empty is empty"#,
        ])
    }

    @Test("load(contentsOf:) reads real files relative to the configuration")
    func realFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jsb-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("component.xml").path
        try Self.xmpp(#"secret-file="secret.txt""#).write(toFile: config, atomically: true, encoding: .utf8)

        // The secret file does not exist yet.
        #expect(throws: ConfigurationErrors([ConfigurationError(
            file: config, line: 2,
            message: #"<xmpp secret-file="secret.txt">: cannot read \#(directory.path)/secret.txt: No such file or directory"#
        )])) {
            try ConfigurationLoader.load(contentsOf: config, environment: [:])
        }

        try "from a file\n".write(toFile: directory.appendingPathComponent("secret.txt").path, atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader.load(contentsOf: config, environment: [:])
        #expect(configuration.xmpp.secret == "from a file")
    }

    @Test("a configuration file that cannot be read is reported without a line")
    func missingConfiguration() {
        #expect(throws: ConfigurationErrors([ConfigurationError(
            file: "/nonexistent/component.xml", line: nil,
            message: "cannot read the configuration file: No such file or directory"
        )])) {
            try ConfigurationLoader.load(contentsOf: "/nonexistent/component.xml", environment: [:])
        }
        #expect(ConfigurationError(file: "c.xml", line: nil, message: "m").description == "c.xml: m")
        #expect(ConfigurationError(file: "c.xml", line: 3, message: "m").description == "c.xml:3: m")
    }
}
