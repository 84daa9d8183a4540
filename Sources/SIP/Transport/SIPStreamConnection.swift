import NIOCore

/// One TCP or TLS connection's SIP logic, sans-IO: bytes and the time in; messages, bytes to
/// write back and the decision to close out. It frames messages by Content-Length
/// (`SIPMessageParser`, RFC 3261 18.3), answers CRLFCRLF keepalive pings with CRLF (RFC 5626
/// 4.4.1), answers a malformed request with 400 (and closes when the framing is lost, since the
/// next message cannot be found), and closes the connection once it has been idle for
/// `idleTimeout`.
public struct SIPStreamConnection {
    /// What the driver does after an input.
    public enum Action: Equatable {
        /// A complete, valid message for the transaction layer.
        case deliver(SIPMessage)
        /// Write these bytes on the connection (a pong, or a 400 for a malformed request).
        case write([UInt8])
        /// Something unusable arrived (already answered where possible): log it.
        case malformed(reason: String)
        /// Close the connection (after writing what came before).
        case close(reason: String)
    }

    /// How long a connection may carry nothing in either direction before it is closed.
    public let idleTimeout: TimeAmount
    private var parser: SIPMessageParser
    private var lastActivity: NIODeadline
    private var isClosed = false

    /// A connection opened (or accepted) at `now`.
    public init(idleTimeout: TimeAmount, limits: SIPLimits = .default, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.parser = SIPMessageParser(limits: limits)
        self.lastActivity = now
    }

    /// When `timerFired` must be called: the end of the idle time; nil once closed.
    public var nextDeadline: NIODeadline? { isClosed ? nil : lastActivity + idleTimeout }

    /// Bytes read from the connection.
    public mutating func received<Bytes: Collection<UInt8>>(_ bytes: Bytes, now: NIODeadline) -> [Action] {
        guard !isClosed else { return [] }
        lastActivity = now
        parser.append(bytes)
        var actions: [Action] = []
        while true {
            do {
                switch try parser.next() {
                case nil: return actions
                case .message(let message): actions.append(.deliver(message))
                case .ping: actions.append(.write([0x0D, 0x0A]))  // RFC 5626 4.4.1: the pong
                case .pong: break  // an answer to a ping of ours: activity is all it means
                }
            } catch let error as SIPParseError {
                actions.append(.malformed(reason: error.description))
                if let response = SIPMessage.makeErrorResponse(for: error) {
                    actions.append(.write(response.serialized))
                }
                if error.isFatal {
                    isClosed = true
                    actions.append(.close(reason: error.description))
                    return actions
                }
            } catch {
                isClosed = true
                return actions + [.close(reason: "\(error)")]
            }
        }
    }

    /// Bytes were written on the connection: it is not idle.
    public mutating func sent(now: NIODeadline) {
        lastActivity = max(lastActivity, now)
    }

    /// The idle timer fired: close when nothing happened for `idleTimeout`.
    public mutating func timerFired(now: NIODeadline) -> [Action] {
        guard !isClosed, now >= lastActivity + idleTimeout else { return [] }
        isClosed = true
        return [.close(reason: "idle for \(idleTimeout.nanoseconds / 1_000_000_000) s")]
    }
}
