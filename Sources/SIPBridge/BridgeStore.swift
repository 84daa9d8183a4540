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
        migrator.registerMigration("v2: call records") { db in
            try db.create(table: "call_record") { table in
                table.column("sid", .text).primaryKey()
                table.column("direction", .text).notNull()
                table.column("user", .text).notNull().indexed()
                table.column("party", .text).notNull()
                table.column("started", .datetime).notNull().indexed()
                table.column("answered", .datetime)
                table.column("ended", .datetime).notNull()
                table.column("reason", .text).notNull()
                table.column("jingle_codec", .text)
                table.column("sip_codec", .text)
                table.column("transcoded", .boolean).notNull()
                table.column("packets_received", .integer).notNull()
                table.column("packets_sent", .integer).notNull()
                table.column("packets_lost", .integer).notNull()
            }
        }
        return migrator
    }

    /// Keeps a finished call (asynchronously).
    public func add(_ record: CallRecord) {
        write("store call record \(record.sid)") { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO call_record (sid, direction, user, party, started, answered, ended, reason,
                        jingle_codec, sip_codec, transcoded, packets_received, packets_sent, packets_lost)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.sid, record.direction, record.user, record.party, record.started, record.answered,
                    record.ended, record.reason, record.jingleCodec, record.sipCodec, record.transcoded,
                    record.packetsReceived, record.packetsSent, record.packetsLost,
                ])
        }
    }

    /// `recentCalls` off the caller's thread (GRDB's reader queue); the completion runs there too.
    public func recentCalls(
        user: String? = nil, limit: Int = 20, completion: @escaping @Sendable (Result<[CallRecord], any Error>) -> Void
    ) {
        database.asyncRead { result in
            completion(Result { try Self.fetchRecentCalls(try result.get(), user: user, limit: limit) })
        }
    }

    /// The most recent finished calls, newest first; only `user`'s when given.
    public func recentCalls(user: String? = nil, limit: Int = 20) throws -> [CallRecord] {
        try database.read { db in try Self.fetchRecentCalls(db, user: user, limit: limit) }
    }

    private static func fetchRecentCalls(_ db: Database, user: String?, limit: Int) throws -> [CallRecord] {
        let filter = user == nil ? "" : "WHERE user = ?"
        let arguments: StatementArguments = user.map { [$0, limit] } ?? [limit]
        return try Row.fetchAll(
            db, sql: "SELECT * FROM call_record \(filter) ORDER BY started DESC LIMIT ?", arguments: arguments
        ).map { row in
            CallRecord(
                sid: row["sid"], direction: row["direction"], user: row["user"], party: row["party"],
                started: row["started"], answered: row["answered"], ended: row["ended"], reason: row["reason"],
                jingleCodec: row["jingle_codec"], sipCodec: row["sip_codec"], transcoded: row["transcoded"],
                packetsReceived: row["packets_received"], packetsSent: row["packets_sent"],
                packetsLost: row["packets_lost"])
        }
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
