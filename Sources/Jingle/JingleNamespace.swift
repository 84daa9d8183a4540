/// XML namespaces of Jingle and its extensions, named after the specification that defines each.
///
/// Kept apart from XMPPCore's `Namespace` so the Jingle module can be compiled alone or merged with
/// XMPPCore into one module (the fuzz build) without a clash.
public enum JingleNamespace {
    /// XEP-0166 section 7.
    public static let jingle = "urn:xmpp:jingle:1"
    /// XEP-0166 section 10 (error conditions).
    public static let errors = "urn:xmpp:jingle:errors:1"
    /// XEP-0167 section 4.
    public static let rtp = "urn:xmpp:jingle:apps:rtp:1"
    /// XEP-0167 informational messages (section 8 of 1.2).
    public static let rtpInfo = "urn:xmpp:jingle:apps:rtp:info:1"
    /// XEP-0167 RTP-specific errors (`crypto-required`, `invalid-crypto`).
    public static let rtpErrors = "urn:xmpp:jingle:apps:rtp:errors:1"
    /// XEP-0293 RTCP feedback.
    public static let rtcpFeedback = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
    /// XEP-0294 RTP header extensions.
    public static let headerExtensions = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
    /// XEP-0339 source-specific media attributes.
    public static let sourceAttributes = "urn:xmpp:jingle:apps:rtp:ssma:0"
    /// XEP-0338 grouping framework.
    public static let grouping = "urn:xmpp:jingle:apps:grouping:0"
    /// XEP-0176 ICE-UDP transport.
    public static let iceUDP = "urn:xmpp:jingle:transports:ice-udp:1"
    /// XEP-0320 DTLS-SRTP fingerprints.
    public static let dtls = "urn:xmpp:jingle:apps:dtls:0"
    /// XEP-0353 Jingle Message Initiation.
    public static let jingleMessage = "urn:xmpp:jingle-message:0"
    /// XEP-0334 message processing hints.
    public static let hints = "urn:xmpp:hints"
}
