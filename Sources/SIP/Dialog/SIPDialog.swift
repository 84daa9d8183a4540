/// The state of one dialog (RFC 3261 12): its ID, both parties' addresses, the two CSeq
/// counters, the remote target and the route set. A value type with no I/O and no clock: the
/// call sessions create it from the messages that establish it, ask it to build requests
/// (`SIPDialog+Requests.swift`) and feed it the requests the peer sends.
public struct SIPDialog: Hashable, Sendable {
    /// Which side of the dialog-creating request we were.
    public enum Role: Hashable, Sendable {
        /// We sent the INVITE (RFC 3261 12.1.2).
        case uac
        /// We received it (12.1.1).
        case uas
    }

    /// Early (created by a provisional response) or confirmed (by a 2xx).
    public enum State: Hashable, Sendable {
        /// Created by a 1xx with a To tag.
        case early
        /// Created or confirmed by a 2xx.
        case confirmed
    }

    /// The outcome of `checkRequest(_:)`.
    public enum RequestCheck: Hashable, Sendable {
        /// In order: process it.
        case accepted
        /// Its CSeq is lower than the last one the peer used: answer 500 (RFC 3261 12.2.2).
        case outOfOrder(lastRemoteSequence: UInt32)
    }

    /// Call-ID and tags.
    public var id: SIPDialogID
    /// Our side of the INVITE.
    public let role: Role
    /// Early or confirmed.
    public var state: State
    /// Our address with our tag: From of the UAC's requests, To of the UAS's (12.1.1, 12.1.2).
    public var localAddress: SIPNameAddress
    /// The peer's address with its tag.
    public var remoteAddress: SIPNameAddress
    /// The CSeq of the last request we sent in the dialog; nil for a UAS that has sent none.
    public var localSequence: UInt32?
    /// The CSeq of the last request the peer sent; nil for a UAC that has received none.
    public var remoteSequence: UInt32?
    /// The peer's Contact: where requests in the dialog go when there is no route set.
    public var remoteTarget: SIPAnyURI
    /// The Record-Route of the dialog-creating message, in the order requests traverse it.
    public var routeSet: [SIPNameAddress]
    /// True when the INVITE was sent to a SIPS URI (RFC 3261 12.1.1; TLS is not built yet).
    public var isSecure: Bool

    /// Creates the UAC's dialog from the INVITE we sent and a 1xx (early) or 2xx (confirmed)
    /// response carrying a To tag (RFC 3261 12.1.2): route set from Record-Route reversed,
    /// remote target from Contact, local CSeq from the INVITE, remote CSeq empty.
    ///
    /// Throws when the response cannot establish a dialog: a provisional response without a To
    /// tag (a 2xx without one, from an RFC 2543 peer, gets the empty tag), no Contact, or
    /// unreadable From, To, Call-ID, CSeq, Contact or Record-Route.
    public init(uacRequest request: SIPMessage, response: SIPMessage) throws {
        guard let status = response.statusCode, (101...299).contains(status) else {
            throw Self.error(.malformedStartLine, nil, "only a 101-299 response creates a dialog")
        }
        let from = try Self.required(try request.from, "From")
        let to = try Self.required(try response.to, "To")
        let callID = try Self.required(try request.callID, "Call-ID")
        let cseq = try Self.required(try request.cseq, "CSeq")
        guard let localTag = from.tag else {
            throw Self.error(.malformedHeader, "From", "our request has no From tag (RFC 3261 8.1.1.3)")
        }
        if to.tag == nil && status < 200 {
            throw Self.error(
                .malformedHeader, "To", "a provisional response without a To tag creates no dialog (RFC 3261 12.1.2)")
        }
        self.id = SIPDialogID(callID: callID, localTag: localTag, remoteTag: to.tag ?? "")
        self.role = .uac
        self.state = status >= 200 ? .confirmed : .early
        self.localAddress = from
        self.remoteAddress = to
        self.localSequence = cseq.sequence
        self.remoteSequence = nil
        self.remoteTarget = try Self.contact(of: response)
        // 12.1.2: the route set is the Record-Route list in reverse order.
        self.routeSet = try response.recordRoutes.reversed()
        self.isSecure = request.requestURI?.sipURI?.scheme == .sips
    }

    /// Creates the UAS's dialog from a received INVITE and the tag we put in our To (RFC 3261
    /// 12.1.1): route set from Record-Route in order, remote target from Contact, remote CSeq
    /// from the request, local CSeq empty.
    ///
    /// Throws when the request lacks Contact or has unreadable From, To, Call-ID, CSeq, Contact
    /// or Record-Route. A From without tag (RFC 2543) gives the empty remote tag.
    public init(uasRequest request: SIPMessage, localTag: String, state: State = .early) throws {
        let from = try Self.required(try request.from, "From")
        var to = try Self.required(try request.to, "To")
        let callID = try Self.required(try request.callID, "Call-ID")
        let cseq = try Self.required(try request.cseq, "CSeq")
        to.tag = localTag
        self.id = SIPDialogID(callID: callID, localTag: localTag, remoteTag: from.tag ?? "")
        self.role = .uas
        self.state = state
        self.localAddress = to
        self.remoteAddress = from
        self.localSequence = nil
        self.remoteSequence = cseq.sequence
        self.remoteTarget = try Self.contact(of: request)
        // 12.1.1: the route set is the Record-Route list in order.
        self.routeSet = try request.recordRoutes
        self.isSecure = request.requestURI?.sipURI?.scheme == .sips
    }

    /// True when a request the peer sent belongs to this dialog: Call-ID, To tag (ours) and
    /// From tag (theirs) match (RFC 3261 12.2.2).
    public func contains(request: SIPMessage) -> Bool {
        SIPDialogID(receivedRequest: request) == id
    }

    /// True when a response to one of our requests belongs to this dialog.
    public func contains(response: SIPMessage) -> Bool {
        SIPDialogID(receivedResponse: response) == id
    }

    /// Checks the CSeq of a request the peer sent in this dialog and records it (RFC 3261
    /// 12.2.2): a number lower than the last one is out of order; ACK and CANCEL carry the
    /// number of the request they belong to and are not counted.
    public mutating func checkRequest(_ request: SIPMessage) -> RequestCheck {
        guard let method = request.method, method != .ack, method != .cancel,
            let cseq = (try? request.cseq) ?? nil
        else { return .accepted }
        if let last = remoteSequence, cseq.sequence < last {
            return .outOfOrder(lastRemoteSequence: last)
        }
        remoteSequence = cseq.sequence
        return .accepted
    }

    /// Replaces the remote target with the Contact of a target refresh request (re-INVITE,
    /// UPDATE) or of a 2xx to one (RFC 3261 12.2.1.2, 12.2.2; RFC 3311 5.1). A message without a
    /// usable SIP Contact leaves the target unchanged; returns whether it changed.
    @discardableResult
    public mutating func refreshRemoteTarget(from message: SIPMessage) -> Bool {
        guard let contact = ((try? message.contacts) ?? nil)?.addresses.first else { return false }
        guard contact.uri != remoteTarget else { return false }
        remoteTarget = contact.uri
        return true
    }

    // MARK: - Helpers

    static func contact(of message: SIPMessage) throws -> SIPAnyURI {
        guard let contact = try message.contacts?.addresses.first else {
            throw error(.missingHeader, "Contact", "no Contact to use as the remote target (RFC 3261 12.1.1, 12.1.2)")
        }
        return contact.uri
    }

    static func required<T>(_ value: T?, _ header: String) throws -> T {
        guard let value else { throw error(.missingHeader, header, "missing \(header) header") }
        return value
    }

    static func error(_ code: SIPParseError.Code, _ header: String?, _ reason: String) -> SIPParseError {
        SIPParseError(code: code, header: header, reason: "dialog: \(reason)", position: 0)
    }
}
