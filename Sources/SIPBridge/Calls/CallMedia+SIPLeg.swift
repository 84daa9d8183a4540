import Media

extension CallMedia {
    /// Points the SIP leg at the peer's description: address, RTCP, rtcp-mux and the payload types it may
    /// send. With `onlyIfMoved`, a description naming the same RTP address changes nothing (re-INVITEs and
    /// the 200 after early media keep the latched address then).
    func configureSIPLeg(_ remote: SIPLegSDP.Remote, payloadTypes: [UInt8], onlyIfMoved: Bool = false) {
        guard case .plain(let plain) = transport(.sip) else { return }
        if onlyIfMoved, plain.rtpDestination == remote.rtp { return }
        plain.configure(
            remote: remote.rtp, rtcp: remote.rtcp, rtcpMux: remote.rtcpMux, payloadTypes: payloadTypes,
            now: eventLoop.now)
    }
}
