import NIOCore

/// Runs a `SIPRegistration` over a `SIPEndpoint`: sends its REGISTERs in client
/// transactions, its keepalives as raw datagrams, feeds it responses, timeouts and timer expiries
/// and reports status changes. Confined to the endpoint's event loop (call every method there);
/// it only carries out the state machine's actions.
///
/// The endpoint has one event callback, so its owner passes endpoint events to `handle(_:)`,
/// which consumes those that belong to this registration (same Call-ID).
public final class SIPRegistrationClient {
    /// The endpoint the REGISTERs go through.
    public let endpoint: SIPEndpoint
    /// Where REGISTERs and keepalives are sent (the registrar's resolved address).
    public let registrar: SocketAddress
    private var registration: SIPRegistration
    private var timer = SIPDeadlineTimer()
    private let onStatus: (SIPRegistrationStatus) -> Void

    /// Creates a client; nothing is sent before `start()`.
    public init(
        configuration: SIPRegistrationConfiguration, endpoint: SIPEndpoint, registrar: SocketAddress,
        onStatus: @escaping (SIPRegistrationStatus) -> Void = { _ in }
    ) {
        self.endpoint = endpoint
        self.registrar = registrar
        self.registration = SIPRegistration(configuration: configuration)
        self.onStatus = onStatus
    }

    /// The current status.
    public var status: SIPRegistrationStatus { registration.status }

    /// The Call-ID of this registration's REGISTERs.
    public var callID: String { registration.callID }

    /// Starts registering.
    public func start() {
        perform(registration.start(now: endpoint.eventLoop.now))
    }

    /// Unregisters (Expires: 0) and stops refreshing.
    public func stop() {
        perform(registration.stop(now: endpoint.eventLoop.now))
    }

    /// Offers an endpoint event; returns true when it belonged to this registration.
    @discardableResult
    public func handle(_ event: SIPEndpoint.Event) -> Bool {
        let now = endpoint.eventLoop.now
        switch event {
        case .response(let response):
            guard ((try? response.callID) ?? nil) == registration.callID else { return false }
            perform(registration.response(response, now: now))
            return true
        case .requestTimedOut(let request):
            guard request.method == .register, ((try? request.callID) ?? nil) == registration.callID else {
                return false
            }
            perform(registration.timedOut(now: now))
            return true
        case .request, .malformed:
            return false
        }
    }

    private func perform(_ actions: [SIPRegistration.Action]) {
        for action in actions {
            switch action {
            case .send(let request): endpoint.send(request: request, to: registrar)
            case .sendKeepalive: endpoint.sendKeepalive(to: registrar)
            case .statusChanged(let status): onStatus(status)
            }
        }
        armTimer()
    }

    private func armTimer() {
        let bound = NIOLoopBound(self, eventLoop: endpoint.eventLoop)
        timer.arm(registration.nextDeadline, on: endpoint.eventLoop) {
            let client = bound.value
            client.timer.fired()
            client.perform(client.registration.timerFired(now: client.endpoint.eventLoop.now))
        }
    }
}
