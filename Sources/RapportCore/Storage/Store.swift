/// Durable storage for the bot and its plugins: SQL tables, and a namespaced key-value map.
///
/// Backends (SQLite, PostgreSQL) live in their own modules; the rest of Rapport only sees this
/// protocol. SQL given to a store is the portable subset both backends accept: `?` placeholders
/// (outside string literals), `INTEGER` (32 bits on PostgreSQL), `BIGINT`, `DOUBLE PRECISION`
/// (not `REAL`: 4 bytes on PostgreSQL), `TEXT` (no NUL character) columns, and
/// `INSERT … ON CONFLICT … DO UPDATE`. A ``Migration`` may carry a PostgreSQL variant where the
/// dialects differ (auto-numbered keys, for one).
///
/// ## Concurrency
/// Every call is atomic, and ``transaction(_:)`` commits all of its body or nothing. Other
/// writers may interleave with a transaction (PostgreSQL: read committed, several instances on
/// one database), so a read-then-write is made safe by the SQL itself: a conditional `UPDATE …
/// WHERE` or `DELETE … RETURNING` whose row count or rows say who won, `INSERT … ON CONFLICT`,
/// `SET n = n + ?`. Where an order between writers matters beyond one statement, the body takes
/// a named lock first (``SQLExecutor/lock(_:)``). A backend may run a transaction's body again
/// after a serialization failure or deadlock, so a body only touches the database.
///
/// ## Conforming
/// ``transaction(_:)`` commits only when the body returns. A backend that keeps a `rapport_kv (namespace, key, value)`
/// table gets ``value(forKey:in:)`` and ``setValue(_:forKey:in:)`` from the extension below. Run ``StoreConformance`` (RapportTesting) on a new backend.
public protocol Store: Sendable {
    /// Applies the migrations of `namespace` that have not been applied yet, in version order,
    /// each in its own transaction, and records them.
    func migrate(_ namespace: String, _ migrations: [Migration]) async throws

    /// Runs `body` in one transaction: all its statements commit together, or none do.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T

    /// Runs one statement atomically; returns the number of rows it changed. The default runs it
    /// in ``transaction(_:)``; a backend may do it more cheaply (SQLite: in autocommit).
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int

    /// Runs one query atomically (the default: in ``transaction(_:)``).
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]

    /// Reads the value stored under `key` in `namespace`.
    func value(forKey key: String, in namespace: String) async throws -> String?

    /// Stores `value` under `key` in `namespace`, or removes the key when `value` is `nil`.
    func setValue(_ value: String?, forKey key: String, in namespace: String) async throws

    /// All entries of `namespace` whose key starts with `prefix`, sorted by key.
    func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)]

    /// An SQL expression for the database's clock: milliseconds since 1970, as a `BIGINT`. Leases
    /// compare expiry against it, so instances whose own clocks disagree still agree on who holds
    /// a lease. The default is SQLite's (the process's own clock, which is the database's).
    var clockMilliseconds: String { get }

    /// Writes out what is pending and releases the database; the store is not used afterwards.
    ///
    /// The application calls it once, at shutdown. The default does nothing.
    func close() async
}

/// Runs SQL statements, inside or outside a transaction.
public protocol SQLExecutor: Sendable {
    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int

    /// Runs a query and returns all its rows.
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]

    /// Waits for the lock called `name` and holds it until the transaction ends, so bodies that
    /// take the same lock run one after another (PostgreSQL: a transaction-level advisory lock on
    /// a 64-bit hash of the name). Outside a transaction it orders nothing.
    ///
    /// The default does nothing: right for a backend whose transactions never overlap (SQLite).
    func lock(_ name: String) async throws
}

extension SQLExecutor {
    public func lock(_ name: String) async throws {}
}

extension Store {
    public func close() async {}

    public var clockMilliseconds: String { "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)" }

    /// Checks that the database answers, for readiness probes.
    public func ping() async throws {
        _ = try await query("SELECT 1 AS ok")
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
        try await transaction { try await $0.execute(sql, arguments) }
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await transaction { try await $0.query(sql, arguments) }
    }

    /// Runs one statement without arguments (through the backend's ``execute(_:_:)``).
    @discardableResult
    public func execute(_ sql: String) async throws -> Int { try await execute(sql, []) }

    /// Runs one query without arguments (through the backend's ``query(_:_:)``).
    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }
}

extension Store {
    /// Reads from the `rapport_kv` table every backend keeps (namespace, key, value).
    public func value(forKey key: String, in namespace: String) async throws -> String? {
        try await query("SELECT value FROM rapport_kv WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)])
            .first?["value"].string
    }

    /// Writes to (or deletes from) the `rapport_kv` table every backend keeps.
    public func setValue(_ value: String?, forKey key: String, in namespace: String) async throws {
        if let value {
            try await execute(
                """
                INSERT INTO rapport_kv (namespace, key, value) VALUES (?, ?, ?)
                ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value
                """, [.text(namespace), .text(key), .text(value)])
        } else {
            try await execute("DELETE FROM rapport_kv WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)])
        }
    }
}
