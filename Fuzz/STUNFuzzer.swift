// libFuzzer entry for the STUN codec: arbitrary bytes must decode to a message or a MediaError, never trap.
// A decoded message is checked for integrity with a fixed key and, when it can be encoded again, must decode
// back to the same attributes (integrity and FINGERPRINT aside, which the encoder recomputes).
//
// Each input is tried twice: as given, and with the header repaired (magic cookie, length) and a trailing
// FINGERPRINT recomputed, so mutations reach the attribute decoders instead of stopping at the CRC.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = STUNMessage.isSTUN(bytes)
    _ = MediaPacketKind.classify(bytes)
    checkSTUN(bytes)
    guard size >= 20 else { return 0 }
    var repaired = Array(bytes.prefix(20 + (size - 20) / 4 * 4))
    repaired[0] &= 0x3F
    repaired.replaceSubrange(4..<8, with: [0x21, 0x12, 0xA4, 0x42])
    repaired[2] = UInt8(truncatingIfNeeded: (repaired.count - 20) >> 8)
    repaired[3] = UInt8(truncatingIfNeeded: repaired.count - 20)
    let last = repaired.count - 8
    if last >= 20, repaired[last] == 0x80, repaired[last + 1] == 0x28 {
        let crc =
            repaired.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<last])) } ^ 0x5354_554E
        for index in 0..<4 { repaired[last + 4 + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
    }
    repaired.withUnsafeBytes { checkSTUN($0) }
    return 0
}

private func checkSTUN(_ bytes: UnsafeRawBufferPointer) {
    guard let decoded = try? STUNDecodedMessage(decoding: bytes) else { return }
    _ = try? decoded.verifyIntegrity(password: "VOkJxbRl1RmTxUk/WvJxBt")
    _ = decoded.message.unknownAttributeResponse()
    let message = decoded.message
    guard
        let encoded = try? message.encoded(
            integrity: .shortTerm(password: "fuzz", algorithms: .both), fingerprint: true)
    else { return }
    guard let again = try? STUNDecodedMessage(decoding: encoded) else {
        fatalError("re-encoded STUN message does not decode")
    }
    do {
        try again.verifyIntegrity(password: "fuzz")
    } catch {
        fatalError("re-encoded STUN message fails its own integrity: \(error)")
    }
    func plain(_ attributes: [STUNAttribute]) -> [STUNAttribute] {
        attributes.filter {
            switch $0 {
            case .messageIntegrity, .messageIntegritySHA256, .fingerprint: false
            default: true
            }
        }
    }
    precondition(again.message.type == message.type && again.message.transactionID == message.transactionID)
    precondition(plain(again.message.attributes) == plain(message.attributes), "STUN round trip changed attributes")
}
