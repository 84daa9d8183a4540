// libFuzzer entry for the XMPP stream parser: arbitrary bytes, fed in the chunk sizes the first
// byte chooses, must end in events or a clean XMLStreamError, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMPPStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else { return 0 }
    let chunk = Int(first % 64) + 1
    let parser = XMLStreamParser(limits: XMLStreamLimits(maxStanzaSize: 65_536, maxDepth: 32, maxAttributes: 16))
    var offset = 1
    do {
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try parser.append(bytes[offset..<end])
            while let event = parser.next() {
                if case .stanza(let element) = event { _ = element.serialized() }
            }
            offset = end
        }
        try parser.finish()
    } catch {
        _ = error.description
    }
    return 0
}
