import Foundation
import Logging
import Testing
import XMPPComponent
import XMPPCore

@testable import SIPBridge

@Suite struct BridgeStoreTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "bridge-store-\(UUID().uuidString)/nested"
        return path
    }

    @Test func subscriptionsSurviveReopening() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try BridgeStore(directory: directory, logger: Logger(label: "t"))
        let a = PresenceSubscription(contact: try JID("+15551234567@sip.localhost"), user: try JID("alice@localhost"))
        let b = PresenceSubscription(contact: try JID("sip.localhost"), user: try JID("bob@localhost"))
        first.add(a)
        first.add(b)
        first.add(a)
        first.remove(b)
        try first.flush()
        let reopened = try BridgeStore(directory: directory, logger: Logger(label: "t"))
        #expect(try reopened.loadAll() == [a])
    }

    @Test func callRecordsSurviveReopeningNewestFirstPerUser() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try BridgeStore(directory: directory, logger: Logger(label: "t"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ sid: String, user: String, offset: TimeInterval) -> CallRecord {
            CallRecord(
                sid: sid, direction: "outbound", user: user, party: "+15551234567", started: start + offset,
                answered: start + offset + 2, ended: start + offset + 62, reason: "success", jingleCodec: "opus",
                sipCodec: "PCMU", transcoded: true, packetsReceived: 3000, packetsSent: 2990, packetsLost: 4)
        }
        store.add(record("a", user: "alice@localhost", offset: 0))
        store.add(record("b", user: "bob@localhost", offset: 10))
        store.add(record("c", user: "alice@localhost", offset: 20))
        try store.flush()
        let reopened = try BridgeStore(directory: directory, logger: Logger(label: "t"))
        let alices = try reopened.recentCalls(user: "alice@localhost")
        #expect(alices.map(\.sid) == ["c", "a"])
        #expect(alices.first == record("c", user: "alice@localhost", offset: 20))
        #expect(try reopened.recentCalls(limit: 1).map(\.sid) == ["c"])
        #expect(alices[0].summary.contains("60s opus/PCMU transcoded rx 3000 tx 2990 lost 4: success"))
    }
}
