import Media
import Testing

@testable import SIPBridge

/// SDES-SRTP (RFC 4568) on the SIP leg's SDP: our offer, the answerer's choice of line, the key
/// the peer sends with, and the lines the engine cannot take (MKI, unknown suites).
@Suite("SIP leg SDES")
struct SIPLegSDESTests {
    let address = TransportAddress("203.0.113.7", port: 20002)!
    let codecs = SIPLegSDP.Codec.offered([.pcmu, .telephoneEvent])

    /// 30 octets of key and salt for AES_CM_128_HMAC_SHA1_80 in base64.
    static let peerKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

    func peerSDP(_ cryptoLines: [String], proto: String = "RTP/SAVP") -> String {
        (["v=0", "o=pbx 1 1 IN IP4 198.51.100.20", "s=-", "c=IN IP4 198.51.100.20", "t=0 0",
          "m=audio 40000 \(proto) 0 101", "a=rtpmap:101 telephone-event/8000"]
            + cryptoLines.map { "a=crypto:\($0)" }).joined(separator: "\r\n") + "\r\n"
    }

    @Test("our offer says RTP/SAVP with one crypto line; a peer answering our tag gives its key")
    func offerAndAnswer() throws {
        let ours = try SIPLegSDP.SDES.random()
        let offer = SIPLegSDP.make(address: address, codecs: codecs, sessionID: 1, version: 1, sdes: ours)
        #expect(offer.contains("m=audio 20002 RTP/SAVP 0 101\r\n"))
        #expect(offer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"))
        // Read back, it is a valid answer to itself: the same key comes out as the peer's.
        let echoed = try SIPLegSDP.remote(offer)
        #expect(echoed.secure && echoed.cryptos.count == 1)
        #expect(try echoed.acceptedSDES(ours).inbound == ours.key.masterKey)

        let answer = try SIPLegSDP.remote(peerSDP(["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)"]))
        let keys = try answer.acceptedSDES(ours)
        #expect(keys.outbound == ours.key.masterKey && keys.inbound != ours.key.masterKey)
        // An answer with another tag, or without crypto, refuses our line.
        let otherTag = try SIPLegSDP.remote(peerSDP(["2 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)"]))
        #expect(throws: SIPLegSDP.Problem.noCrypto) { try otherTag.acceptedSDES(ours) }
        let plain = try SIPLegSDP.remote(peerSDP([], proto: "RTP/AVP"))
        #expect(!plain.secure)
        #expect(throws: SIPLegSDP.Problem.noCrypto) { try plain.acceptedSDES(ours) }
    }

    @Test("as answerer: the first usable line wins, with its tag and suite and a key of ours")
    func answerer() throws {
        let offer = try SIPLegSDP.remote(
            peerSDP([
                "1 AES_256_CM_HMAC_SHA1_80 inline:\(Self.peerKey)\(Self.peerKey)",  // a suite we lack
                "2 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)|2^20|1:4",  // an MKI: EVP takes none
                "3 AES_CM_128_HMAC_SHA1_32 inline:\(Self.peerKey)",
                "4 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)",
            ]))
        #expect(offer.cryptos.map(\.tag) == [3, 4])
        let (ours, keys) = try offer.answerSDES()
        #expect(ours.tag == 3 && ours.profile == .aes128CMHMACSHA1_32)
        #expect(keys.outbound == ours.key.masterKey && keys.inbound == offer.cryptos[0].key)
        let answer = SIPLegSDP.make(address: address, codecs: codecs, sessionID: 1, version: 1, sdes: ours)
        #expect(answer.contains("a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:"))
        #expect(throws: SIPLegSDP.Problem.noCrypto) {
            try SIPLegSDP.remote(peerSDP(["1 F8_128_HMAC_SHA1_80 inline:\(Self.peerKey)"])).answerSDES()
        }
    }
}
