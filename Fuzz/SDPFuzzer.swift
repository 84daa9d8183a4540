// libFuzzer entry for the SDP parser: arbitrary bytes must end in a description or a located
// SDPError, never a crash or a hang. A description must serialize to text that parses back to an
// equal model, must show no change against that copy, and must survive the typed accessors and
// the offer/answer engine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let parser = SDPParser(validatesKnownAttributes: size % 2 == 0)
    let parsed: SessionDescription
    do {
        parsed = try parser.parse(bytes: bytes)
    } catch {
        if error.line < 0 { fatalError("negative line in \(error)") }
        _ = error.description
        return 0
    }
    let text = parsed.serialized()
    let reparsed: SessionDescription
    do {
        reparsed = try parser.parse(text)
    } catch {
        fatalError("serialized description does not parse: \(error)\n\(text)")
    }
    if reparsed != parsed { fatalError("round trip changed the description:\n\(text)") }
    if reparsed.serialized() != text { fatalError("serialization is not stable:\n\(text)") }
    if !OfferAnswer.changes(from: parsed, to: reparsed).isEmpty { fatalError("changes against an equal copy") }

    for media in parsed.media {
        _ = (media.rtpMaps, media.formatParameters.map(\.parameterList), media.formatParameters.map(\.telephoneEvents))
        _ = (media.candidates, media.cryptos, media.fingerprints, media.extensionMaps, media.rtcpFeedback)
        _ = (media.ssrcAttributes, media.ssrcGroups, media.msid, media.rtcp, media.setup, media.direction)
        _ = (media.ptime, media.maxptime, media.iceOptions, media.payloadTypes.map { media.codec(for: $0) })
    }
    let capabilities = LocalCapabilities(
        origin: Origin(sessionID: "1", sessionVersion: 1, unicastAddress: "192.0.2.1"), connection: .ip4("192.0.2.1"),
        media: [
            MediaCapability(
                type: .audio, codecs: [.opus(), .pcmu, .pcma, .g722], telephoneEvent: .init(), port: 4000,
                acceptedProtocols: [.rtpAVP, .rtpSAVP, .udpTLSRTPSAVPF], rtcpMux: true),
            MediaCapability(type: .video, codecs: [Codec(name: "VP8", clockRate: 90000)], port: 4002),
        ])
    for preferOurOrder in [false, true] {
        do {
            let answer = try OfferAnswer.answer(to: parsed, capabilities: capabilities, preferOurOrder: preferOurOrder)
            if answer.media.count != parsed.media.count { fatalError("answer changed the media count") }
        } catch {
            fatalError("answer failed: \(error)\n\(text)")
        }
    }
    return 0
}
