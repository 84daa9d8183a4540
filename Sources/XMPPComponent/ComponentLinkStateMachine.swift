import NIOCore
import XMPPCore

/// The XEP-0114 link's lifecycle, sans-IO: events and the current time in, actions out.
///
/// connect -> stream header -> handshake -> online, with keepalive pings while online and
/// reconnection with capped exponential backoff and jitter after any loss, forever, until stopped.
public struct ComponentLinkStateMachine {
    public struct Settings: Sendable, Equatable {
        public var domain: String
        public var secret: String
        public var reconnectMin: TimeAmount
        public var reconnectMax: TimeAmount
        public var pingInterval: TimeAmount
        public var pingTimeout: TimeAmount

        public init(
            domain: String, secret: String, reconnectMin: TimeAmount = .seconds(1),
            reconnectMax: TimeAmount = .seconds(30), pingInterval: TimeAmount = .seconds(30),
            pingTimeout: TimeAmount = .seconds(10)
        ) {
            self.domain = domain
            self.secret = secret
            self.reconnectMin = reconnectMin
            self.reconnectMax = reconnectMax
            self.pingInterval = pingInterval
            self.pingTimeout = pingTimeout
        }
    }

    public enum State: Equatable {
        case idle
        case connecting
        case awaitingStreamHeader(since: NIODeadline)
        case awaitingHandshake(since: NIODeadline)
        case online(Online)
        case waitingToReconnect(until: NIODeadline)
        case stopped
    }

    public struct Online: Equatable {
        public var since: NIODeadline
        /// When the next keepalive ping is due.
        public var nextPing: NIODeadline
        /// Keepalive ping awaiting its answer, and when it was sent.
        public var pendingPing: (id: String, sent: NIODeadline)?

        public static func == (lhs: Online, rhs: Online) -> Bool {
            lhs.since == rhs.since && lhs.nextPing == rhs.nextPing && lhs.pendingPing?.id == rhs.pendingPing?.id
        }
    }

    public enum Action: Equatable {
        case connect
        case send(String)
        /// The handshake succeeded: handlers may now send stanzas and restore presence.
        case becameOnline
        /// A stanza for the router.
        case deliver(XMLElement)
        /// Write an RFC 6120 stream error (if any), then close the connection.
        case close(streamError: String?, reason: String)
        case log(level: LogLevel, message: String)
    }

    public enum LogLevel: Equatable { case info, warning, error }

    public private(set) var state: State = .idle
    public let settings: Settings
    /// Consecutive failed attempts since the link was last online.
    public private(set) var failedAttempts = 0
    /// Times the link came back online after having been online before.
    public private(set) var reconnects = 0
    private var everOnline = false
    private var pingCounter = 0
    private var random: () -> Double

    /// `random` returns a value in [0, 1) for backoff jitter; tests inject a fixed one.
    public init(settings: Settings, random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.settings = settings
        self.random = random
    }

    public var isOnline: Bool { if case .online = state { true } else { false } }

    /// When `timerFired` must next be called; the driver keeps exactly one timer armed for it.
    public var nextDeadline: NIODeadline? {
        switch state {
        case .waitingToReconnect(let until): until
        case .awaitingStreamHeader(let since), .awaitingHandshake(let since): since + settings.pingTimeout
        case .online(let online): online.pendingPing.map { $0.sent + settings.pingTimeout } ?? online.nextPing
        case .idle, .connecting, .stopped: nil
        }
    }

    public mutating func start() -> [Action] {
        guard case .idle = state else { return [] }
        state = .connecting
        return [.connect]
    }

    public mutating func stop() -> [Action] {
        let wasConnected: Bool
        switch state {
        case .awaitingStreamHeader, .awaitingHandshake, .online: wasConnected = true
        default: wasConnected = false
        }
        state = .stopped
        return wasConnected ? [.send("</stream:stream>"), .close(streamError: nil, reason: "shutting down")] : []
    }

    public mutating func connected(now: NIODeadline) -> [Action] {
        guard case .connecting = state else { return [] }
        state = .awaitingStreamHeader(since: now)
        let header =
            "<?xml version='1.0'?><stream:stream xmlns='\(Namespace.component)' "
            + "xmlns:stream='\(Namespace.streams)' to='\(settings.domain)'>"
        return [.send(header)]
    }

    public mutating func connectFailed(now: NIODeadline, reason: String) -> [Action] {
        guard case .connecting = state else { return [] }
        return backOff(now: now, reason: "cannot connect: \(reason)")
    }

    /// The connection closed (by either side, or failed).
    public mutating func disconnected(now: NIODeadline, reason: String) -> [Action] {
        switch state {
        case .stopped, .idle, .waitingToReconnect: return []
        default: return backOff(now: now, reason: reason)
        }
    }

    public mutating func received(_ event: XMLStreamEvent, now: NIODeadline) -> [Action] {
        switch (state, event) {
        case (.awaitingStreamHeader, .streamOpen(let header)):
            guard let streamID = header[attribute: "id"], !streamID.isEmpty else {
                return [.close(streamError: "invalid-xml", reason: "server stream header has no id")]
            }
            state = .awaitingHandshake(since: now)
            // XEP-0114 section 3: lower-case hex SHA-1 of the stream id concatenated with the secret.
            let digest = SHA1.hexDigest(streamID + settings.secret)
            return [.send("<handshake>\(digest)</handshake>")]
        case (.awaitingHandshake, .stanza(let element)) where element.name == "handshake":
            let wasOnlineBefore = everOnline
            state = .online(Online(since: now, nextPing: now + settings.pingInterval))
            everOnline = true
            failedAttempts = 0
            if wasOnlineBefore { reconnects += 1 }
            return [
                .log(level: .info, message: "component \(settings.domain) online"),
                .becameOnline,
            ]
        case (_, .stanza(let element)) where element.name == "error" && element.namespace == Namespace.streams:
            let condition = element.elements.first { $0.namespace == Namespace.streamErrors && $0.name != "text" }?.name
            let text = element.firstChild("text", namespace: Namespace.streamErrors)?.text
            let explanation: String =
                switch condition {
                case "not-authorized": "the server refused the component secret (not-authorized)"
                case "conflict": "another component is already connected for \(settings.domain) (conflict)"
                case "host-unknown": "the server has no component configured for \(settings.domain) (host-unknown)"
                default: "stream error \(condition ?? "unknown")"
                }
            return [
                .log(level: .error, message: explanation + (text.map { ": \($0)" } ?? "")),
                .close(streamError: nil, reason: explanation),
            ]
        case (.online(var online), .stanza(let element)):
            if let pending = online.pendingPing, element.name == "iq", element.id == pending.id,
                element.type == "result" || element.type == "error"
            {
                // Any answer, even an error, proves the server is alive.
                online.pendingPing = nil
                state = .online(online)
                return []
            }
            return [.deliver(element)]
        case (_, .streamClose):
            return [.send("</stream:stream>"), .close(streamError: nil, reason: "server closed the stream")]
        case (.awaitingHandshake, .stanza(let element)):
            return [.close(streamError: "not-authorized", reason: "unexpected <\(element.name)> before handshake")]
        default:
            return []
        }
    }

    public mutating func parseFailed(_ error: XMLStreamError) -> [Action] {
        [
            .log(level: .warning, message: "malformed XML from server: \(error)"),
            .close(streamError: error.streamCondition, reason: "malformed XML: \(error)"),
        ]
    }

    /// The earliest timer the driver scheduled has fired; decide what is due.
    public mutating func timerFired(now: NIODeadline) -> [Action] {
        switch state {
        case .waitingToReconnect(let until) where now >= until:
            state = .connecting
            return [.connect]
        case .awaitingStreamHeader(let since), .awaitingHandshake(let since):
            if now - since >= settings.pingTimeout {
                return [.close(streamError: "connection-timeout", reason: "no handshake from server within \(Self.seconds(settings.pingTimeout))")]
            }
            return []
        case .online(var online):
            if let pending = online.pendingPing {
                guard now - pending.sent >= settings.pingTimeout else { return [] }
                return [
                    .log(level: .warning, message: "keepalive ping unanswered for \(Self.seconds(settings.pingTimeout)); reconnecting"),
                    .close(streamError: "connection-timeout", reason: "keepalive timeout"),
                ]
            }
            guard now >= online.nextPing else { return [] }
            pingCounter += 1
            let id = "keepalive-\(pingCounter)"
            online.pendingPing = (id, now)
            online.nextPing = now + settings.pingInterval
            state = .online(online)
            // Pinging our own domain makes the server route the ping to us and our answer back:
            // a round trip through the server that needs no knowledge of its host name.
            let ping =
                "<iq type='get' id='\(id)' from='\(settings.domain)' to='\(settings.domain)'>"
                + "<ping xmlns='\(Namespace.ping)'/></iq>"
            return [.send(ping)]
        default:
            return []
        }
    }

    /// Capped exponential backoff with jitter: the nth failure waits min * 2^(n-1), at most max,
    /// then a random half of it is shaved off so that many bridges do not reconnect in step.
    private mutating func backOff(now: NIODeadline, reason: String) -> [Action] {
        failedAttempts += 1
        let base = Double(settings.reconnectMin.nanoseconds) * pow2(failedAttempts - 1)
        let capped = min(base, Double(settings.reconnectMax.nanoseconds))
        let delay = TimeAmount.nanoseconds(Int64(capped * (0.5 + 0.5 * random())))
        let until = now + delay
        state = .waitingToReconnect(until: until)
        return [.log(level: .warning, message: "XMPP link down (\(reason)); reconnecting in \(Self.seconds(delay))")]
    }

    private func pow2(_ exponent: Int) -> Double {
        exponent >= 62 ? Double(Int64.max) : Double(Int64(1) << Int64(exponent))
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1e9
        return value == value.rounded() ? "\(Int(value)) s" : "\((value * 1000).rounded() / 1000) s"
    }
}
