/// What a call session reports to the application. Both session types use this one enum; each
/// case says which side produces it.
public enum SIPSessionEvent: Hashable, Sendable {
    /// UAC: a provisional response above 100 to our INVITE (180, 183 with early media SDP...).
    case provisional(status: Int, reason: String, body: [UInt8]?)
    /// UAC: a provisional response with a new To tag created an early dialog (RFC 3261 12.1.2).
    case earlyDialog(SIPDialogID)
    /// UAC: the call was answered; this is the 2xx (with the SDP answer). The ACK has been sent.
    case answered(SIPMessage)
    /// UAC: the INVITE failed with this final status (the response is nil after a timeout or
    /// transport failure). Also reported, by either side, when a request inside the dialog got
    /// 481 or 408, which ends the dialog (RFC 3261 12.2.1.2).
    case failed(status: Int, reason: String, response: SIPMessage?)
    /// UAC: our CANCEL took effect (or a 2xx crossed it and was hung up at once);
    /// UAS: the caller cancelled, answered 487.
    case cancelled
    /// UAS: the ACK for our 2xx to the INVITE or to a re-INVITE. When our 2xx carried the offer
    /// (an INVITE without SDP), its body is the answer (RFC 3261 13.2.1, 13.3.1.4).
    case acknowledged(SIPMessage)
    /// UAS: no ACK for our 2xx within 64*T1 (RFC 3261 13.3.1.4): the session sent BYE.
    case ackTimedOut
    /// Either: the peer sent BYE (answered 200) and the call is over.
    case remoteHangUp(SIPMessage)
    /// Either: the peer sent a re-INVITE or an UPDATE (with an offer, or a re-INVITE without
    /// one asking for ours). Answer it with `answer(reinvite:sdp:now:)` or
    /// `reject(reinvite:status:now:)`.
    case reinviteReceived(SIPMessage)
    /// Either: our re-INVITE was answered 2xx (ACK sent); the response carries the SDP answer.
    case reinviteAnswered(SIPMessage)
    /// Either: our re-INVITE was refused; the session goes on with the previous SDP. (491 is
    /// retried by the session and not reported.)
    case reinviteFailed(status: Int, reason: String)
    /// Either: the peer sent INFO (answered 200).
    case infoReceived(body: [UInt8], contentType: SIPMediaType?)
    /// Either: the final status of an INFO we sent.
    case infoAnswered(status: Int)
    /// Either: the session is over; no more events follow.
    case terminated
}
