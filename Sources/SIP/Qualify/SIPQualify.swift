import NIOCore

/// Reachability of a peer by OPTIONS (RFC 3261 11), sans-IO: an OPTIONS every `interval`; any
/// final response proves the peer is there (a 404 or 405 from a working peer counts), and its
/// delay is the round-trip time; a transaction timeout (Timer F, 64*T1) marks it unreachable.
public struct SIPQualify {
    /// What to do.
    public enum Action: Equatable {
        /// Send this OPTIONS in a new client transaction to the peer.
        case send(SIPMessage)
        case statusChanged(SIPQualifyStatus)
    }

    /// The OPTIONS Request-URI (the trunk's URI).
    public let target: SIPURI
    /// How often to ask.
    public let interval: TimeAmount
    /// Our Via, From and User-Agent.
    public let configuration: SIPSessionConfiguration
    /// The Call-ID of every OPTIONS of this qualifier (what the driver routes responses by).
    public let callID: String
    public private(set) var status: SIPQualifyStatus = .unknown
    public private(set) var nextDeadline: NIODeadline?
    private var sequence: UInt32 = 0
    private var sentAt: NIODeadline?

    public init(target: SIPURI, interval: TimeAmount, configuration: SIPSessionConfiguration) {
        self.target = target
        self.interval = interval
        self.configuration = configuration
        self.callID = DigestAlgorithm.randomHex(16)
    }

    /// Sends the first OPTIONS.
    public mutating func start(now: NIODeadline) -> [Action] { ask(now: now) }

    /// A response with our Call-ID.
    public mutating func response(_ response: SIPMessage, now: NIODeadline) -> [Action] {
        guard let status = response.statusCode, status >= 200, let sentAt,
            ((try? response.cseq) ?? nil)?.sequence == sequence
        else { return [] }
        self.sentAt = nil
        nextDeadline = now + interval
        return change(to: .reachable(roundTrip: now - sentAt, status: status))
    }

    /// Our OPTIONS got no final response.
    public mutating func timedOut(now: NIODeadline) -> [Action] {
        guard sentAt != nil else { return [] }
        sentAt = nil
        nextDeadline = now + interval
        return change(to: .unreachable(reason: "no answer to OPTIONS within \(configuration.timers.transactionTimeout.nanoseconds / 1_000_000_000) s"))
    }

    /// A deadline from `nextDeadline` passed.
    public mutating func timerFired(now: NIODeadline) -> [Action] {
        guard let deadline = nextDeadline, now >= deadline, sentAt == nil else { return [] }
        return ask(now: now)
    }

    private mutating func ask(now: NIODeadline) -> [Action] {
        sequence &+= 1
        sentAt = now
        nextDeadline = nil  // the transaction's answer or timeout comes first
        var headers = SIPHeaders()
        headers.add(.via, configuration.makeVia().description)
        headers.add(.maxForwards, "70")
        var from = SIPNameAddress(uri: configuration.contact)
        from.tag = SIPSessionConfiguration.makeTag()
        headers.add(.from, from.description)
        headers.add(.to, SIPNameAddress(uri: target).description)
        headers.add(.callID, callID)
        headers.add(.cseq, SIPCSeq(sequence: sequence, method: .options).description)
        headers.add(.contact, configuration.contactHeader)
        var request = SIPMessage(method: .options, uri: .sip(target), headers: headers)
        configuration.addCapabilities(to: &request)
        request.headers.add(.accept, "application/sdp")
        SIPSessionConfiguration.moveContentLengthLast(&request)
        return [.send(request)]
    }

    private mutating func change(to new: SIPQualifyStatus) -> [Action] {
        let changed = !status.isSameState(as: new)
        status = new
        return changed ? [.statusChanged(new)] : []
    }
}

/// Whether a qualified peer answers.
public enum SIPQualifyStatus: Equatable, Sendable, CustomStringConvertible {
    case unknown
    /// It answered (with `status`) after `roundTrip`.
    case reachable(roundTrip: TimeAmount, status: Int)
    case unreachable(reason: String)

    /// Same kind of state (a new round-trip time alone is no change worth reporting).
    func isSameState(as other: SIPQualifyStatus) -> Bool {
        switch (self, other) {
        case (.unknown, .unknown), (.reachable, .reachable), (.unreachable, .unreachable): true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unknown: "not qualified yet"
        case .reachable(let rtt, let status):
            "reachable (OPTIONS answered \(status) in \(rtt.nanoseconds / 1_000_000) ms)"
        case .unreachable(let reason): "unreachable: \(reason)"
        }
    }
}
