import Foundation
import GRDB
public import Logging
public import RapportCore

/// The embedded default ``Store``: one SQLite file in WAL mode, through GRDB.
///
/// All work goes through one connection, one transaction at a time (an async lock keeps a
/// suspended transaction body from interleaving with other writers). Committed data survives a
/// crash or `kill -9` of the process. The WAL is moved into the database file in the
/// background (``WALCheckpointer``), never by a commit.
public final class SQLiteStore: Store {
    private let queue: DatabaseQueue
    private let lock = AsyncLock()
    private let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database at `path`, and its folder; the WAL is checkpointed
    /// every `checkpointInterval`.
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened or is not a Rapport database.
    public init(
        path: String, checkpointInterval: Duration = .seconds(1), logger: Logger = Logger(label: "rapport.store.sqlite")
    ) throws {
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path, configuration: Self.configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                // Once checkpointed, a WAL that grew in a burst is cut back to this size (64 MiB).
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
            try Self.createBaseTables(queue)
            checkpointer = try WALCheckpointer(
                path: path, every: checkpointInterval, configuration: Self.configuration, logger: logger)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "Cannot open the SQLite database at \(path).", cause: error)
        }
    }

    /// A private database in memory, for tests.
    public init() throws {
        queue = try DatabaseQueue(configuration: Self.configuration)
        checkpointer = nil
        try Self.createBaseTables(queue)
    }

    /// A transaction spans several database accesses (its body is async), which GRDB allows only
    /// when asked; the async lock makes that safe.
    ///
    /// Temporary storage stays in memory: with the file default of Debian's SQLite, an upsert in
    /// a savepoint (every recorded help event) created, wrote and deleted a statement journal in
    /// `/var/tmp` each time.
    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        return configuration
    }

    private static func createBaseTables(_ queue: DatabaseQueue) throws {
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS rapport_migrations (
                    namespace TEXT NOT NULL, version INTEGER NOT NULL, summary TEXT NOT NULL,
                    applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version));
                CREATE TABLE IF NOT EXISTS rapport_kv (
                    namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (namespace, key));
                """)
        }
    }

    public func migrate(_ namespace: String, _ migrations: [Migration]) async throws {
        let applied = Set(
            try await query("SELECT version FROM rapport_migrations WHERE namespace = ?", [.text(namespace)])
                .compactMap { $0["version"].int })
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            do {
                try await transaction { sql in
                    for statement in migration.statements { try await sql.execute(statement, []) }
                    try await sql.execute(
                        "INSERT INTO rapport_migrations (namespace, version, summary, applied_at) VALUES (?, ?, ?, ?)",
                        [.text(namespace), .integer(Int64(migration.version)), .text(migration.summary),
                         .text(Date().formatted(.iso8601))])
                }
            } catch {
                throw StoreError(
                    .migrationFailed, "Migration \(namespace) #\(migration.version) (\(migration.summary)) failed.",
                    cause: error)
            }
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        if let open = OpenTransaction.joined(on: self) { return try await open.savepoint(body) }
        return try await alone { executor in
            let control: @Sendable (String) async throws -> Void = { _ = try await executor.execute($0, []) }
            let transaction = OpenTransaction(on: self, connection: executor, begin: { try await control("BEGIN IMMEDIATE") }, control: control)
            do {
                let result = try await transaction.run(body)
                try await transaction.commit()
                return result
            } catch {
                _ = await transaction.rollBack()
                throw error
            }
        }
    }

    /// One statement is its own transaction in SQLite's autocommit mode: no BEGIN and COMMIT
    /// round trips (a busy channel writes for most messages).
    public func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
        try await alone { try await $0.execute(sql, arguments) }
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await alone { try await $0.query(sql, arguments) }
    }

    /// Runs `body` on the connection with no other caller interleaved: in the transaction this
    /// task has open, or holding the lock.
    private func alone<T>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        if let open = OpenTransaction.joined(on: self) { return try await body(open.executor) }
        await lock.acquire()
        defer { lock.release() }
        return try await body(Executor(queue: queue))
    }

    /// Checkpoints the WAL into the database file and closes the connection.
    public func close() async {
        await checkpointer?.stop()
        await lock.acquire()
        try? queue.close()
        lock.release()
    }

    public func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] {
        try await query(
            "SELECT key, value FROM rapport_kv WHERE namespace = ? AND substr(key, 1, ?) = ? ORDER BY key",
            [.text(namespace), .integer(Int64(keyPrefix.utf8.count)), .text(keyPrefix)]
        ).compactMap { row in row["key"].string.flatMap { key in row["value"].string.map { (key, $0) } } }
    }

    /// Runs statements on the connection; only used while holding the lock (``alone(_:)``).
    private struct Executor: SQLExecutor {
        let queue: DatabaseQueue

        // Statements are prepared once per connection and reused (GRDB's statement cache): a
        // busy channel runs the same few statements for every message. Values always travel as
        // `?` arguments, never in the SQL text, so the cache holds one entry per statement.
        func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
            try queue.inDatabase { db in
                try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
                return db.changesCount
            }
        }

        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try queue.inDatabase { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map { row in
                    var columns: [String: SQLValue] = [:]
                    for (name, value) in row { columns[name.lowercased()] = SQLValue(value) }
                    return SQLRow(columns)
                }
            }
        }
    }
}

extension StatementArguments {
    /// Positional arguments. Typed as GRDB's own values: `StatementArguments(values.map { … })`
    /// picks the failable `[Any]` initializer, which casts every value at run time.
    init(_ values: [SQLValue]) {
        let converted: [(any DatabaseValueConvertible)?] = values.map { $0.databaseValue }
        self.init(converted)
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let i): self = .integer(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
