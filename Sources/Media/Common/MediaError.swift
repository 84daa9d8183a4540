/// The one error type of the media module: a code to branch on, a reason for logs, and where it was raised.
///
/// Errors compare by `code` only, so tests and callers match on the condition, not the wording.
/// Parsers on the per-packet path pass string literals as reasons, which costs no allocation.
public struct MediaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, extensible without breaking `switch`-free callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// Stable kebab-case name, for logs and metrics labels.
        public let name: String

        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The input ends before a structure it announces (header, attribute, block, payload).
        public static let truncated = Code("truncated")
        /// A length field disagrees with the bytes present or with the protocol's alignment rules.
        public static let invalidLength = Code("invalid-length")
        /// A fixed field holds a value the protocol forbids (version, magic cookie, reserved bits, family).
        public static let invalidField = Code("invalid-field")
        /// RTP/RTCP padding count of zero or larger than the packet.
        public static let invalidPadding = Code("invalid-padding")
        /// STUN MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 does not match the key.
        public static let integrityMismatch = Code("integrity-mismatch")
        /// STUN message carries no MESSAGE-INTEGRITY attribute where one is required.
        public static let integrityMissing = Code("integrity-missing")
        /// STUN FINGERPRINT does not match the message (RFC 8489 section 14.7).
        public static let fingerprintMismatch = Code("fingerprint-mismatch")
        /// Attributes in an order RFC 8489 forbids (anything after FINGERPRINT).
        public static let invalidOrder = Code("invalid-order")
        /// Text that is not UTF-8, or longer than the protocol allows.
        public static let invalidText = Code("invalid-text")
        /// A value the caller asked to encode does not fit the wire format.
        public static let unencodable = Code("unencodable")
        /// A caller-provided output buffer is too small.
        public static let bufferTooSmall = Code("buffer-too-small")
        /// A configuration value (port range, clock rate) is malformed.
        public static let invalidConfiguration = Code("invalid-configuration")
        /// Every port of the configured range is in use or unusable.
        public static let portsExhausted = Code("ports-exhausted")
        /// A port released or marked that is not currently allocated.
        public static let portNotAllocated = Code("port-not-allocated")
    }

    /// The condition; the only part compared by `==`.
    public let code: Code
    /// Human-readable detail for logs.
    public let reason: String
    /// Where the error was raised.
    public let fileID: StaticString
    public let line: UInt

    public init(_ code: Code, _ reason: String, fileID: StaticString = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.fileID = fileID
        self.line = line
    }

    public static func == (lhs: MediaError, rhs: MediaError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason) (\(fileID):\(line))" }
}
