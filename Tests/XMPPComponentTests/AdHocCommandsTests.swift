import Testing

@testable import XMPPComponent
@testable import XMPPCore

@Suite struct AdHocCommandsTests {
    let domain = try! JID("sip.localhost")
    let admin = "admin@localhost/pc"

    func command(_ node: String, action: String? = nil, sessionID: String? = nil, form: DataForm? = nil, from: String? = nil)
        -> XMLElement
    {
        var element = XMLElement(
            "command", namespace: Namespace.commands, ["node": node, "action": action, "sessionid": sessionID])
        if let form { element.append(form.element) }
        return XMLElement(
            "iq", namespace: Namespace.component, ["type": "set", "id": "c1", "from": from ?? admin, "to": "sip.localhost"],
            elements: [element])
    }

    /// The router only holds the services weakly; the test keeps them alive like the bridge does.
    func make() -> (StanzaRouter, (GatewayService, AdHocCommands)) {
        let router = StanzaRouter()
        let policy = GatewayPolicy(
            name: "t", version: "1", isAllowed: { _ in true }, isAdmin: { $0.description == "admin@localhost" })
        let gateway = GatewayService(domain: domain, policy: policy)
        gateway.install(on: router)
        let commands = AdHocCommands(domain: domain)
        commands.install(on: router, gateway: gateway)
        // A two-stage command: asks for a number, then echoes it doubled.
        commands.register(
            .init(node: "double", name: "Double", isAvailable: { $0.description == "admin@localhost" }) { request, respond in
                if let value = request.form?["n"]?.values.first, let n = Int(value) {
                    respond(.completed(DataForm(type: .result, fields: [.init("result", values: [String(n * 2)])])))
                } else {
                    respond(.form(DataForm(type: .form, fields: [.init("n", type: "text-single")]), actions: [.complete], state: ["asked": "1"]))
                }
            })
        return (router, (gateway, commands))
    }

    func route(_ router: StanzaRouter, _ iq: XMLElement) -> XMLElement? {
        var reply: XMLElement?
        switch router.route(iq, reply: { reply = $0 }) {
        case .reply(let r): return r
        default: return reply
        }
    }

    @Test func multiStageSessionCompletes() throws {
        let (router, services) = make()
        defer { withExtendedLifetime(services) {} }
        let first = try #require(route(router, command("double")))
        let commandElement = try #require(first.firstChild("command", namespace: Namespace.commands))
        #expect(commandElement[attribute: "status"] == "executing")
        let session = try #require(commandElement[attribute: "sessionid"])
        let form = DataForm(type: .submit, fields: [.init("n", values: ["21"])])
        let second = try #require(route(router, command("double", action: "complete", sessionID: session, form: form)))
        let done = try #require(second.firstChild("command", namespace: Namespace.commands))
        #expect(done[attribute: "status"] == "completed")
        #expect(DataForm(element: try #require(done.firstChild("x", namespace: Namespace.dataForms)))?["result"]?.values == ["42"])
        // The session is gone once completed.
        let again = try #require(route(router, command("double", action: "complete", sessionID: session, form: form)))
        #expect(StanzaError(stanza: again)?.applicationCondition?.name == "bad-sessionid")
    }

    @Test func cancelEndsTheSession() throws {
        let (router, services) = make()
        defer { withExtendedLifetime(services) {} }
        let first = try #require(route(router, command("double")))
        let session = try #require(first.firstChild("command", namespace: Namespace.commands)?[attribute: "sessionid"])
        let canceled = try #require(route(router, command("double", action: "cancel", sessionID: session)))
        #expect(canceled.firstChild("command", namespace: Namespace.commands)?[attribute: "status"] == "canceled")
    }

    @Test func othersAreForbiddenAndSeeNothing() throws {
        let (router, services) = make()
        defer { withExtendedLifetime(services) {} }
        let refused = try #require(route(router, command("double", from: "alice@localhost/x")))
        #expect(StanzaError(stanza: refused)?.condition == "forbidden")
        let items = XMLElement(
            "iq", namespace: Namespace.component, ["type": "get", "id": "i", "from": "alice@localhost/x", "to": "sip.localhost"],
            elements: [XMLElement("query", namespace: Namespace.discoItems, ["node": Namespace.commands])])
        let listing = try #require(route(router, items))
        #expect(listing.type == "result")
        #expect(listing.firstChild("query", namespace: Namespace.discoItems)?.elements.isEmpty == true)
    }

    @Test func sessionOfAnotherUserIsRefused() throws {
        let (router, services) = make()
        defer { withExtendedLifetime(services) {} }
        let first = try #require(route(router, command("double")))
        let session = try #require(first.firstChild("command", namespace: Namespace.commands)?[attribute: "sessionid"])
        let other = try #require(route(router, command("double", action: "complete", sessionID: session, from: "admin@localhost/other")))
        // Same bare JID may continue from another resource.
        #expect(other.type == "result")
        let unknown = try #require(route(router, command("nope")))
        #expect(StanzaError(stanza: unknown)?.condition == "item-not-found")
    }
}
