extension SessionDescription {
    /// The description as text: RFC 8866 section 5 line order, CRLF after every line.
    ///
    /// Values are written as stored. A model built by hand can hold text its grammar does not
    /// allow (a space in a format, a line break in a name); ``validate(with:)`` finds that.
    public func serialized() -> String {
        var out = ""
        func line(_ type: String, _ value: String) {
            out += type
            out += "="
            out += value
            out += "\r\n"
        }
        line("v", "\(version)")
        line("o", origin.wireValue)
        line("s", sessionName)
        if let information { line("i", information) }
        if let uri { line("u", uri) }
        for email in emails { line("e", email) }
        for phone in phones { line("p", phone) }
        if let connection { line("c", connection.wireValue) }
        for bandwidth in bandwidths { line("b", bandwidth.wireValue) }
        for time in timing {
            line("t", time.wireValue)
            for repeatLine in time.repeats { line("r", repeatLine) }
        }
        if let zoneAdjustments { line("z", zoneAdjustments) }
        if let encryptionKey { line("k", encryptionKey) }
        for attribute in attributes { line("a", attribute.description) }
        for media in media {
            var mediaLine = "\(media.type.rawValue) \(media.port)"
            if let portCount = media.portCount { mediaLine += "/\(portCount)" }
            mediaLine += " \(media.proto.rawValue)"
            for format in media.formats { mediaLine += " \(format)" }
            line("m", mediaLine)
            if let information = media.information { line("i", information) }
            for connection in media.connections { line("c", connection.wireValue) }
            for bandwidth in media.bandwidths { line("b", bandwidth.wireValue) }
            if let encryptionKey = media.encryptionKey { line("k", encryptionKey) }
            for attribute in media.attributes { line("a", attribute.description) }
        }
        return out
    }

    /// The serialized description as UTF-8 bytes.
    public var serializedBytes: [UInt8] { Array(serialized().utf8) }

    /// Checks that the description serializes to text that parses back to an equal model.
    ///
    /// Use it on descriptions built from untrusted pieces (for example translated from Jingle)
    /// before sending them: it catches line breaks, empty required fields and values that do not
    /// match their grammar. Throws the parse error, or `unrepresentableModel` when the text parses
    /// to something else (such as a format containing a space).
    public func validate(with parser: SDPParser = SDPParser()) throws(SDPError) {
        let parsed = try parser.parse(serialized())
        guard parsed == self else {
            throw SDPError(
                code: .unrepresentableModel, line: 0, lineText: nil,
                reason:
                    "the description does not parse back to itself: a field holds a space or text its grammar does not allow"
            )
        }
    }
}
