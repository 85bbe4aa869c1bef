import Foundation
public import Logging
import NIOSSL
import PostgresNIO
public import RapportCore
import Synchronization

/// A ``Store`` on PostgreSQL, through postgres-nio's connection pool.
///
/// Several instances share one database without a lock of Rapport's own; PostgreSQL's
/// concurrency does the work:
/// - **Plain calls autocommit**: a ``query(_:_:)`` or ``execute(_:_:)`` outside a transaction
///   is one round trip on a pooled connection. Reads never wait for writers.
/// - **Transactions are ordinary ones** (read committed). Their correctness comes from the SQL
///   (conditional updates, `ON CONFLICT`, `RETURNING`) or, where an order matters, from a named
///   advisory lock (``SQLExecutor/lock(_:)``); ARCHITECTURE.md lists each.
/// - **Lost races are retried**: a serialization failure (40001) or deadlock (40P01) runs the
///   call (a whole outermost transaction) again, after a random pause, up to ``retries`` times.
/// - **A failed statement inside a transaction does not abort it**: each statement there runs
///   under a savepoint, so a caller that catches the error can go on, as in SQLite.
/// - **`?` placeholders** become `$1…` (``PlaceholderRewriter``); values are sent untyped, as
///   literals, so PostgreSQL infers their types from the SQL.
/// - **Keys sort by bytes** (`COLLATE "C"`), whatever the database's collation.
///
/// Every session bounds its waits (``PostgresLimits``): a statement, a lock wait or a transaction
/// left idle can never hang a caller (or an instance) forever; they become errors, logged and
/// counted.
///
/// Open it with ``open(_:limits:metrics:logger:)`` and ``close()`` it when done.
public final class PostgresStore: Store {
    /// Where the store connects; its description hides the password.
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    /// Where timeouts are counted; `nil`: the process-wide factory when one is counted (the app
    /// sets it up after opening the store).
    let metrics: RapportMetrics?
    private let runner: Task<Void, Never>

    /// How many times a call that lost a race (40001, 40P01) runs again before its error is thrown.
    static let retries = 4

    /// How long ``close()`` lets calls under way finish before it stops the connections.
    static let drainTimeout = Duration.seconds(10)

    /// Calls under way, and whether the store is closed.
    private let calls = Mutex((underWay: 0, closed: false))

    private init(url: PostgresURL, limits: PostgresLimits, metrics: RapportMetrics?, logger: Logger) {
        self.url = url
        self.logger = logger
        self.metrics = metrics
        var configuration: PostgresClient.Configuration
        if let folder = url.socketFolder {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch url.tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = limits.connectTimeout
        configuration.options.maximumConnections = limits.poolSize
        configuration.options.additionalStartupParameters = limits.sessionSettings
        configuration.options.keepAliveBehavior = .init(frequency: limits.keepalive)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        self.started = started
        runner = Task {
            signal.finish()
            await client.run()
        }
    }

    /// Finishes once the client's run loop has begun (leasing before that logs a warning).
    private let started: AsyncStream<Void>

    /// Connects to `url`, checks the server answers, and creates Rapport's base tables.
    ///
    /// - Throws: ``StoreError`` `.unavailable` naming the server (never the password) when it
    ///   cannot be reached or refuses the login.
    public static func open(
        _ url: PostgresURL, limits: PostgresLimits = PostgresLimits(), metrics: RapportMetrics? = nil,
        logger: Logger = Logger(label: "rapport.store.postgres")
    ) async throws -> PostgresStore {
        do {
            try await probe(url, connectTimeout: limits.connectTimeout, logger: logger)
        } catch {
            throw StoreError(.unavailable, "Cannot connect to PostgreSQL at \(url).", cause: ServerError(error))
        }
        let store = PostgresStore(url: url, limits: limits, metrics: metrics, logger: logger)
        for await _ in store.started {}
        do {
            try await store.withTimeout(.seconds(15)) {
                try await store.transaction { sql in
                    try await sql.lock(Self.migrationLock)
                    try await sql.execute(
                        """
                        CREATE TABLE IF NOT EXISTS rapport_migrations (
                            namespace TEXT NOT NULL, version INTEGER NOT NULL, summary TEXT NOT NULL,
                            applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))
                        """, [])
                    try await sql.execute(
                        """
                        CREATE TABLE IF NOT EXISTS rapport_kv (
                            namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                            PRIMARY KEY (namespace, key))
                        """, [])
                }
            }
        } catch {
            await store.close()
            throw StoreError(.unavailable, "Cannot use the PostgreSQL database at \(url).", cause: ServerError(error))
        }
        logger.info("store opened", metadata: ["backend": "postgres", "url": "\(url)"])
        return store
    }

    /// One direct connection, so a refused connection or login fails at once with its cause
    /// (the pool would retry quietly until a timeout).
    private static func probe(_ url: PostgresURL, connectTimeout: Duration, logger: Logger) async throws {
        var configuration: PostgresConnection.Configuration
        if let folder = url.socketFolder {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(url.port)", username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch url.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        var quiet = logger
        quiet.logLevel = .critical
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: quiet)
        try? await connection.close()
    }

    /// Closes every connection; the store cannot be used afterwards: new calls fail at once
    /// with ``StoreError/Code/unavailable``, and calls under way may finish first (up to
    /// ``drainTimeout``). postgres-nio's pool, stopped under a call that was waiting for a
    /// connection, could leave that call waiting forever.
    public func close() async {
        calls.withLock { $0.closed = true }
        let deadline = ContinuousClock.now + Self.drainTimeout
        while calls.withLock({ $0.underWay }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        runner.cancel()
        await runner.value
    }

    /// Counts a call in, or refuses it once the store is closed.
    private func enter() throws {
        let closed = calls.withLock { calls in
            if !calls.closed { calls.underWay += 1 }
            return calls.closed
        }
        if closed { throw StoreError(.unavailable, "The PostgreSQL store at \(url) is closed.") }
    }

    private func leave() { calls.withLock { $0.underWay -= 1 } }

    // MARK: - Store

    /// Held while the base tables are created and while a migration is checked and applied:
    /// instances starting together would otherwise both create the same table.
    static let migrationLock = "rapport-migrations"

    public func migrate(_ namespace: String, _ migrations: [Migration]) async throws {
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            do {
                // Checked under the lock: another instance may have applied it meanwhile.
                try await transaction { sql in
                    try await sql.lock(Self.migrationLock)
                    let done = try await sql.query(
                        "SELECT 1 FROM rapport_migrations WHERE namespace = ? AND version = ?",
                        [.text(namespace), .integer(Int64(migration.version))])
                    guard done.isEmpty else { return }
                    for statement in migration.postgres ?? migration.statements { try await sql.execute(statement, []) }
                    try await sql.execute(
                        "INSERT INTO rapport_migrations (namespace, version, summary, applied_at) VALUES (?, ?, ?, ?)",
                        [.text(namespace), .integer(Int64(migration.version)), .text(migration.summary),
                         .text(Date().formatted(.iso8601))])
                    self.logger.info(
                        "migration applied", metadata: ["namespace": "\(namespace)", "version": "\(migration.version)"])
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
        try enter()
        defer { leave() }
        let (logger, metrics) = (self.logger, self.metrics)
        return try await retrying {
            try await client.withConnection { connection in
                let executor = Executor(connection: connection, logger: logger, metrics: metrics, inTransaction: true)
                let transaction = OpenTransaction(on: self, connection: executor, begin: { try await executor.run("BEGIN") }, control: executor.run)
                do {
                    let result = try await transaction.run(body)
                    try await transaction.commit()
                    return result
                } catch {
                    // The connection is in an unknown state: never hand it out again.
                    if await !transaction.rollBack() { try? await connection.close() }
                    throw error
                }
            }
        }
    }

    /// A statement inside this task's open transaction joins it; otherwise it autocommits.
    public func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
        if let open = OpenTransaction.joined(on: self) { return try await open.executor.execute(sql, arguments) }
        return try await autocommit { try await $0.execute(sql, arguments) }
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        if let open = OpenTransaction.joined(on: self) { return try await open.executor.query(sql, arguments) }
        return try await autocommit { try await $0.query(sql, arguments) }
    }

    /// Runs one statement on a pooled connection, in its own implicit transaction.
    private func autocommit<T: Sendable>(_ statement: @Sendable (Executor) async throws -> T) async throws -> T {
        try enter()
        defer { leave() }
        let (logger, metrics) = (self.logger, self.metrics)
        return try await retrying {
            try await client.withConnection {
                try await statement(Executor(connection: $0, logger: logger, metrics: metrics, inTransaction: false))
            }
        }
    }

    /// Runs `call` again after a serialization failure or a deadlock (another caller won the
    /// race, and its writes are now visible), after a random pause that grows with each try.
    private func retrying<T>(_ call: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch let error as ServerError where error.isLostRace && attempt < Self.retries {
                attempt += 1
                logger.debug("retrying after a lost race", metadata: ["code": "\(error.code)", "attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << attempt))))
            }
        }
    }

    /// The server's clock at the start of the statement.
    public var clockMilliseconds: String { "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT" }

    public func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] {
        try await query(
            "SELECT key, value FROM rapport_kv WHERE namespace = ? AND starts_with(key, ?) ORDER BY key COLLATE \"C\"",
            [.text(namespace), .text(keyPrefix)]
        ).compactMap { row in row["key"].string.flatMap { key in row["value"].string.map { (key, $0) } } }
    }

    // MARK: - Helpers

    private func withTimeout<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimeoutError(limit: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw TimeoutError(limit: limit) }
            return first
        }
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit)" }
    }
}
