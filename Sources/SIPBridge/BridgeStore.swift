import Foundation
import GRDB
import Logging
import XMPPComponent
import XMPPCore

/// The little state that must survive a restart, in SQLite under the configured data directory.
///
/// Writes go through GRDB's own serial writer queue asynchronously, so event loops never wait for disk.
public final class BridgeStore: SubscriptionStore {
    let database: DatabaseQueue
    private let logger: Logger

    /// Opens (creating when needed) `bridge.sqlite` in `directory` and migrates it.
    public init(directory: String, logger: Logger) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: (directory as NSString).appendingPathComponent("bridge.sqlite"), configuration: configuration)
        self.logger = logger
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: presence subscriptions") { db in
            try db.create(table: "presence_subscription") { table in
                table.column("contact", .text).notNull()
                table.column("user", .text).notNull()
                table.column("created", .datetime).notNull().defaults(sql: "CURRENT_TIMESTAMP")
                table.primaryKey(["contact", "user"])
            }
        }
        return migrator
    }

    public func loadAll() throws -> [PresenceSubscription] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT contact, user FROM presence_subscription ORDER BY user, contact").compactMap { row in
                guard let contact = try? JID(row["contact"] as String), let user = try? JID(row["user"] as String) else {
                    return nil
                }
                return PresenceSubscription(contact: contact, user: user)
            }
        }
    }

    public func add(_ subscription: PresenceSubscription) {
        write("store subscription \(subscription.user) -> \(subscription.contact)") { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO presence_subscription (contact, user) VALUES (?, ?)",
                arguments: [subscription.contact.description, subscription.user.description])
        }
    }

    public func remove(_ subscription: PresenceSubscription) {
        write("remove subscription \(subscription.user) -> \(subscription.contact)") { db in
            try db.execute(
                sql: "DELETE FROM presence_subscription WHERE contact = ? AND user = ?",
                arguments: [subscription.contact.description, subscription.user.description])
        }
    }

    private func write(_ what: String, _ body: @escaping @Sendable (Database) throws -> Void) {
        let logger = self.logger
        database.asyncWrite({ db in try body(db) }) { _, result in
            if case .failure(let error) = result { logger.error("cannot \(what): \(error)") }
        }
    }

    /// Waits until every write queued so far is on disk (for tests and shutdown).
    public func flush() throws {
        try database.write { _ in }
    }
}
