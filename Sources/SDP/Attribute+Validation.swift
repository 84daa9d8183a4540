extension Attribute {
    /// Checks a known attribute against its grammar; unknown attributes always pass.
    ///
    /// Used by ``SDPParser`` when `validatesKnownAttributes` is on, so that a malformed `rtpmap`
    /// or `candidate` is reported with its line number instead of being skipped by the typed
    /// accessors later.
    func validate() throws(SDPError) {
        switch name {
        case RTPMap.attributeName: try check(RTPMap.self)
        case FormatParameters.attributeName: try check(FormatParameters.self)
        case RTCPAttribute.attributeName: try check(RTCPAttribute.self)
        case RTCPFeedback.attributeName: try check(RTCPFeedback.self)
        case ExtensionMap.attributeName: try check(ExtensionMap.self)
        case SSRCAttribute.attributeName: try check(SSRCAttribute.self)
        case SSRCGroup.attributeName: try check(SSRCGroup.self)
        case MediaGroup.attributeName: try check(MediaGroup.self)
        case MediaStreamID.attributeName: try check(MediaStreamID.self)
        case ICECandidate.attributeName: try check(ICECandidate.self)
        case Fingerprint.attributeName: try check(Fingerprint.self)
        case SetupRole.attributeName: try check(SetupRole.self)
        case CryptoAttribute.attributeName: try check(CryptoAttribute.self)
        case "sendrecv", "sendonly", "recvonly", "inactive", "rtcp-mux", "rtcp-rsize", "ice-lite", "end-of-candidates":
            // Property attributes (RFC 8866 section 6.7, RFC 5761, RFC 5506, RFC 8839, RFC 8840).
            guard value == nil else { throw invalid("a=\(name)") }
        case "ptime", "maxptime":
            // RFC 8866 sections 6.4 and 6.5: a packet time in milliseconds (an integer or a decimal).
            guard let value, Self.isDecimal(value) else { throw invalid("a=\(name):<milliseconds>") }
        case "mid":
            // RFC 5888 section 4: identification-tag = token.
            guard let value, SDPGrammar.isToken(value) else { throw invalid("a=mid:<identification-tag>") }
        case "ice-ufrag":
            // RFC 8839 section 5.4: 4 to 256 ice-chars.
            guard let value, Self.isICEString(value, lengths: 4...256) else {
                throw invalid("a=ice-ufrag:<4 to 256 ice-chars>")
            }
        case "ice-pwd":
            // RFC 8839 section 5.4: 22 to 256 ice-chars.
            guard let value, Self.isICEString(value, lengths: 22...256) else {
                throw invalid("a=ice-pwd:<22 to 256 ice-chars>")
            }
        case "ice-options":
            // RFC 8839 section 5.6: one or more ice-option-tag tokens.
            guard let value, !SDPGrammar.fields(value).isEmpty,
                SDPGrammar.fields(value).allSatisfy({ SDPGrammar.isToken($0) })
            else { throw invalid("a=ice-options:<ice-option-tag> ...") }
        default:
            break
        }
    }

    private func check<Value: SDPAttributeValue>(_: Value.Type) throws(SDPError) {
        guard let value else {
            throw SDPError.expected("a=\(name):<value>", code: .invalidAttribute, text: "a=\(description)")
        }
        _ = try Value(attributeValue: value)
    }

    private func invalid(_ grammar: String) -> SDPError {
        SDPError.expected(grammar, code: .invalidAttribute, text: "a=\(description)")
    }

    private static func isDecimal(_ text: String) -> Bool {
        let parts = SDPGrammar.bytes(text).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.last.map(SDPGrammar.isDigits) == true else { return false }
        return parts.count == 1 || parts[0].allSatisfy(SDPGrammar.isDigit)
    }

    private static func isICEString(_ text: String, lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy(ICECandidate.isICEChar)
    }
}
