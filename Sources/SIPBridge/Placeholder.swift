public enum SIPBridgeVersion {}
