import Foundation
import Testing
@testable import SIPBridge

@Suite("Example configuration and schema")
struct ConfigurationExampleTests {
    static let root = ConfigurationFixture.repositoryRoot()

    @Test("docs/component.example.xml loads")
    func exampleLoads() throws {
        let path = Self.root.appendingPathComponent("docs/component.example.xml").path
        let configuration = try ConfigurationLoader.load(
            contentsOf: path,
            environment: ["JINGLE_SIP_BRIDGE_SECRET": "example-secret"]
        )
        #expect(configuration.xmpp.domain == "sip.example.org")
        #expect(configuration.xmpp.secret == "example-secret")
        #expect(!configuration.sip.trunks.isEmpty)
        #expect(!configuration.sip.routes.isEmpty)
        #expect(configuration.access.allows(bareJID: "someone@example.org"))
    }

    @Test("the embedded schema is a verbatim copy of Resources/component.rng")
    func embeddedSchemaMatchesResource() throws {
        let path = Self.root.appendingPathComponent("Sources/SIPBridge/Resources/component.rng").path
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            ConfigurationSchema.relaxNG == file,
            "ConfigurationSchema.relaxNG differs from component.rng: paste the file into ConfigurationSchema.swift"
        )
    }

    @Test("the schema uses only constructs the error explanations understand")
    func schemaIsInterpretable() throws {
        let grammar = try LibXML2Document.parse(Array(ConfigurationSchema.relaxNG.utf8)).get()
        let rules = SchemaRules(schema: grammar)
        #expect(rules.issues == [])
        #expect(rules.rootName == "bridge")
        #expect(rules.namespace == "urn:xmpp:jingle-sip-bridge:config:1")
        // Every element of the documentation is known to the rules.
        for name in ["xmpp", "data", "admins", "jid", "access", "allow", "log", "sip", "listen", "trunk",
                     "allow-from", "failover", "route", "inbound", "user", "limits", "media", "stun"] {
            #expect(rules.elements[name] != nil, "missing <\(name)>")
        }
    }

    @Test("the explanations agree with libxml2 on valid files")
    func diagnoserAcceptsValidFiles() throws {
        let grammar = try LibXML2Document.parse(Array(ConfigurationSchema.relaxNG.utf8)).get()
        let diagnoser = SchemaDiagnoser(rules: SchemaRules(schema: grammar))
        let example = try String(contentsOfFile: Self.root.appendingPathComponent("docs/component.example.xml").path, encoding: .utf8)
        for text in [example, ConfigurationFullFileTests.file] {
            let tree = try LibXML2Document.parse(Array(text.utf8)).get()
            #expect(diagnoser.diagnose(tree) == [])
        }
    }

    @Test("the example uses every element and attribute, and the documentation names them all")
    func exampleAndDocumentationAreComplete() throws {
        let grammar = try LibXML2Document.parse(Array(ConfigurationSchema.relaxNG.utf8)).get()
        let rules = SchemaRules(schema: grammar)
        let example = try String(contentsOfFile: Self.root.appendingPathComponent("docs/component.example.xml").path, encoding: .utf8)
        let tree = try LibXML2Document.parse(Array(example.utf8)).get()
        let documentation = try String(contentsOfFile: Self.root.appendingPathComponent("docs/configuration.md").path, encoding: .utf8)

        let used = Dictionary(grouping: tree.preorder, by: \.name)
        for (name, rule) in rules.elements {
            #expect(used[name] != nil, "the example has no <\(name)>")
            #expect(documentation.contains("`<\(name)>`"), "configuration.md does not mention <\(name)>")
            // Alternatives (secret / secret-env / secret-file) cannot all appear at once.
            let alternatives = Set(rule.exclusive.flatMap(\.names))
            for attribute in rule.attributes {
                #expect(documentation.contains("`\(attribute.name)`"), "configuration.md does not mention \(name)/@\(attribute.name)")
                guard !alternatives.contains(attribute.name) else { continue }
                let present = used[name, default: []].contains { $0.attribute(attribute.name) != nil }
                #expect(present, "the example never sets <\(name) \(attribute.name)>")
            }
        }
    }
}
