/// Responses the call sessions build.
extension SIPSessionConfiguration {
    /// A response to `request` sent through its server transaction; a 405 lists what we allow,
    /// a 500 for a pending offer carries Retry-After (RFC 3261 14.2, RFC 3311 5.2).
    func respond(
        to request: SIPMessage, status: Int, reason: String? = nil, retryAfter: Bool = false
    ) -> SIPSessionAction {
        var response = SIPMessage.makeResponse(to: request, status: status, reason: reason)
        if status == 405 { response.headers.add(.allow, allow.map(\.rawValue).joined(separator: ", ")) }
        // 14.2: "a randomly chosen value of between 0 and 10 seconds".
        if retryAfter { response.headers.add("Retry-After", String(random(0...10))) }
        Self.moveContentLengthLast(&response)
        return .sendResponse(response, request: request)
    }

    /// The 200 to OPTIONS inside a dialog (RFC 3261 11.2).
    func optionsResponse(to request: SIPMessage) -> SIPSessionAction {
        var response = SIPMessage.makeResponse(to: request, status: 200)
        addCapabilities(to: &response)
        response.headers.add(.accept, "application/sdp")
        Self.moveContentLengthLast(&response)
        return .sendResponse(response, request: request)
    }

    /// A 1xx or 2xx to an INVITE that carries the dialog: our To tag, the Record-Route copied
    /// (RFC 3261 12.1.1), our Contact, capabilities and the SDP body if any.
    func dialogResponse(to request: SIPMessage, status: Int, toTag: String, sdp: [UInt8]?) -> SIPMessage {
        var response = SIPMessage.makeResponse(to: request, status: status, toTag: toTag)
        for value in request.headers.values(for: .recordRoute) { response.headers.add(.recordRoute, value) }
        response.headers.add(.contact, contactHeader)
        if status >= 200 { addCapabilities(to: &response) }
        if let sdp, !sdp.isEmpty {
            response.setBody(sdp, contentType: .sdp)
        }
        Self.moveContentLengthLast(&response)
        return response
    }

    static func moveContentLengthLast(_ message: inout SIPMessage) {
        message.headers.remove(.contentLength)
        message.headers.add(.contentLength, String(message.body.count))
    }
}
