/// `<inbound did jid trunk>`: where a call arriving from SIP is delivered.
public struct InboundRoute: Sendable, Equatable {
    /// How `did` matches the called number.
    public enum DID: Sendable, Equatable {
        /// `did` was digits with an optional leading `+`: exact match.
        case number(String)
        /// Anything else is an NSRegularExpression that must match the whole
        /// called number.
        case pattern(String)
    }

    /// The called number (DID) this route applies to.
    public var did: DID
    /// The bare JID (lower-cased) that receives the call.
    public var jid: String
    /// Only calls arriving from this trunk match; `nil` means any trunk.
    public var trunk: String?

    /// Creates an inbound route.
    public init(did: DID, jid: String, trunk: String? = nil) {
        self.did = did
        self.jid = jid
        self.trunk = trunk
    }
}
