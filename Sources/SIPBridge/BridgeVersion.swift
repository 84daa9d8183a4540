/// The bridge's release, reported by XEP-0092 and the status command.
public enum BridgeVersion {
    public static let name = "jingle-sip-bridge"
    public static let version = "0.1.0"
}
