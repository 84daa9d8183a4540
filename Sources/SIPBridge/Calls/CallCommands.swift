import Jingle
import Media
import NIOCore
import XMPPComponent
import XMPPCore

/// The XEP-0050 commands about calls: "Active calls" for admins (list, details, hang up) and "My calls"
/// for every allowed user (their own live and recent calls with media statistics).
///
/// Statistics come fresh from each call's media loop; one page holds at most `pageSize` calls so no
/// result stanza outgrows the server's component stanza limit.
final class CallCommands {
    static let pageSize = 25

    let calls: CallManager
    let isAdmin: (JID) -> Bool
    let isAllowed: (JID) -> Bool

    init(calls: CallManager, isAdmin: @escaping (JID) -> Bool, isAllowed: @escaping (JID) -> Bool) {
        self.calls = calls
        self.isAdmin = isAdmin
        self.isAllowed = isAllowed
    }

    func register(in commands: AdHocCommands) {
        commands.register(
            AdHocCommands.Command(node: "calls", name: "Active calls", isAvailable: { [weak self] in self?.isAdmin($0) ?? false }) {
                [weak self] request, respond in
                guard let self else { return respond(.error(.serviceUnavailable)) }
                self.activeCalls(request, respond: respond)
            })
        commands.register(
            AdHocCommands.Command(
                node: "my-calls", name: "My calls",
                isAvailable: { [weak self] in (self?.isAllowed($0) ?? false) || (self?.isAdmin($0) ?? false) }
            ) { [weak self] request, respond in
                guard let self else { return respond(.error(.serviceUnavailable)) }
                self.myCalls(request, respond: respond)
            })
    }

    // MARK: Active calls

    private func activeCalls(_ request: AdHocCommands.Request, respond: @escaping (AdHocCommands.Response) -> Void) {
        if let form = request.form, request.action != .prev {
            if request.action == .next, form["call"]?.values.first == nil {
                return page(offset: Int(request.state["offset"] ?? "0").map { $0 + Self.pageSize } ?? 0, respond)
            }
            return act(on: form, respond: respond)
        }
        let offset = request.action == .prev ? max(0, (Int(request.state["offset"] ?? "0") ?? 0) - Self.pageSize) : 0
        page(offset: offset, respond)
    }

    private func page(offset: Int, _ respond: @escaping (AdHocCommands.Response) -> Void) {
        let live = calls.calls.values.sorted { $0.startedAt < $1.startedAt }
        let shown = Array(live.dropFirst(offset).prefix(Self.pageSize))
        refresh(shown) { [weak self] in
            guard let self else { return }
            guard !live.isEmpty else {
                return respond(.completed(DataForm(type: .result, title: "Active calls", instructions: ["No active calls."])))
            }
            var fields: [DataForm.Field] = [
                .init("count", label: "Active calls", value: String(live.count)),
                .init(
                    "call", type: "list-single", label: "Call",
                    options: shown.map { (label: self.summary($0), value: $0.sid) }),
                .init(
                    "action", type: "list-single", label: "Action", values: ["details"],
                    options: [(label: "Show statistics", value: "details"), (label: "Hang up", value: "hangup")]),
            ]
            fields.append(
                .init(
                    "calls", type: "text-multi", label: "Calls \(offset + 1)-\(offset + shown.count) of \(live.count)",
                    values: shown.map(self.summary)))
            var actions: [AdHocCommands.Action] = [.complete]
            if offset + shown.count < live.count { actions.append(.next) }
            if offset > 0 { actions.append(.prev) }
            let form = DataForm(
                type: .form, title: "Active calls", instructions: ["Pick a call to see its statistics or hang it up."],
                fields: fields)
            respond(.form(form, actions: actions, state: ["offset": String(offset)]))
        }
    }

    private func act(on form: DataForm, respond: @escaping (AdHocCommands.Response) -> Void) {
        guard let sid = form["call"]?.values.first, let call = calls.calls[sid] else {
            return respond(.completed(nil, note: "That call has ended."))
        }
        if form["action"]?.values.first == "hangup" {
            calls.terminate(call, reason: JingleReason(.decline, text: "hung up by the bridge administrator"))
            return respond(.completed(nil, note: "Call \(sid) hung up."))
        }
        refresh([call]) { [weak self] in
            guard let self else { return }
            respond(.completed(self.details(call)))
        }
    }

    // MARK: My calls

    private func myCalls(_ request: AdHocCommands.Request, respond: @escaping (AdHocCommands.Response) -> Void) {
        let user = request.requester.bare
        let live = calls.calls.values.filter { $0.caller.bare == user }.sorted { $0.startedAt < $1.startedAt }
        let shown = Array(live.prefix(Self.pageSize))
        let loop = calls.component.eventLoop
        let respondBox = NIOLoopBound(respond, eventLoop: loop)
        refresh(shown) { [weak self] in
            guard let self else { return }
            var fields: [DataForm.Field] = [
                .init("active", type: "text-multi", label: "Active calls", values: shown.map(self.summary))
            ]
            for call in shown { fields += self.details(call).fields.filter { $0.variable?.hasPrefix("leg") ?? false } }
            let form = fields
            // Finished calls come from the store (they survive restarts), read off the event loop.
            guard let store = self.calls.store else {
                return respond(.completed(DataForm(type: .result, title: "My calls", fields: form)))
            }
            store.recentCalls(user: user.description, limit: 10) { result in
                loop.execute {
                    let recent = (try? result.get())?.map(\.summary) ?? ["(the call history cannot be read)"]
                    respondBox.value(
                        .completed(
                            DataForm(
                                type: .result, title: "My calls",
                                fields: form + [.init("recent", type: "text-multi", label: "Recent calls", values: recent)])))
                }
            }
        }
    }

    // MARK: Formatting

    /// Pulls fresh statistics from each call's media loop, then continues on the component loop.
    private func refresh(_ list: [Call], then body: @escaping () -> Void) {
        let loop = calls.component.eventLoop
        let futures = list.compactMap { call -> EventLoopFuture<Void>? in
            guard let media = call.media else { return nil }
            let box = NIOLoopBound(call, eventLoop: loop)
            return media.submit { $0.statistics() }.hop(to: loop).map { box.value.statistics = $0 }
        }
        EventLoopFuture.whenAllComplete(futures, on: loop).assumeIsolated().whenComplete { _ in body() }
    }

    func summary(_ call: Call) -> String {
        let now = calls.component.eventLoop.now
        let seconds = ((call.endedAt ?? now) - call.startedAt).nanoseconds / 1_000_000_000
        let jingle = call.statistics.first { $0.leg == .jingle }
        let packets = jingle.map { " rx \($0.packetsReceived) tx \($0.packetsSent)" } ?? ""
        let reason = call.endReason.map { " \(CallManager.describe($0))" } ?? ""
        let codecs = (call.codec ?? "-") + (call.sipCodec.map { "/\($0)" } ?? "") + (call.transcoding ? " transcoded" : "")
        return "\(call.sid): \(call.caller) -> \(call.callee.bare) [\(call.farEnd)] \(call.state.rawValue) \(seconds)s "
            + "\(codecs)\(packets)\(reason)"
    }

    func details(_ call: Call) -> DataForm {
        var fields: [DataForm.Field] = [
            .init("sid", label: "Session", value: call.sid),
            .init("caller", label: "Caller", value: call.caller.description),
            .init("callee", label: "Callee", value: call.callee.description),
            .init("state", label: "State", value: call.state.rawValue),
            .init("codec", label: "Codec (Jingle leg)", value: call.codec ?? "-"),
            .init("sip-codec", label: "Codec (SIP leg)", value: call.sipCodec ?? "-"),
            .init("transcoding", type: "boolean", label: "Transcoding", values: [call.transcoding ? "true" : "false"]),
        ]
        for leg in call.statistics {
            let name = "leg-\(leg.leg)"
            fields.append(
                .init(
                    name, type: "text-multi", label: "\(leg.leg) leg",
                    values: [
                        "local \(leg.localAddress?.description ?? "-") remote \(leg.remoteAddress?.description ?? "-")",
                        "packets received \(leg.packetsReceived) sent \(leg.packetsSent)",
                        "bytes received \(leg.bytesReceived) sent \(leg.bytesSent)",
                        "rtcp received \(leg.rtcpReceived), dropped \(leg.dropped)"
                            + (leg.lastDropReason.map { " (last: \($0))" } ?? ""),
                        "srtp \(leg.srtpProfile?.description ?? "none")",
                        "ice \(leg.iceState.map { "\($0)" } ?? "-") pair \(leg.selectedPair ?? "-")",
                        "dtls \(leg.dtlsStatus.map { "\($0)" } ?? "-")",
                    ]))
        }
        return DataForm(type: .result, title: "Call \(call.sid)", fields: fields)
    }
}
