import NIOCore
import NIOEmbedded
import Testing

@testable import XMPPComponent
@testable import XMPPCore

@Suite struct StanzaRouterTests {
    func iq(_ type: String?, id: String? = "1", payload: [XMLElement] = [], to: String = "sip.localhost") -> XMLElement {
        XMLElement(
            "iq", namespace: Namespace.component, ["type": type, "id": id, "from": "alice@localhost/a", "to": to],
            elements: payload)
    }

    @Test func unknownNamespaceGetsServiceUnavailable() {
        let router = StanzaRouter()
        let outcome = router.route(iq("get", payload: [XMLElement("query", namespace: "urn:nope")])) { _ in }
        guard case .reply(let reply) = outcome else { Issue.record("no reply"); return }
        #expect(StanzaError(stanza: reply)?.condition == "service-unavailable")
        #expect(reply[attribute: "to"] == "alice@localhost/a")
    }

    @Test(arguments: [
        (nil as String?, "1" as String?, 1, "bad-request"),
        ("get", nil, 1, "bad-request"),
        ("get", "1", 0, "bad-request"),
        ("get", "1", 2, "bad-request"),
        ("bogus", "1", 1, "bad-request"),
    ])
    func malformedIQsGetBadRequest(type: String?, id: String?, payloads: Int, condition: String) {
        let router = StanzaRouter()
        router.registerIQ(namespace: Namespace.ping) { _, responder in responder.result() }
        let stanza = iq(type, id: id, payload: Array(repeating: XMLElement("ping", namespace: Namespace.ping), count: payloads))
        guard case .reply(let reply) = router.route(stanza, reply: { _ in }) else { Issue.record("no reply"); return }
        #expect(StanzaError(stanza: reply)?.condition == condition)
    }

    @Test func malformedJIDGetsJIDMalformed() {
        let router = StanzaRouter()
        guard case .reply(let reply) = router.route(iq("get", to: "a b@sip.localhost"), reply: { _ in }) else {
            Issue.record("no reply"); return
        }
        #expect(StanzaError(stanza: reply)?.condition == "jid-malformed")
    }

    @Test func handlerAnswersExactlyOnce() {
        let router = StanzaRouter()
        router.registerIQ(namespace: Namespace.ping) { _, responder in
            responder.result()
            responder.error(.internalServerError)
        }
        var replies: [XMLElement] = []
        #expect(router.route(iq("get", payload: [XMLElement("ping", namespace: Namespace.ping)])) { replies.append($0) } == .handled)
        #expect(replies.count == 1)
        #expect(replies.first?.type == "result")
    }

    @Test func pendingRequestsResolveAndTimeOut() throws {
        let loop = EmbeddedEventLoop()
        let router = StanzaRouter()
        let answered = loop.makePromise(of: XMLElement.self)
        router.track(id: "q1", promise: answered, timeout: .seconds(5), on: loop)
        let lost = loop.makePromise(of: XMLElement.self)
        router.track(id: "q2", promise: lost, timeout: .seconds(5), on: loop)
        let result = iq("result", id: "q1")
        #expect(router.route(result) { _ in } == .handled)
        #expect(try answered.futureResult.wait() == result)
        loop.advanceTime(by: .seconds(5))
        #expect(throws: StanzaError.remoteServerTimeout) { try lost.futureResult.wait() }
        if case .ignored = router.route(iq("result", id: "q2")) { _ in } {} else { Issue.record("late answer not ignored") }
    }
}
