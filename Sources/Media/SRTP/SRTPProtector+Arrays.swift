extension SRTPProtector {
    /// `protectRTP(_:length:)` on an array, which grows by the tag. Allocates: for tests and control paths.
    public func protectRTP(_ packet: inout [UInt8]) throws(MediaError) {
        try transform(&packet, room: profile.rtpOverhead) { (buffer, length) throws(MediaError) in
            try protectRTP(buffer, length: length)
        }
    }

    /// `unprotectRTP(_:length:)` on an array, which shrinks to the RTP packet. Left unchanged on error.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(MediaError) {
        try transform(&packet, room: 0) { (buffer, length) throws(MediaError) in
            try unprotectRTP(buffer, length: length)
        }
    }

    /// `protectRTCP(_:length:)` on an array, which grows by the trailer.
    public func protectRTCP(_ packet: inout [UInt8]) throws(MediaError) {
        try transform(&packet, room: profile.rtcpOverhead) { (buffer, length) throws(MediaError) in
            try protectRTCP(buffer, length: length)
        }
    }

    /// `unprotectRTCP(_:length:)` on an array, which shrinks to the compound RTCP packet. Left unchanged on error.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(MediaError) {
        try transform(&packet, room: 0) { (buffer, length) throws(MediaError) in
            try unprotectRTCP(buffer, length: length)
        }
    }

    /// Runs `body` on a working copy with `room` spare octets; the result replaces `packet` only on success.
    private func transform(
        _ packet: inout [UInt8], room: Int,
        _ body: (UnsafeMutableRawBufferPointer, Int) throws(MediaError) -> Int
    ) throws(MediaError) {
        var work = packet + [UInt8](repeating: 0, count: room)
        let length = try work.withMutableRawBytes { (raw) throws(MediaError) in try body(raw, packet.count) }
        work.removeLast(work.count - length)
        packet = work
    }
}
