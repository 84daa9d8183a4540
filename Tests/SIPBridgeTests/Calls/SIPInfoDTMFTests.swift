import SIP
import Testing

@testable import SIPBridge

@Suite("SIP INFO DTMF")
struct SIPInfoDTMFTests {
    let relay = try! SIPMediaType(parsing: "application/dtmf-relay")
    let plain = try! SIPMediaType(parsing: "application/dtmf")

    @Test("dtmf-relay bodies: signal and duration, clamped; every RFC 4733 digit")
    func relayBodies() {
        #expect(SIPInfoDTMF(body: Array("Signal=5\r\nDuration=250\r\n".utf8), contentType: relay)
            == SIPInfoDTMF(event: 5, durationMilliseconds: 250))
        #expect(SIPInfoDTMF(body: Array("signal= #\nduration=99999".utf8), contentType: relay)?.durationMilliseconds == 2000)
        #expect(SIPInfoDTMF(body: Array("Signal=*".utf8), contentType: relay)?.event == 10)
        let digits = Array("0123456789*#ABCD")
        #expect(digits.map { SIPInfoDTMF.event(for: $0) } == (0...15).map { UInt8($0) })
    }

    @Test("application/dtmf, and what is not DTMF")
    func otherBodies() {
        #expect(SIPInfoDTMF(body: Array("9\r\n".utf8), contentType: plain)?.event == 9)
        #expect(SIPInfoDTMF(body: Array("Signal=X".utf8), contentType: relay) == nil)
        #expect(SIPInfoDTMF(body: Array("Signal=5".utf8), contentType: .sdp) == nil)
        #expect(SIPInfoDTMF(body: [], contentType: nil) == nil)
    }
}
