/// What identifies a dialog (RFC 3261 12): the Call-ID and the two tags, seen from our side.
///
/// In a request we receive, the local tag is the To tag and the remote tag the From tag; in a
/// response to a request we sent, the local tag is the From tag and the remote tag the To tag.
public struct SIPDialogID: Hashable, Sendable, CustomStringConvertible {
    /// The Call-ID.
    public var callID: String
    /// Our tag.
    public var localTag: String
    /// The peer's tag ("" for an RFC 2543 peer that sent none).
    public var remoteTag: String

    /// Creates a dialog ID.
    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    /// The ID of the dialog a received request belongs to (To tag local, From tag remote); nil
    /// when Call-ID or the To tag is missing or a header does not parse.
    public init?(receivedRequest request: SIPMessage) {
        guard let callID = (try? request.callID) ?? nil, let to = (try? request.to) ?? nil, let local = to.tag,
            let from = (try? request.from) ?? nil
        else { return nil }
        self.init(callID: callID, localTag: local, remoteTag: from.tag ?? "")
    }

    /// The ID of the dialog a response to one of our requests belongs to (From tag local, To tag
    /// remote); nil when Call-ID or the From tag is missing or a header does not parse.
    public init?(receivedResponse response: SIPMessage) {
        guard let callID = (try? response.callID) ?? nil, let from = (try? response.from) ?? nil,
            let local = from.tag, let to = (try? response.to) ?? nil
        else { return nil }
        self.init(callID: callID, localTag: local, remoteTag: to.tag ?? "")
    }

    public var description: String { "\(callID) (local tag \(localTag), remote tag \(remoteTag))" }
}
