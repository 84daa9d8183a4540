import NIOCore

/// What a call session asks its driver to do. Requests go through the transaction layer (ACK
/// as is, outside any transaction); responses through the server transaction of the request
/// they answer.
public enum SIPSessionAction: Hashable, Sendable {
    /// Send this request to this address in a new client transaction (an ACK for a 2xx is sent
    /// as is: it has no transaction, RFC 3261 17.1.1.3).
    case sendRequest(SIPMessage, to: SocketAddress)
    /// Send this response in the server transaction of `request` (the request as the
    /// transaction layer delivered it).
    case sendResponse(SIPMessage, request: SIPMessage)
    /// Tell the application.
    case event(SIPSessionEvent)
}
