import Media

extension CallMedia {
    /// Points the SIP leg at the peer's description: address, RTCP, rtcp-mux and the payload types it may
    /// send. With `onlyIfMoved`, a description naming the same RTP address changes nothing (re-INVITEs and
    /// the 200 after early media keep the latched address then). `keys` start SDES-SRTP (RFC 4568) on the
    /// leg; without them a leg that has SRTP keeps it.
    func configureSIPLeg(
        _ remote: SIPLegSDP.Remote, payloadTypes: [UInt8], onlyIfMoved: Bool = false, keys: SIPLegSDP.SRTPKeys? = nil
    ) {
        guard case .plain(let plain) = transport(.sip) else { return }
        if onlyIfMoved, keys == nil, plain.rtpDestination == remote.rtp { return }
        var protector = plain.protector
        if let keys {
            do {
                protector = try SRTPImplementation.evp.makeProtector(outbound: keys.outbound, inbound: keys.inbound)
            } catch {
                // The keys were parsed for their suite already, so this does not happen in practice.
                protector = nil
            }
        }
        plain.configure(
            remote: remote.rtp, rtcp: remote.rtcp, rtcpMux: remote.rtcpMux, payloadTypes: payloadTypes,
            protector: protector, now: eventLoop.now)
    }
}
