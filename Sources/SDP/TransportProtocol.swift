/// The `<proto>` field of an `m=` line (RFC 8866 section 5.14), such as `RTP/AVP`.
public struct TransportProtocol: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The protocol as it appears on the wire.
    public var rawValue: String

    /// Wraps a protocol string.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a protocol string.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `RTP/AVP` (RFC 3551).
    public static var rtpAVP: TransportProtocol { TransportProtocol("RTP/AVP") }
    /// `RTP/SAVP` (RFC 3711, keyed with SDES a=crypto as in RFC 4568).
    public static var rtpSAVP: TransportProtocol { TransportProtocol("RTP/SAVP") }
    /// `RTP/AVPF` (RFC 4585).
    public static var rtpAVPF: TransportProtocol { TransportProtocol("RTP/AVPF") }
    /// `RTP/SAVPF` (RFC 5124).
    public static var rtpSAVPF: TransportProtocol { TransportProtocol("RTP/SAVPF") }
    /// `UDP/TLS/RTP/SAVP` (RFC 5764, DTLS-SRTP).
    public static var udpTLSRTPSAVP: TransportProtocol { TransportProtocol("UDP/TLS/RTP/SAVP") }
    /// `UDP/TLS/RTP/SAVPF` (RFC 5764, DTLS-SRTP with feedback: WebRTC).
    public static var udpTLSRTPSAVPF: TransportProtocol { TransportProtocol("UDP/TLS/RTP/SAVPF") }
    /// `UDP/DTLS/SCTP` (RFC 8841, data channels).
    public static var udpDTLSSCTP: TransportProtocol { TransportProtocol("UDP/DTLS/SCTP") }

    /// Whether the protocol carries RTP, so that formats are RTP payload types (RFC 8866 section 5.14).
    public var isRTP: Bool {
        rawValue.utf8.split(separator: UInt8(ascii: "/")).contains {
            SDPGrammar.equalsIgnoringCase(SDPGrammar.string($0), "RTP")
        }
    }

    /// The text as written in SDP.
    public var description: String { rawValue }
}
