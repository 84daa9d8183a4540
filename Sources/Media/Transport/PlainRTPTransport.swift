import NIOCore

/// The SIP leg's transport: RTP and RTCP toward the address the peer's SDP gave, with symmetric-RTP
/// latching for peers behind NAT and optional SDES-SRTP (RFC 4568), sans-IO.
///
/// Until latching, media goes to the SDP address. With `latching` on, the first packet that carries one
/// of the negotiated payload types (and, once known, the peer's SSRC) within `latchWindow` after each
/// (re)negotiation moves the destination to that packet's source: a NATed phone's SDP names a private
/// address that cannot be reached, but its packets come from the public one.
public final class PlainRTPTransport {
    public enum Received: Equatable {
        case rtp(length: Int)
        case rtcp(length: Int)
        case none
    }

    public struct Counters: Hashable, Sendable {
        public var rtpReceived = 0
        public var rtcpReceived = 0
        /// Wrong source, unexpected payload type, failed SRTP authentication, not RTP at all.
        public var dropped = 0
        public var rtpSent = 0
        public var rtcpSent = 0
        public var latches = 0
    }

    /// Whether to latch onto the source of the peer's packets. Default on.
    public var latching: Bool
    /// How long after a (re)negotiation a new source is accepted.
    public let latchWindow: TimeAmount
    public private(set) var counters = Counters()
    public private(set) var lastDropReason: MediaError?
    /// Where RTP goes now.
    public private(set) var rtpDestination: TransportAddress?
    /// Where RTCP goes now: the RTP address under rtcp-mux, else the SDP's a=rtcp or RTP port + 1.
    public private(set) var rtcpDestination: TransportAddress?
    public private(set) var latched = false
    public private(set) var rtcpMux = false
    /// SDES-SRTP when the trunk asks for it; nil for plain RTP.
    public private(set) var protector: (any SRTPProtector)?

    private var acceptedPayloadTypes = (low: UInt64(0), high: UInt64(0))
    private var latchUntil: NIODeadline = .distantPast
    private var peerSSRC: UInt32?

    public init(latching: Bool = true, latchWindow: TimeAmount = .seconds(10)) {
        self.latching = latching
        self.latchWindow = latchWindow
    }

    /// Applies a (re)negotiated remote description: addresses, payload types it may send and rtcp-mux.
    public func configure(
        remote: TransportAddress, rtcp: TransportAddress? = nil, rtcpMux: Bool, payloadTypes: [UInt8],
        protector: (any SRTPProtector)? = nil, now: NIODeadline
    ) {
        rtpDestination = remote
        self.rtcpMux = rtcpMux
        rtcpDestination = rtcpMux ? remote : (rtcp ?? TransportAddress(ip: remote.ip, port: remote.port &+ 1))
        acceptedPayloadTypes = (0, 0)
        for type in payloadTypes where type < 128 {
            if type < 64 { acceptedPayloadTypes.low |= 1 << type } else { acceptedPayloadTypes.high |= 1 << (type - 64) }
        }
        self.protector = protector
        latched = false
        peerSSRC = nil
        latchUntil = now + latchWindow
    }

    /// Feeds a datagram from the RTP (or, without rtcp-mux, the RTCP) socket.
    public func receive(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, from source: TransportAddress, now: NIODeadline
    ) -> Received {
        let packet = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        switch MediaPacketKind.classify(packet) {
        case .rtp:
            guard length >= RTPPacketView.fixedHeaderLength else {
                return drop(MediaError(.truncated, "RTP shorter than its fixed header"))
            }
            let payloadType = packet[1] & 0x7F
            let accepted =
                payloadType < 64
                ? acceptedPayloadTypes.low & (1 << payloadType) : acceptedPayloadTypes.high & (1 << (payloadType - 64))
            guard accepted != 0 else {
                return drop(MediaError(.invalidField, "RTP payload type not negotiated"))
            }
            let ssrc = packet.uint32(at: 8)
            if source != rtpDestination {
                // Within the window: the first source wins; after latching only the same SSRC may move.
                guard latching, now < latchUntil, !latched || peerSSRC == ssrc else {
                    return drop(MediaError(.invalidField, "RTP from an address other than the peer's"))
                }
                rtpDestination = source
                if rtcpMux { rtcpDestination = source } else {
                    rtcpDestination = TransportAddress(ip: source.ip, port: source.port &+ 1)
                }
                latched = true
                counters.latches += 1
            } else if !latched, latching {
                latched = true
            }
            peerSSRC = ssrc
            var plain = length
            if let protector {
                do { plain = try protector.unprotectRTP(buffer, length: length) } catch { return drop(error) }
            }
            counters.rtpReceived += 1
            return .rtp(length: plain)
        case .rtcp:
            var plain = length
            if let protector {
                do { plain = try protector.unprotectRTCP(buffer, length: length) } catch { return drop(error) }
            }
            counters.rtcpReceived += 1
            return .rtcp(length: plain)
        default:
            return drop(MediaError(.invalidField, "not RTP or RTCP"))
        }
    }

    /// Prepares an RTP packet for sending (SDES-SRTP when configured); returns the length to send, or nil
    /// when there is nowhere to send yet. `buffer` needs room for the SRTP tag after `length`.
    public func prepareRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard rtpDestination != nil else { return nil }
        var out = length
        if let protector {
            do { out = try protector.protectRTP(buffer, length: length) } catch {
                lastDropReason = error
                return nil
            }
        }
        counters.rtpSent += 1
        return out
    }

    /// Like `prepareRTP` for compound RTCP.
    public func prepareRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard rtcpDestination != nil else { return nil }
        var out = length
        if let protector {
            do { out = try protector.protectRTCP(buffer, length: length) } catch {
                lastDropReason = error
                return nil
            }
        }
        counters.rtcpSent += 1
        return out
    }

    private func drop(_ error: any Error) -> Received {
        counters.dropped += 1
        lastDropReason = error as? MediaError ?? MediaError(.invalidField, "\(error)")
        return .none
    }
}
