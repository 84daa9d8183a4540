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
}
