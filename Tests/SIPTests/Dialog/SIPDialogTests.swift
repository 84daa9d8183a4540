import NIOCore
import Testing

@testable import SIP

/// `SIPDialog`: creation as UAC and UAS (RFC 3261 12.1), requests with loose and strict routing
/// (12.2.1.1), the CSeq rule (12.2.2) and target refresh.
@Suite struct SIPDialogTests {
    static let invite = SessionTest.message(
        """
        INVITE sip:bob@biloxi.example.com SIP/2.0
        Via: SIP/2.0/UDP 203.0.113.5:5070;branch=z9hG4bKinv;rport
        Max-Forwards: 70
        From: "Alice" <sip:alice@atlanta.example.com>;tag=a73kszlfl
        To: <sip:bob@biloxi.example.com>
        Call-ID: 1j9FpLxk3uxtm8tn@203.0.113.5
        CSeq: 10 INVITE
        Contact: <sip:alice@203.0.113.5:5070>
        Content-Length: 0


        """)

    static let via = SIPVia(transport: "UDP", host: .ipv4("203.0.113.5"), port: 5070, branch: "z9hG4bKnew")

    func okResponse(recordRoute: [String], contact: String = "<sip:bob@192.0.2.4>") -> SIPMessage {
        SessionTest.response(to: Self.invite, 200, toTag: "314159", contact: contact, recordRoute: recordRoute)
    }

    @Test func uacDialogFromA2xxReversesTheRecordRoute() throws {
        let dialog = try SIPDialog(
            uacRequest: Self.invite,
            response: okResponse(recordRoute: ["<sip:p2.example.com;lr>, <sip:p1.example.com;lr>"]))
        #expect(
            dialog.id == SIPDialogID(callID: "1j9FpLxk3uxtm8tn@203.0.113.5", localTag: "a73kszlfl", remoteTag: "314159")
        )
        #expect(dialog.role == .uac)
        #expect(dialog.state == .confirmed)
        #expect(dialog.localSequence == 10)
        #expect(dialog.remoteSequence == nil)
        #expect(dialog.remoteTarget.description == "sip:bob@192.0.2.4")
        // 12.1.2: reverse order.
        #expect(dialog.routeSet.map(\.uri.description) == ["sip:p1.example.com;lr", "sip:p2.example.com;lr"])
        #expect(dialog.localAddress.displayName == "Alice")
        #expect(dialog.remoteAddress.tag == "314159")
    }

    @Test func uasDialogKeepsTheRecordRouteOrder() throws {
        var request = Self.invite
        request.headers.add(.recordRoute, "<sip:p2.example.com;lr>")
        request.headers.add(.recordRoute, "<sip:p1.example.com;lr>")
        let dialog = try SIPDialog(uasRequest: request, localTag: "ours")
        #expect(
            dialog.id == SIPDialogID(callID: "1j9FpLxk3uxtm8tn@203.0.113.5", localTag: "ours", remoteTag: "a73kszlfl"))
        #expect(dialog.routeSet.map(\.uri.description) == ["sip:p2.example.com;lr", "sip:p1.example.com;lr"])
        #expect(dialog.remoteSequence == 10)
        #expect(dialog.localSequence == nil)
        #expect(dialog.remoteTarget.description == "sip:alice@203.0.113.5:5070")
        #expect(dialog.localAddress.tag == "ours")
    }

    @Test func looseRoutingKeepsTheRemoteTargetInTheRequestURI() throws {
        var dialog = try SIPDialog(
            uacRequest: Self.invite,
            response: okResponse(recordRoute: ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]))
        let bye = dialog.makeRequest(.bye, via: Self.via)
        #expect(bye.requestURI?.description == "sip:bob@192.0.2.4")
        #expect(bye.headers.values(for: .route) == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        #expect(try bye.cseq == SIPCSeq(sequence: 11, method: .bye))
        #expect(try bye.to?.tag == "314159")
        #expect(try bye.from?.tag == "a73kszlfl")
        #expect(try bye.callID == "1j9FpLxk3uxtm8tn@203.0.113.5")
        #expect(dialog.nextHopURI.description == "sip:p1.example.com;lr")
        // The ACK for the INVITE's 2xx keeps the INVITE's number and does not count.
        let ack = dialog.makeACK(sequence: 10, via: Self.via)
        #expect(try ack.cseq == SIPCSeq(sequence: 10, method: .ack))
        let info = dialog.makeRequest(.info, via: Self.via)
        #expect(info.headers[.cseq] == "12 INFO")
    }

    @Test func strictRoutingPutsTheFirstRouteInTheRequestURI() throws {
        var dialog = try SIPDialog(
            uacRequest: Self.invite,
            response: okResponse(recordRoute: ["<sip:p2.example.com;lr>", "<sip:p1.example.com;method=INVITE?x=y>"]))
        let bye = dialog.makeRequest(.bye, via: Self.via)
        // 12.2.1.1: first route (parameters not allowed in a Request-URI stripped), the others
        // and the remote target as the last Route.
        #expect(bye.requestURI?.description == "sip:p1.example.com")
        #expect(bye.headers.values(for: .route) == ["<sip:p2.example.com;lr>", "<sip:bob@192.0.2.4>"])
        #expect(dialog.nextHopURI.description == "sip:p1.example.com;method=INVITE?x=y")
    }

    @Test func uasStartsItsOwnSequenceAtOne() throws {
        var dialog = try SIPDialog(uasRequest: Self.invite, localTag: "ours")
        let bye = dialog.makeRequest(.bye, via: Self.via)
        #expect(try bye.cseq == SIPCSeq(sequence: 1, method: .bye))
        #expect(try bye.to?.tag == "a73kszlfl")
        #expect(try bye.from?.tag == "ours")
        #expect(bye.requestURI?.description == "sip:alice@203.0.113.5:5070")
        #expect(!bye.headers.contains(.route))
    }

    @Test func lowerRemoteCSeqIsOutOfOrder() throws {
        var dialog = try SIPDialog(uasRequest: Self.invite, localTag: "ours")
        func request(_ method: SIPMethod, _ sequence: UInt32) -> SIPMessage {
            var m = Self.invite
            m.startLine = .request(method: method, uri: m.requestURI!)
            m.headers.set(.cseq, "\(sequence) \(method)")
            return m
        }
        let info = dialog.checkRequest(request(.info, 11))
        #expect(info == .accepted)
        #expect(dialog.remoteSequence == 11)
        // ACK and CANCEL carry an older number and are not counted.
        let ack = dialog.checkRequest(request(.ack, 10))
        #expect(ack == .accepted)
        #expect(dialog.remoteSequence == 11)
        let late = dialog.checkRequest(request(.bye, 9))
        #expect(late == .outOfOrder(lastRemoteSequence: 11))
        #expect(dialog.remoteSequence == 11)
        let next = dialog.checkRequest(request(.bye, 12))
        #expect(next == .accepted)
    }

    @Test func targetRefreshTakesTheNewContact() throws {
        var dialog = try SIPDialog(uacRequest: Self.invite, response: okResponse(recordRoute: []))
        var reinvite = Self.invite
        reinvite.headers.set(.contact, "<sip:bob@192.0.2.99:5999>")
        let changed = dialog.refreshRemoteTarget(from: reinvite)
        #expect(changed)
        #expect(dialog.remoteTarget.description == "sip:bob@192.0.2.99:5999")
        reinvite.headers.remove(.contact)
        let unchanged = dialog.refreshRemoteTarget(from: reinvite)
        #expect(!unchanged)
        #expect(dialog.remoteTarget.description == "sip:bob@192.0.2.99:5999")
    }

    @Test func unusableResponsesThrowPreciseErrors() {
        // A provisional response without a To tag creates no dialog.
        let ringing = SessionTest.response(to: Self.invite, 180, toTag: nil)
        #expect(throws: SIPParseError.self) { try SIPDialog(uacRequest: Self.invite, response: ringing) }
        // A 2xx without Contact has no remote target.
        let noContact = SessionTest.response(to: Self.invite, 200, contact: nil)
        do {
            _ = try SIPDialog(uacRequest: Self.invite, response: noContact)
            Issue.record("no error")
        } catch let error as SIPParseError {
            #expect(error.code == .missingHeader)
            #expect(error.header == "Contact")
        } catch {
            Issue.record("\(error)")
        }
        // An RFC 2543 2xx without To tag gets the empty remote tag.
        let oldStyle = SessionTest.response(to: Self.invite, 200, toTag: nil)
        #expect((try? SIPDialog(uacRequest: Self.invite, response: oldStyle))?.id.remoteTag == "")
    }
}
