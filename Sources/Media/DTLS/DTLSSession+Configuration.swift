import NIOCore

extension DTLSSession {
    /// Settings of a session; every value has a default that suits WebRTC peers.
    public struct Configuration: Hashable, Sendable {
        /// The default `use_srtp` offer: AEAD_AES_128_GCM (RFC 7714), then the two AES-CM profiles of RFC 5764.
        public static let defaultSRTPProfiles: [SRTPProfile] = [
            .aeadAES128GCM, .aes128CMHMACSHA1_80, .aes128CMHMACSHA1_32,
        ]

        /// `use_srtp` profiles offered, most preferred first (RFC 5764 section 4.1.1). As server, OpenSSL picks
        /// the first profile of this list that the client offered.
        public var srtpProfiles: [SRTPProfile]
        /// First retransmission interval; RFC 6347 section 4.2.4.1 recommends 1 s.
        public var initialRetransmissionTimeout: TimeAmount
        /// Cap of the doubling interval; RFC 6347 section 4.2.4.1 asks for no less than 60 s.
        public var maximumRetransmissionTimeout: TimeAmount
        /// Total time the handshake may take, from the first flight sent or received, before `failed` with
        /// `dtlsHandshakeTimeout`. At most about 70 minutes (OpenSSL's timer range).
        public var handshakeTimeout: TimeAmount
        /// Largest datagram OpenSSL writes (UDP payload). 1200 keeps flights within IPv6's minimum MTU
        /// with room for TURN framing.
        public var mtu: Int
        /// Datagrams kept while the role is unknown; the oldest is dropped beyond this.
        public var maximumBufferedDatagrams: Int
        /// Whether a ClientHello before `setRole` makes us the server (RFC 5763 section 5 requires an
        /// `actpass` offerer to accept one). Turn off only when we never offer `actpass`.
        public var acceptsClientHelloBeforeRole: Bool

        public init(
            srtpProfiles: [SRTPProfile] = Configuration.defaultSRTPProfiles,
            initialRetransmissionTimeout: TimeAmount = .seconds(1),
            maximumRetransmissionTimeout: TimeAmount = .seconds(60),
            handshakeTimeout: TimeAmount = .seconds(30),
            mtu: Int = 1200,
            maximumBufferedDatagrams: Int = 16,
            acceptsClientHelloBeforeRole: Bool = true
        ) {
            self.srtpProfiles = srtpProfiles
            self.initialRetransmissionTimeout = initialRetransmissionTimeout
            self.maximumRetransmissionTimeout = maximumRetransmissionTimeout
            self.handshakeTimeout = min(handshakeTimeout, .minutes(70))
            self.mtu = mtu
            self.maximumBufferedDatagrams = max(1, maximumBufferedDatagrams)
            self.acceptsClientHelloBeforeRole = acceptsClientHelloBeforeRole
        }
    }
}
