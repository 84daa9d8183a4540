@testable import SDP

/// Builds random but grammatical models for the property tests, from a seed.
struct ModelGenerator {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func maybe<T>(_ make: (inout ModelGenerator) -> T) -> T? { bool() ? make(&self) : nil }
    mutating func list<T>(_ range: ClosedRange<Int>, _ make: (inout ModelGenerator) -> T) -> [T] {
        (0..<int(range)).map { _ in make(&self) }
    }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }
    mutating func number<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self) -> T {
        bool() ? T.random(in: 0...T.max, using: &rng) : T(truncatingIfNeeded: int(0...200))
    }

    static let tokenCharacters = Array(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`{|}~")
    static let textCharacters =
        Array("abcXYZ019 :/=;*-_.,!?@#\"'<>()[]{}|\\\t~") + ["\u{E9}", "\u{1F600}", "\u{301}", "\u{7F}", "\u{A0}"]
    static let iceCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
    static let suiteCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_abc")

    mutating func string(from characters: [Character], _ lengths: ClosedRange<Int>) -> String {
        String((0..<int(lengths)).map { _ in pick(characters) })
    }
    mutating func token(_ lengths: ClosedRange<Int> = 1...8) -> String { string(from: Self.tokenCharacters, lengths) }
    mutating func text() -> String { string(from: Self.textCharacters, 0...12) }
    /// Visible characters without spaces (for fields like addresses).
    mutating func word() -> String {
        string(from: Self.textCharacters.filter { ![" ", "\t", "\u{A0}", "\u{301}", "\u{7F}"].contains($0) }, 1...10)
    }
    mutating func digits() -> String { string(from: Array("0123456789"), 1...20) }

    mutating func ip4() -> String { (0..<4).map { _ in String(int(0...255)) }.joined(separator: ".") }
    mutating func ip6() -> String {
        (0..<int(2...8)).map { _ in String(int(0...0xFFFF), radix: 16) }.joined(separator: ":")
    }

    mutating func connection() -> ConnectionData {
        switch int(0...2) {
        case 0:
            let ttl: UInt8? = maybe { $0.number() }
            return ConnectionData(
                addressType: "IP4", address: bool() ? ip4() : token(), ttl: ttl,
                numberOfAddresses: ttl == nil ? nil : maybe { $0.number() })
        case 1:
            return ConnectionData(addressType: "IP6", address: ip6(), numberOfAddresses: maybe { $0.number() })
        default:
            return ConnectionData(networkType: token(), addressType: "X-NET", address: word())
        }
    }

    mutating func origin() -> Origin {
        Origin(
            username: token(), sessionID: digits(), sessionVersion: number(), networkType: "IN",
            addressType: pick(["IP4", "IP6"]), unicastAddress: word())
    }

    mutating func timing() -> TimeDescription {
        TimeDescription(
            start: number(), stop: number(),
            repeats: list(0...2) { $0.pick(["604800 3600 0 90000", "7d 1h 0 25h", "1d  2h 3m 4s"]) })
    }

    mutating func unknownAttribute() -> Attribute {
        Attribute("x-" + token(), maybe { $0.text() })
    }

    mutating func candidate() -> ICECandidate {
        let related = bool()
        return ICECandidate(
            foundation: string(from: Self.iceCharacters, 1...32), component: UInt16(int(0...999)), transport: token(),
            priority: number(), address: word(), port: number(), type: ICECandidate.CandidateType(rawValue: token()),
            relatedAddress: related ? word() : nil, relatedPort: related || bool() ? number() : nil,
            extensions: list(0...3) { gen in
                var name = gen.token()
                while name == "raddr" || name == "rport" { name = gen.token() }
                return ICECandidate.Extension(name, gen.word())
            })
    }

    mutating func crypto() -> CryptoAttribute {
        CryptoAttribute(
            tag: UInt32(int(0...999_999_999)), suite: string(from: Self.suiteCharacters, 1...24),
            keyParameters: list(1...2) { gen in
                if gen.int(0...3) == 0 {
                    var method = gen.string(from: Self.suiteCharacters, 1...8)
                    if method == "inline" { method = "other" }
                    return .other(method: method, info: "i" + gen.word().filter { $0 != ";" })
                }
                let bytes = gen.list(1...60) { UInt8.random(in: 0...255, using: &$0.rng) }
                let lifetime: CryptoAttribute.SRTPKey.Lifetime? = gen.maybe { g in
                    g.bool() ? .powerOfTwo(g.number()) : .packets(g.number())
                }
                let mki = gen.maybe { g in CryptoAttribute.SRTPKey.MKI(value: g.number(), length: UInt8(g.int(1...128)))
                }
                return .inline(.init(keySalt: bytes, lifetime: lifetime, mki: mki))
            },
            sessionParameters: list(0...2) { $0.word() })
    }

    mutating func typedAttributes() -> [Attribute] {
        var media = MediaDescription(type: .audio, port: 0, proto: .rtpAVP)
        let tokenFormat: (inout ModelGenerator) -> String = { gen in
            var format = gen.token()
            while format == "*" { format = gen.token() }
            return format
        }
        for _ in 0..<int(0...6) {
            switch int(0...17) {
            case 0:
                media.rtpMaps.append(
                    RTPMap(
                        payloadType: UInt8(int(0...127)), encodingName: token(), clockRate: number(),
                        channels: maybe { $0.number() }))
            case 1:
                media.formatParameters.append(FormatParameters(format: token(), parameters: bool() ? "" : "p" + text()))
            case 2: media.direction = pick(MediaDirection.allCases)
            case 3:
                media.rtcp = RTCPAttribute(
                    port: number(),
                    address: maybe { .init(networkType: $0.token(), addressType: $0.token(), address: $0.word()) })
            case 4: media.rtcpMux = true
            case 5:
                media.rtcpFeedback.append(
                    RTCPFeedback(
                        target: bool() ? .all : .format(tokenFormat(&self)), type: token(),
                        subtype: maybe { g in g.list(1...3) { $0.token() }.joined(separator: " ") }))
            case 6:
                media.extensionMaps.append(
                    ExtensionMap(
                        id: number(), direction: maybe { $0.pick(MediaDirection.allCases) }, uri: word(),
                        attributes: maybe { g in g.list(1...3) { $0.word() }.joined(separator: " ") }))
            case 7:
                media.ssrcAttributes.append(
                    SSRCAttribute(ssrc: number(), attribute: token(), value: maybe { $0.text() }))
            case 8: media.ssrcGroups.append(SSRCGroup(semantics: token(), ssrcs: list(0...3) { $0.number() }))
            case 9: media.groups.append(MediaGroup(semantics: token(), mids: list(0...3) { $0.token() }))
            case 10: media.mid = token()
            case 11: media.msid.append(MediaStreamID(id: token(), appData: maybe { $0.token() }))
            case 12:
                media.iceUfrag = string(from: Self.iceCharacters, 4...40)
                media.icePwd = string(from: Self.iceCharacters, 22...40)
            case 13: media.candidates.append(candidate())
            case 14:
                media.fingerprints.append(
                    Fingerprint(
                        hashFunction: token(), value: list(1...64) { UInt8.random(in: 0...255, using: &$0.rng) }))
            case 15: media.setup = pick(SetupRole.allCases)
            case 16: media.cryptos.append(crypto())
            default:
                media.iceOptions = list(1...3) { $0.token() }
                media.endOfCandidates = bool()
                media.iceLite = bool()
                media.ptime = maybe { $0.int(0...1000) }
            }
            if bool() { media.attributes.append(unknownAttribute()) }
        }
        return media.attributes
    }

    mutating func mediaDescription(needsConnection: Bool) -> MediaDescription {
        MediaDescription(
            type: MediaType(token()), port: number(), portCount: maybe { $0.number() },
            proto: TransportProtocol(list(1...4) { $0.token() }.joined(separator: "/")),
            formats: list(1...6) { $0.token(1...3) }, information: maybe { $0.text() },
            connections: list(needsConnection ? 1...2 : 0...2) { $0.connection() },
            bandwidths: list(0...2) { Bandwidth(type: $0.token(), value: $0.number()) },
            encryptionKey: maybe { $0.text() }, attributes: typedAttributes())
    }

    mutating func session() -> SessionDescription {
        let connection = maybe { $0.connection() }
        var sdp = SessionDescription(
            origin: origin(), sessionName: text(), information: maybe { $0.text() }, uri: maybe { $0.text() },
            emails: list(0...2) { $0.text() }, phones: list(0...2) { $0.text() }, connection: connection,
            bandwidths: list(0...2) { Bandwidth(type: $0.token(), value: $0.number()) },
            timing: list(1...3) { $0.timing() },
            zoneAdjustments: maybe { $0.pick(["2882844526 -1h 2898848070 0", "1 2d"]) },
            encryptionKey: maybe { $0.text() })
        sdp.attributes = typedAttributes()
        sdp.media = list(0...4) { $0.mediaDescription(needsConnection: connection == nil) }
        return sdp
    }
}
