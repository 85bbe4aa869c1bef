import Synchronization

/// The transaction a task has open on a store, so that store calls made inside it join it
/// instead of waiting for it: a statement runs in it, and a nested transaction becomes a
/// savepoint, whose failure takes back only its own writes.
///
/// The runtime uses this to hand a plugin a batch of queued events in one transaction (one
/// commit instead of one per message), each event in a savepoint of its own. A backend makes
/// one around the body of each outermost transaction (``run(_:)``, then ``commit()`` or
/// ``rollBack()``), and asks ``joined(on:)`` first in `transaction(_:)`, `execute(_:_:)` and
/// `query(_:_:)`.
///
/// The transaction and its savepoints begin lazily, just before the first statement that runs
/// in them: most messages a plugin handles in a batch write nothing, and then cost no `BEGIN`,
/// `SAVEPOINT`, `RELEASE` or `COMMIT`. Nothing the body can observe changes — it has not touched
/// the database before its first statement. The statements of one transaction run one after
/// another (it holds one connection).
public final class OpenTransaction: Sendable {
    @TaskLocal private static var current: OpenTransaction?

    private let store: ObjectIdentifier
    private let connection: any SQLExecutor
    /// Runs the backend's own statements as they are (PostgreSQL guards each ordinary statement
    /// with a savepoint of its own, which must not wrap these).
    private let control: @Sendable (String) async throws -> Void
    /// Begins the transaction on this backend (`BEGIN IMMEDIATE`; `BEGIN`), all or nothing: when
    /// it fails, no transaction is left open.
    private let begin: @Sendable () async throws -> Void
    private let state = Mutex(State())

    private struct State {
        /// Cleared at the end of ``run(_:)``: a task started inside and still running
        /// afterwards must not use the connection any more.
        var isOpen = true
        var begun = false
        /// The savepoints open now, innermost last: whether each one was issued yet.
        var savepoints: [Bool] = []
    }

    /// A transaction on `store` that `begin` starts on `connection`; `control` runs the
    /// backend's commit, rollback and savepoint statements.
    public init(
        on store: AnyObject, connection: any SQLExecutor, begin: @escaping @Sendable () async throws -> Void,
        control: @escaping @Sendable (String) async throws -> Void
    ) {
        self.store = ObjectIdentifier(store)
        self.connection = connection
        self.begin = begin
        self.control = control
    }

    /// The transaction this task has open on `store`, if any.
    public static func joined(on store: AnyObject) -> OpenTransaction? {
        guard let current, current.store == ObjectIdentifier(store), current.state.withLock({ $0.isOpen }) else { return nil }
        return current
    }

    /// Runs statements in this transaction, beginning it (and the savepoints open in it) first.
    public var executor: any SQLExecutor { Executor(transaction: self) }

    /// Runs `body` with this transaction as this task's open one.
    public func run<T>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        defer { state.withLock { $0.isOpen = false } }
        return try await Self.$current.withValue(self) { try await body(executor) }
    }

    /// Commits, if the transaction began.
    public func commit() async throws {
        if state.withLock({ $0.begun }) { try await control("COMMIT") }
    }

    /// Rolls back, if the transaction began; returns `false` if that failed (the connection is
    /// then in an unknown state).
    public func rollBack() async -> Bool {
        guard state.withLock({ $0.begun }) else { return true }
        do {
            try await control("ROLLBACK")
            return true
        } catch {
            return false
        }
    }

    /// Runs `body` in a savepoint of this transaction.
    public func savepoint<T>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        state.withLock { $0.savepoints.append(false) }
        let result: T
        do {
            result = try await body(executor)
        } catch {
            if popSavepoint() {
                try? await control("ROLLBACK TO SAVEPOINT rapport_nested")
                try? await control("RELEASE SAVEPOINT rapport_nested")
            }
            throw error
        }
        if popSavepoint() { try await control("RELEASE SAVEPOINT rapport_nested") }
        return result
    }

    /// Closes the innermost savepoint; returns whether it was issued.
    private func popSavepoint() -> Bool {
        state.withLock { $0.savepoints.popLast() ?? false }
    }

    /// Issues what is pending before a statement: the transaction's beginning, then each open
    /// savepoint not issued yet, outermost first.
    private func prepare() async throws {
        if !state.withLock({ $0.begun }) {
            try await begin()
            state.withLock { $0.begun = true }
        }
        while let index = state.withLock({ $0.savepoints.firstIndex(of: false) }) {
            try await control("SAVEPOINT rapport_nested")
            state.withLock { $0.savepoints[index] = true }
        }
    }

    private struct Executor: SQLExecutor {
        let transaction: OpenTransaction

        func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
            try await transaction.prepare()
            return try await transaction.connection.execute(sql, arguments)
        }

        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try await transaction.prepare()
            return try await transaction.connection.query(sql, arguments)
        }

        func lock(_ name: String) async throws {
            try await transaction.prepare()
            try await transaction.connection.lock(name)
        }
    }
}
