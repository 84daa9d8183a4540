/// Building requests inside a dialog (RFC 3261 12.2.1.1).
extension SIPDialog {
    /// The Request-URI and Route values of a request in this dialog (RFC 3261 12.2.1.1):
    /// - no route set: the remote target, no Route;
    /// - first route loose (`;lr`): the remote target, Route = the route set;
    /// - first route strict: the first route's URI (without the `method` parameter and
    ///   headers, which a Request-URI may not carry, 19.1.1), Route = the other routes followed
    ///   by the remote target.
    public var requestTarget: (uri: SIPAnyURI, routes: [SIPNameAddress]) {
        guard let first = routeSet.first else { return (remoteTarget, []) }
        if case .sip(let uri) = first.uri, !uri.isLooseRouting {
            var requestURI = uri
            requestURI.parameters["method"] = nil
            requestURI.headers = []
            return (.sip(requestURI), Array(routeSet.dropFirst()) + [SIPNameAddress(uri: remoteTarget)])
        }
        return (remoteTarget, routeSet)
    }

    /// The URI of the next hop of requests in this dialog: the first route, else the remote
    /// target (RFC 3261 12.2.1.1 then 8.1.2).
    public var nextHopURI: SIPAnyURI { routeSet.first?.uri ?? remoteTarget }

    /// A request in this dialog with the next local CSeq (RFC 3261 12.2.1.1): Request-URI and
    /// Route from `requestTarget`, To the remote address and tag, From the local address and
    /// tag, the Call-ID, Max-Forwards 70. ACK and CANCEL take the number of the last request
    /// instead of the next one. The caller adds Contact, body and the like.
    public mutating func makeRequest(_ method: SIPMethod, via: SIPVia) -> SIPMessage {
        let sequence: UInt32
        if method == .ack || method == .cancel {
            sequence = localSequence ?? 1
        } else {
            // 8.1.1.5: a UAS with an empty local sequence picks one below 2^31.
            sequence = localSequence.map { $0 &+ 1 } ?? 1
            localSequence = sequence
        }
        return request(method, sequence: sequence, via: via)
    }

    /// The ACK for a 2xx to the INVITE with CSeq `sequence` (RFC 3261 13.2.2.4): built like any
    /// request in the dialog, with the INVITE's CSeq number.
    public func makeACK(sequence: UInt32, via: SIPVia) -> SIPMessage {
        request(.ack, sequence: sequence, via: via)
    }

    private func request(_ method: SIPMethod, sequence: UInt32, via: SIPVia) -> SIPMessage {
        let target = requestTarget
        var headers = SIPHeaders()
        headers.add(.via, via.description)
        headers.add(.maxForwards, "70")
        for route in target.routes { headers.add(.route, route.description) }
        headers.add(.from, localAddress.description)
        headers.add(.to, remoteAddress.description)
        headers.add(.callID, id.callID)
        headers.add(.cseq, SIPCSeq(sequence: sequence, method: method).description)
        return SIPMessage(method: method, uri: target.uri, headers: headers)
    }
}
