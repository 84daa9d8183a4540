extension STUNMessage {
    /// The wire form of this message. Integrity attributes are computed from `integrity` and placed after
    /// all other attributes, FINGERPRINT last (RFC 8489 sections 14.5-14.7); any `.messageIntegrity`,
    /// `.messageIntegritySHA256` or `.fingerprint` in `attributes` is skipped.
    public func encoded(integrity: STUNIntegrity? = nil, fingerprint: Bool = false) throws(MediaError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        try encode(into: &out, integrity: integrity, fingerprint: fingerprint)
        return out
    }

    /// Appends the wire form of this message to `out` (see `encoded(integrity:fingerprint:)`).
    public func encode(
        into out: inout [UInt8], integrity: STUNIntegrity? = nil, fingerprint: Bool = false
    ) throws(MediaError) {
        let start = out.count
        out.appendBigEndian(type.rawValue)
        out.appendBigEndian(UInt16(0))
        out.appendBigEndian(STUNAttribute.magicCookie)
        out.appendBigEndian(transactionID.high)
        out.appendBigEndian(transactionID.low)
        do {
            for attribute in attributes {
                switch attribute {
                case .messageIntegrity, .messageIntegritySHA256, .fingerprint: continue
                default: try attribute.encode(into: &out, transactionID: transactionID)
                }
            }
            if let integrity {
                if integrity.algorithms != .sha256 {
                    try appendIntegrity(.sha1, key: integrity.key, start: start, into: &out)
                }
                if integrity.algorithms != .sha1 {
                    try appendIntegrity(.sha256, key: integrity.key, start: start, into: &out)
                }
            }
            if fingerprint {
                // RFC 8489 section 14.7: CRC-32 of the message up to FINGERPRINT, with the length already
                // covering FINGERPRINT, XOR 0x5354554e.
                try setLength(out.count - start + 8, start: start, in: &out)
                let crc = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                try STUNAttribute.fingerprint(crc ^ 0x5354_554E).encode(into: &out, transactionID: transactionID)
            }
            try setLength(out.count - start, start: start, in: &out)
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }

    private func appendIntegrity(
        _ digest: STUNCrypto.Digest, key: [UInt8], start: Int, into out: inout [UInt8]
    ) throws(MediaError) {
        // RFC 8489 section 14.5: the HMAC covers the message up to the attribute, with the header length
        // already counting the integrity attribute itself.
        try setLength(out.count - start + 4 + digest.length, start: start, in: &out)
        let mac = out.withUnsafeBytes {
            STUNCrypto.hmac(digest, key: key, parts: [UnsafeRawBufferPointer(rebasing: $0[start...])])
        }
        guard let mac else { throw MediaError(.unencodable, "OpenSSL could not compute HMAC-\(digest.name)") }
        let attribute: STUNAttribute = digest == .sha1 ? .messageIntegrity(mac) : .messageIntegritySHA256(mac)
        try attribute.encode(into: &out, transactionID: transactionID)
    }

    private func setLength(_ total: Int, start: Int, in out: inout [UInt8]) throws(MediaError) {
        let length = total - Self.headerLength
        guard length <= 0xFFFF else { throw MediaError(.unencodable, "STUN message of \(length) bytes") }
        out.setBigEndian(UInt16(length), at: start + 2)
    }
}
