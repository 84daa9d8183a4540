import NIOCore

/// Runs a `SIPQualify` over a `SIPUDPEndpoint` (like `SIPRegistrationClient`): OPTIONS in client
/// transactions, responses and timeouts routed back by Call-ID through `handle(_:)`, a timer for
/// the next round. Confined to the endpoint's event loop.
public final class SIPQualifyClient {
    public let endpoint: SIPUDPEndpoint
    /// Where the OPTIONS go.
    public let peer: SocketAddress
    private var qualify: SIPQualify
    private var timer = SIPDeadlineTimer()
    private let onStatus: (SIPQualifyStatus) -> Void

    public init(
        qualify: SIPQualify, endpoint: SIPUDPEndpoint, peer: SocketAddress,
        onStatus: @escaping (SIPQualifyStatus) -> Void = { _ in }
    ) {
        self.qualify = qualify
        self.endpoint = endpoint
        self.peer = peer
        self.onStatus = onStatus
    }

    /// The current status.
    public var status: SIPQualifyStatus { qualify.status }

    /// True once `stop()` was called: nothing is sent any more.
    public private(set) var isStopped = false

    public func start() { perform(qualify.start(now: endpoint.eventLoop.now)) }

    public func stop() {
        isStopped = true
        timer.cancel()
    }

    /// Offers an endpoint event; returns true when it belonged to this qualifier.
    @discardableResult
    public func handle(_ event: SIPUDPEndpoint.Event) -> Bool {
        let now = endpoint.eventLoop.now
        switch event {
        case .response(let response):
            guard ((try? response.callID) ?? nil) == qualify.callID else { return false }
            perform(qualify.response(response, now: now))
            return true
        case .requestTimedOut(let request):
            guard ((try? request.callID) ?? nil) == qualify.callID else { return false }
            perform(qualify.timedOut(now: now))
            return true
        case .request, .malformed:
            return false
        }
    }

    private func perform(_ actions: [SIPQualify.Action]) {
        guard !isStopped else { return }
        for action in actions {
            switch action {
            case .send(let request): endpoint.send(request: request, to: peer)
            case .statusChanged(let status): onStatus(status)
            }
        }
        let bound = NIOLoopBound(self, eventLoop: endpoint.eventLoop)
        timer.arm(qualify.nextDeadline, on: endpoint.eventLoop) {
            let client = bound.value
            client.timer.fired()
            client.perform(client.qualify.timerFired(now: client.endpoint.eventLoop.now))
        }
    }
}
