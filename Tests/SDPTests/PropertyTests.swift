import Testing

@testable import SDP

@Suite struct PropertyTests {
    /// parse(serialize(x)) == x for random models built through the public initializers and
    /// the typed setters, and serializing is stable.
    @Test(arguments: 0..<8)
    func builtModelsRoundTrip(batch: Int) throws {
        for seed in 0..<50 {
            var generator = ModelGenerator(seed: UInt64(batch * 1_000 + seed))
            let model = generator.session()
            try RoundTrip.assertModel(model)
            #expect(throws: Never.self) { try model.validate() }
            // No model is different from itself.
            #expect(OfferAnswer.changes(from: model, to: model).isEmpty)
        }
    }

    /// Every typed value a generator makes reads back as itself from its printed form.
    @Test func typedValuesRoundTrip() throws {
        var generator = ModelGenerator(seed: 42)
        for _ in 0..<400 {
            let candidate = generator.candidate()
            #expect(try ICECandidate(attributeValue: candidate.attributeValue) == candidate)
            let crypto = generator.crypto()
            #expect(try CryptoAttribute(attributeValue: crypto.attributeValue) == crypto)
            for attribute in generator.typedAttributes() {
                // Every attribute written by a typed setter passes the parser's validation.
                #expect(throws: Never.self, "\(attribute)") { try attribute.validate() }
            }
        }
    }

    /// Typed views of the fixtures' attributes print back to the received text, so writing a
    /// parsed typed value changes nothing on the wire.
    @Test(arguments: FixtureTests.all.keys.sorted())
    func typedViewsReprintFixtures(name: String) throws {
        let sdp = try SessionDescription(parsing: try #require(FixtureTests.all[name]))
        func reprint<Value: SDPAttributeValue>(_: Value.Type, _ value: String) throws -> String {
            try Value(attributeValue: value).attributeValue
        }
        var checked = 0
        for attribute in sdp.attributes + sdp.media.flatMap(\.attributes) {
            guard let value = attribute.value else { continue }
            let printed: String
            switch attribute.name {
            case "rtpmap": printed = try reprint(RTPMap.self, value)
            case "fmtp": printed = try reprint(FormatParameters.self, value)
            case "candidate": printed = try reprint(ICECandidate.self, value)
            case "extmap": printed = try reprint(ExtensionMap.self, value)
            case "ssrc": printed = try reprint(SSRCAttribute.self, value)
            case "rtcp-fb": printed = try reprint(RTCPFeedback.self, value)
            case "crypto": printed = try reprint(CryptoAttribute.self, value)
            case "fingerprint": printed = try reprint(Fingerprint.self, value)
            case "msid": printed = try reprint(MediaStreamID.self, value)
            case "rtcp": printed = try reprint(RTCPAttribute.self, value)
            case "setup": printed = try reprint(SetupRole.self, value)
            case "group": printed = try reprint(MediaGroup.self, value)
            default: continue
            }
            #expect(printed == value)
            checked += 1
        }
        #expect(checked > 0 || sdp.media.allSatisfy { $0.attributes.isEmpty })
    }
}
