public import RapportCore
import Synchronization

/// A store that counts the calls that reach it, then passes them on: attack tests check that a
/// flood of requests costs the database no more than its limit.
public final class CountingStore: Store {
    public let inner: any Store
    private let counted = Mutex(0)

    public init(_ inner: any Store) { self.inner = inner }

    /// Calls so far: transactions, statements and queries outside them, migrations.
    public var calls: Int { counted.withLock { $0 } }

    private func count() { counted.withLock { $0 += 1 } }

    public func migrate(_ namespace: String, _ migrations: [Migration]) async throws {
        count()
        try await inner.migrate(namespace, migrations)
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        count()
        return try await inner.transaction(body)
    }

    public func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
        count()
        return try await inner.execute(sql, arguments)
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        count()
        return try await inner.query(sql, arguments)
    }

    public func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] {
        count()
        return try await inner.entries(in: namespace, keyPrefix: keyPrefix)
    }

    public var clockMilliseconds: String { inner.clockMilliseconds }

    public func close() async { await inner.close() }
}
