/// Building responses to requests (RFC 3261 8.2.6).
extension SIPMessage {
    /// A response to `request` per RFC 3261 8.2.6.2: the Via fields (all, in order), From, To,
    /// Call-ID and CSeq copied from the request, Content-Length 0. To gets a tag when the request's
    /// To has none and the status is not 100 (`toTag`, or a random one: 19.3 asks for 32 random
    /// bits or more). A 100 response copies Timestamp (8.2.6.1). Values are copied as received.
    public static func makeResponse(
        to request: SIPMessage, status: Int, reason: String? = nil, toTag: String? = nil
    ) -> SIPMessage {
        var headers = SIPHeaders()
        for field in request.headers.fields where field.name == .via {
            headers.add(.via, field.value)
        }
        if let from = request.headers[.from] { headers.add(.from, from) }
        if var to = request.headers[.to] {
            if status != 100, let address = try? SIPNameAddress(parsing: to), address.tag == nil {
                to += ";tag=" + (toTag ?? DigestAlgorithm.randomHex(8))
            }
            headers.add(.to, to)
        }
        if let callID = request.headers[.callID] { headers.add(.callID, callID) }
        if let cseq = request.headers[.cseq] { headers.add(.cseq, cseq) }
        if status == 100, let timestamp = request.headers[.timestamp] { headers.add(.timestamp, timestamp) }
        headers.add(.contentLength, "0")
        return SIPMessage(
            startLine: .response(statusCode: status, reasonPhrase: reason ?? Self.reasonPhrase(for: status)),
            headers: headers)
    }

    /// The response a UAS sends for a request the parser refused: 400 with a reason phrase naming
    /// the problem ("Bad Request (malformed Via header)"), 505 for another SIP version, 513 for a
    /// message too large (RFC 3261 8.2, 18.3, 21.4.1).
    ///
    /// From, To and Call-ID are copied when present (RFC 4475 3.3.1 wants a 400 even when they
    /// are missing). Nil when no response can or may be sent: the start line could not be read,
    /// the message is a response, the request is an ACK (never answered, RFC 3261 17.2.1), or Via
    /// or CSeq is missing, without which the response could be neither sent nor matched to its
    /// transaction (18.2.2, 17.1.3).
    public static func makeErrorResponse(for error: SIPParseError, toTag: String? = nil) -> SIPMessage? {
        guard let request = error.recoveredMessage, let method = request.method, method != .ack else { return nil }
        guard request.headers.contains(.via), request.headers.contains(.cseq) else { return nil }
        return makeResponse(
            to: request, status: error.responseStatusCode, reason: error.responseReasonPhrase, toTag: toTag)
    }

    /// The reason phrase RFC 3261 21 (and later RFCs) give a status code; "Unknown" for others.
    public static func reasonPhrase(for statusCode: Int) -> String {
        switch statusCode {
        case 100: return "Trying"
        case 180: return "Ringing"
        case 181: return "Call Is Being Forwarded"
        case 182: return "Queued"
        case 183: return "Session Progress"
        case 199: return "Early Dialog Terminated"
        case 200: return "OK"
        case 202: return "Accepted"
        case 204: return "No Notification"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Moved Temporarily"
        case 305: return "Use Proxy"
        case 380: return "Alternative Service"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 412: return "Conditional Request Failed"
        case 413: return "Request Entity Too Large"
        case 414: return "Request-URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Unsupported URI Scheme"
        case 420: return "Bad Extension"
        case 421: return "Extension Required"
        case 422: return "Session Interval Too Small"
        case 423: return "Interval Too Brief"
        case 480: return "Temporarily Unavailable"
        case 481: return "Call/Transaction Does Not Exist"
        case 482: return "Loop Detected"
        case 483: return "Too Many Hops"
        case 484: return "Address Incomplete"
        case 485: return "Ambiguous"
        case 486: return "Busy Here"
        case 487: return "Request Terminated"
        case 488: return "Not Acceptable Here"
        case 489: return "Bad Event"
        case 491: return "Request Pending"
        case 493: return "Undecipherable"
        case 494: return "Security Agreement Required"
        case 500: return "Server Internal Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Server Time-out"
        case 505: return "Version Not Supported"
        case 513: return "Message Too Large"
        case 580: return "Precondition Failure"
        case 600: return "Busy Everywhere"
        case 603: return "Decline"
        case 604: return "Does Not Exist Anywhere"
        case 606: return "Not Acceptable"
        default: return "Unknown"
        }
    }
}
