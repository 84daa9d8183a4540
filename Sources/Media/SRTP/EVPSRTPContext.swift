internal import COpenSSL

/// SRTP and SRTCP on OpenSSL's EVP interface: AES-128-CM with HMAC-SHA1-80 or -32 (RFC 3711 sections 4.1.1 and
/// 4.2) and AEAD_AES_128_GCM (RFC 7714), keys derived per RFC 3711 section 4.3 with a key derivation rate of 0.
///
/// Everything is set up in `init`: four keyed cipher contexts (SRTP and SRTCP, outbound and inbound), the keyed
/// HMAC states and two fixed-size SSRC tables. Protecting or unprotecting a packet allocates nothing.
///
/// Per SSRC the context tracks, outbound, the highest packet index sent (its rollover counter, RFC 3711
/// section 3.3.1) with a window that refuses to protect an index twice, and the SRTCP index; inbound, the
/// estimated index (appendix A) and 128-packet replay windows for SRTP and SRTCP (section 3.3.2), updated only
/// after a packet authenticates. A stream's first packet is taken with a rollover counter of zero. Inbound SRTCP
/// is accepted encrypted or not (the E flag is authenticated); outbound follows `configuration.encryptsRTCP`.
///
/// When the outbound table is full, protecting for a new SSRC throws `.srtpStreamLimit` (dropping an outbound
/// stream's state would restart its indices and reuse keystream). When the inbound table is full, the least
/// recently used inbound stream makes room: its replay state is forgotten, which at worst lets packets of a
/// long-idle stream be replayed once.
///
/// Not thread-safe: one call's media runs on one event loop.
public final class EVPSRTPContext: SRTPProtector {
    public let profile: SRTPProfile
    /// The settings given at creation.
    public let configuration: SRTPConfiguration

    private let outboundRTP: SRTPTransform
    private let outboundRTCP: SRTPTransform
    private let inboundRTP: SRTPTransform
    private let inboundRTCP: SRTPTransform
    private var outboundStreams: SRTPStreamTable
    private var inboundStreams: SRTPStreamTable

    /// OpenSSL's version string (for the status command and benchmarks).
    public static var libraryVersion: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }

    /// A context that protects with `outbound` and unprotects with `inbound`, both of the same profile.
    public convenience init(
        outbound: SRTPMasterKey, inbound: SRTPMasterKey, configuration: SRTPConfiguration = SRTPConfiguration()
    ) throws(MediaError) {
        guard outbound.profile == inbound.profile else {
            throw MediaError(
                .srtpInvalidKey, "outbound key is for \(outbound.profile), inbound key for \(inbound.profile)")
        }
        try self.init(
            profile: outbound.profile,
            outboundRTP: SRTPSessionKeys(deriving: outbound, forRTCP: false),
            outboundRTCP: SRTPSessionKeys(deriving: outbound, forRTCP: true),
            inboundRTP: SRTPSessionKeys(deriving: inbound, forRTCP: false),
            inboundRTCP: SRTPSessionKeys(deriving: inbound, forRTCP: true),
            configuration: configuration)
    }

    /// A context from session keys directly, as RFC 7714's test vectors give them.
    init(
        profile: SRTPProfile, outboundRTP: SRTPSessionKeys, outboundRTCP: SRTPSessionKeys,
        inboundRTP: SRTPSessionKeys, inboundRTCP: SRTPSessionKeys,
        configuration: SRTPConfiguration = SRTPConfiguration()
    ) throws(MediaError) {
        guard configuration.streamCapacity > 0 else {
            throw MediaError(.invalidConfiguration, "SRTP stream capacity must be at least 1")
        }
        self.profile = profile
        self.configuration = configuration
        var keys = [outboundRTP, outboundRTCP, inboundRTP, inboundRTCP]
        defer { for index in keys.indices { keys[index].clear() } }
        self.outboundRTP = try SRTPTransform(profile: profile, keys: keys[0], forRTCP: false, sealing: true)
        self.outboundRTCP = try SRTPTransform(profile: profile, keys: keys[1], forRTCP: true, sealing: true)
        self.inboundRTP = try SRTPTransform(profile: profile, keys: keys[2], forRTCP: false, sealing: false)
        self.inboundRTCP = try SRTPTransform(profile: profile, keys: keys[3], forRTCP: true, sealing: false)
        outboundStreams = SRTPStreamTable(capacity: configuration.streamCapacity)
        inboundStreams = SRTPStreamTable(capacity: configuration.streamCapacity)
    }

    // MARK: SRTP

    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try checkRoom(buffer, length: length, overhead: profile.rtpOverhead)
        let bytes = UnsafeRawBufferPointer(buffer)
        let header = try SRTPPacketLayout.rtpHeaderLength(bytes, end: length)
        let ssrc = bytes.uint32(at: 8)
        let slot = try outboundSlot(ssrc)
        guard
            let index = SRTPStream.estimateIndex(
                sequenceNumber: bytes.uint16(at: 2), highest: outboundStreams[slot].rtp.highest)
        else { throw MediaError(.srtpIndexExhausted, "SRTP index of SSRC \(ssrc) would pass 2^48") }
        // libsrtp refuses to protect an index twice too: a different payload under the same index reuses keystream.
        try outboundStreams[slot].rtp.check(index)
        try outboundRTP.sealRTP(buffer, header: header, length: length, ssrc: ssrc, index: index)
        outboundStreams[slot].rtp.accept(index)
        return length + profile.rtpOverhead
    }

    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try checkRoom(buffer, length: length, overhead: 0)
        let end = length - profile.rtpTagLength
        guard end >= RTPPacketView.fixedHeaderLength else {
            throw MediaError(
                .truncated, "SRTP packet too short for an RTP header and a \(profile.rtpTagLength)-octet tag")
        }
        let bytes = UnsafeRawBufferPointer(buffer)
        let header = try SRTPPacketLayout.rtpHeaderLength(bytes, end: end)
        let ssrc = bytes.uint32(at: 8)
        // RFC 3711 section 3.3: estimate the index, check replay, authenticate, decrypt, then update.
        let slot = inboundStreams.slot(of: ssrc)
        guard
            let index = SRTPStream.estimateIndex(
                sequenceNumber: bytes.uint16(at: 2), highest: slot.flatMap { inboundStreams[$0].rtp.highest })
        else { throw MediaError(.srtpIndexExhausted, "SRTP index of SSRC \(ssrc) would pass 2^48") }
        if let slot { try inboundStreams[slot].rtp.check(index) }
        try inboundRTP.openRTP(buffer, header: header, end: end, ssrc: ssrc, index: index)
        if let slot {
            inboundStreams[slot].rtp.accept(index)
        } else {
            var stream = SRTPStream(ssrc: ssrc)
            stream.rtp.accept(index)
            _ = try inboundStreams.insert(stream, evicting: true)
        }
        return end
    }

    // MARK: SRTCP

    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try checkRoom(buffer, length: length, overhead: profile.rtcpOverhead)
        let bytes = UnsafeRawBufferPointer(buffer)
        try Self.checkRTCPHeader(bytes, end: length)
        let ssrc = bytes.uint32(at: 4)
        let slot = try outboundSlot(ssrc)
        let index = outboundStreams[slot].nextRTCPIndex
        // RFC 3711 section 3.4: the index is 31 bits; after 2^31 packets the key must change (section 9.2).
        guard index <= 0x7FFF_FFFF else {
            throw MediaError(.srtpIndexExhausted, "SRTCP index of SSRC \(ssrc) would pass 2^31")
        }
        let protectedLength = try outboundRTCP.sealRTCP(
            buffer, length: length, ssrc: ssrc, index: index, encrypt: configuration.encryptsRTCP)
        outboundStreams[slot].nextRTCPIndex = index + 1
        return protectedLength
    }

    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(MediaError) -> Int {
        try checkRoom(buffer, length: length, overhead: 0)
        guard length >= SRTPPacketLayout.rtcpClearHeaderLength + profile.rtcpOverhead else {
            throw MediaError(.truncated, "SRTCP packet too short for an RTCP header, index and tag")
        }
        let bytes = UnsafeRawBufferPointer(buffer)
        try Self.checkRTCPHeader(bytes, end: length)
        let ssrc = bytes.uint32(at: 4)
        let wordOffset = inboundRTCP.rtcpTrailerOffset(length: length)
        let word = bytes.uint32(at: wordOffset)
        let index = word & 0x7FFF_FFFF
        let encrypted = word & 0x8000_0000 != 0
        let slot = inboundStreams.slot(of: ssrc)
        if let slot { try inboundStreams[slot].rtcp.check(UInt64(index), rtcp: true) }
        let rtcpLength = try inboundRTCP.openRTCP(
            buffer, wordOffset: wordOffset, ssrc: ssrc, index: index, encrypted: encrypted)
        if let slot {
            inboundStreams[slot].rtcp.accept(UInt64(index))
        } else {
            var stream = SRTPStream(ssrc: ssrc)
            stream.rtcp.accept(UInt64(index))
            _ = try inboundStreams.insert(stream, evicting: true)
        }
        return rtcpLength
    }

    // MARK: Streams

    public func removeInboundStream(ssrc: UInt32) { inboundStreams.remove(ssrc: ssrc) }

    public func removeOutboundStream(ssrc: UInt32) { outboundStreams.remove(ssrc: ssrc) }

    /// The outbound stream of `ssrc`, added if new.
    @inline(__always)
    private func outboundSlot(_ ssrc: UInt32) throws(MediaError) -> Int {
        if let slot = outboundStreams.slot(of: ssrc) { return slot }
        return try outboundStreams.insert(SRTPStream(ssrc: ssrc), evicting: false)
    }

    // MARK: Checks

    @inline(__always)
    private func checkRoom(_ buffer: UnsafeMutableRawBufferPointer, length: Int, overhead: Int) throws(MediaError) {
        guard length >= 0, length <= buffer.count, buffer.baseAddress != nil else {
            throw MediaError(.invalidLength, "packet length \(length) outside a buffer of \(buffer.count) octets")
        }
        guard buffer.count - length >= overhead else {
            throw MediaError(
                .bufferTooSmall,
                "SRTP needs \(overhead) octets after the packet, the buffer has \(buffer.count - length)")
        }
    }

    /// The first RTCP header: version 2 and the sender SSRC present (RFC 3550 section 6.4, RFC 3711 section 3.4).
    @inline(__always)
    static func checkRTCPHeader(_ bytes: UnsafeRawBufferPointer, end: Int) throws(MediaError) {
        guard end >= SRTPPacketLayout.rtcpClearHeaderLength else {
            throw MediaError(.truncated, "RTCP packet shorter than its 8-octet header")
        }
        guard bytes[0] >> 6 == 2 else { throw MediaError(.invalidField, "RTCP version is not 2") }
    }
}
