import Foundation

/// One finished call as kept in the store: who, when, which codecs, how it ended and what the media did.
public struct CallRecord: Sendable, Equatable {
    public var sid: String
    /// `outbound` (Jingle -> SIP or a built-in extension) or `inbound` (SIP -> Jingle).
    public var direction: String
    /// The XMPP user's JID and the other party (number, SIP address or extension).
    public var user: String
    public var party: String
    public var started: Date
    public var answered: Date?
    public var ended: Date
    /// The Jingle reason the call ended with, and its text.
    public var reason: String
    public var jingleCodec: String?
    public var sipCodec: String?
    public var transcoded: Bool
    public var packetsReceived: Int
    public var packetsSent: Int
    public var packetsLost: Int

    public init(
        sid: String, direction: String, user: String, party: String, started: Date, answered: Date?, ended: Date,
        reason: String, jingleCodec: String?, sipCodec: String?, transcoded: Bool, packetsReceived: Int,
        packetsSent: Int, packetsLost: Int
    ) {
        self.sid = sid
        self.direction = direction
        self.user = user
        self.party = party
        self.started = started
        self.answered = answered
        self.ended = ended
        self.reason = reason
        self.jingleCodec = jingleCodec
        self.sipCodec = sipCodec
        self.transcoded = transcoded
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.packetsLost = packetsLost
    }

    /// One line for the commands.
    public var summary: String {
        let duration = answered.map { Int(ended.timeIntervalSince($0)) } ?? 0
        let codecs = (jingleCodec ?? "-") + (sipCodec.map { "/\($0)" } ?? "") + (transcoded ? " transcoded" : "")
        return "\(ISO8601DateFormatter().string(from: started)) \(direction) \(user) <-> \(party) \(duration)s "
            + "\(codecs) rx \(packetsReceived) tx \(packetsSent) lost \(packetsLost): \(reason)"
    }
}
