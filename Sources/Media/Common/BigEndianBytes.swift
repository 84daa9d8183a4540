// Network-order loads and stores shared by the STUN, RTP and RTCP codecs. Callers check bounds first:
// these helpers are on the per-packet path and only assert in debug builds.

extension UnsafeRawBufferPointer {
    @inline(__always) func uint8(at offset: Int) -> UInt8 { self[offset] }

    @inline(__always) func uint16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func uint32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) func uint64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func store(_ value: UInt16, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always) func store(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func appendBigEndian(_ value: UInt32) {
        appendBigEndian(UInt16(truncatingIfNeeded: value >> 16))
        appendBigEndian(UInt16(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func appendBigEndian(_ value: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: value >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: value))
    }

    /// Zero bytes up to the next multiple of four (STUN attributes, RTCP SDES/BYE/APP).
    @inline(__always) mutating func padToFourBytes() {
        while count % 4 != 0 { append(0) }
    }

    /// Big-endian 16-bit value at `offset`, for patching lengths written earlier.
    @inline(__always) mutating func setBigEndian(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies with typed throws (the standard library's form is untyped `rethrows`).
    @inline(__always) func withRawBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(MediaError) -> Result
    ) throws(MediaError) -> Result {
        let outcome: Swift.Result<Result, MediaError> = withUnsafeBytes { raw in
            Swift.Result { () throws(MediaError) in try body(raw) }
        }
        return try outcome.get()
    }

    /// `withUnsafeMutableBytes` for bodies with typed throws.
    @inline(__always) mutating func withMutableRawBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(MediaError) -> Result
    ) throws(MediaError) -> Result {
        let outcome: Swift.Result<Result, MediaError> = withUnsafeMutableBytes { raw in
            Swift.Result { () throws(MediaError) in try body(raw) }
        }
        return try outcome.get()
    }
}
