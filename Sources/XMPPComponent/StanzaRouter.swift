import NIOCore
import XMPPCore

/// Answers one IQ get/set exactly once, now or later.
public struct IQResponder {
    public let request: XMLElement
    let reply: (XMLElement) -> Void

    public func result(_ payload: XMLElement? = nil) { reply(request.iqResult(payload: payload)) }
    public func error(_ error: StanzaError) { reply(request.errorReply(error)) }
}

/// Routes inbound stanzas: IQ requests by payload namespace, IQ responses to pending requests,
/// messages and presence to their handlers. Lives on the component's event loop.
public final class StanzaRouter {
    public typealias IQHandler = (XMLElement, IQResponder) -> Void
    public typealias StanzaHandler = (XMLElement) -> Void

    private var iqHandlers: [String: IQHandler] = [:]
    private var messageHandlers: [StanzaHandler] = []
    private var presenceHandlers: [StanzaHandler] = []
    private var pending: [String: (promise: EventLoopPromise<XMLElement>, timeout: Scheduled<Void>)] = [:]

    public init() {}

    /// Registers the handler for IQ get/set whose payload is in `namespace` (one handler per namespace).
    public func registerIQ(namespace: String, _ handler: @escaping IQHandler) {
        iqHandlers[namespace] = handler
    }

    public func onMessage(_ handler: @escaping StanzaHandler) { messageHandlers.append(handler) }
    public func onPresence(_ handler: @escaping StanzaHandler) { presenceHandlers.append(handler) }

    /// Remembers an outgoing IQ request so its answer (or the timeout) completes `promise`.
    func track(id: String, promise: EventLoopPromise<XMLElement>, timeout: TimeAmount, on loop: EventLoop) {
        // Held until the answer cancels the task or the timeout fires; both happen on `loop`.
        let bound = NIOLoopBound(self, eventLoop: loop)
        let scheduled = loop.scheduleTask(in: timeout) {
            guard let entry = bound.value.pending.removeValue(forKey: id) else { return }
            entry.promise.fail(StanzaError.remoteServerTimeout)
        }
        pending[id] = (promise, scheduled)
    }

    /// Fails every request in flight (the link went down: their answers will never come).
    func failPending(_ error: StanzaError) {
        let entries = pending
        pending.removeAll()
        for entry in entries.values {
            entry.timeout.cancel()
            entry.promise.fail(error)
        }
    }

    /// What the router decided for one inbound stanza.
    enum Outcome: Equatable {
        case handled
        /// Reply with this (error) stanza.
        case reply(XMLElement)
        case ignored(reason: String)
    }

    func route(_ stanza: XMLElement, reply: @escaping (XMLElement) -> Void) -> Outcome {
        guard stanza.namespace == Namespace.component else {
            return .ignored(reason: "element <\(stanza.name)> in namespace '\(stanza.namespace)' is not a stanza")
        }
        // RFC 6120 section 8.1.1: 'to' and 'from' must be valid JIDs; we route by them.
        for attribute in ["to", "from"] {
            if let value = stanza[attribute: attribute], (try? JID(value)) == nil {
                return isErrorStanza(stanza)
                    ? .ignored(reason: "malformed '\(attribute)' on an error stanza")
                    : .reply(stanza.errorReply(StanzaError(.modify, "jid-malformed", text: "invalid '\(attribute)': \(value)")))
            }
        }
        if stanza[attribute: "from"] == nil || stanza[attribute: "to"] == nil {
            return isErrorStanza(stanza)
                ? .ignored(reason: "error stanza without from/to")
                : .ignored(reason: "<\(stanza.name)> without from or to")
        }
        switch stanza.name {
        case "iq": return routeIQ(stanza, reply: reply)
        case "message":
            for handler in messageHandlers { handler(stanza) }
            return .handled
        case "presence":
            for handler in presenceHandlers { handler(stanza) }
            return .handled
        default:
            return .ignored(reason: "unknown stanza <\(stanza.name)>")
        }
    }

    private func isErrorStanza(_ stanza: XMLElement) -> Bool { stanza.type == "error" }

    private func routeIQ(_ iq: XMLElement, reply: @escaping (XMLElement) -> Void) -> Outcome {
        guard let id = iq.id, !id.isEmpty else {
            return .reply(iq.errorReply(.badRequest("IQ without id")))
        }
        switch iq.type {
        case "result", "error":
            guard let entry = pending.removeValue(forKey: id) else {
                return .ignored(reason: "IQ \(iq.type!) with unknown id '\(id)'")
            }
            entry.timeout.cancel()
            if iq.type == "result" {
                entry.promise.succeed(iq)
            } else {
                entry.promise.fail(StanzaError(stanza: iq) ?? StanzaError(.cancel, "undefined-condition"))
            }
            return .handled
        case "get", "set":
            // RFC 6120 section 8.2.3: a get or set carries exactly one payload element.
            let payloads = iq.elements
            guard payloads.count == 1, let payload = payloads.first else {
                return .reply(iq.errorReply(.badRequest("IQ \(iq.type!) must carry exactly one payload element")))
            }
            guard let handler = iqHandlers[payload.namespace] else {
                return .reply(iq.errorReply(.serviceUnavailable))
            }
            var answered = false
            handler(iq, IQResponder(request: iq) { response in
                guard !answered else { return }
                answered = true
                reply(response)
            })
            return .handled
        default:
            return .reply(iq.errorReply(.badRequest("IQ type '\(iq.type ?? "")' is not get, set, result or error")))
        }
    }
}
