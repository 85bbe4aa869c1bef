import Synchronization

/// The transaction a task has open on a store, so that store calls made inside it join it
/// instead of waiting for it: a statement runs in it, and a nested transaction becomes a
/// savepoint, whose failure takes back only its own writes.
///
/// The runtime uses this to hand a plugin a batch of queued events in one transaction (one
/// commit instead of one per message), each event in a savepoint of its own. A backend calls
/// ``run(on:executor:_:)`` around the body of a transaction it began, and asks ``joined(on:)``
/// first in `transaction(_:)`, `execute(_:_:)` and `query(_:_:)`.
public final class OpenTransaction: Sendable {
    @TaskLocal private static var current: OpenTransaction?

    private let store: ObjectIdentifier
    /// Runs the transaction's statements.
    public let executor: any SQLExecutor
    /// Runs the backend's savepoint statements as they are (PostgreSQL guards each ordinary
    /// statement with a savepoint of its own, which must not wrap these).
    private let control: @Sendable (String) async throws -> Void
    /// Cleared at commit or rollback: a task started inside and still running afterwards must
    /// not use the connection any more.
    private let isOpen = Atomic<Bool>(true)

    private init(store: ObjectIdentifier, executor: any SQLExecutor, control: @escaping @Sendable (String) async throws -> Void) {
        self.store = store
        self.executor = executor
        self.control = control
    }

    /// The transaction this task has open on `store`, if any.
    public static func joined(on store: AnyObject) -> OpenTransaction? {
        guard let current, current.store == ObjectIdentifier(store), current.isOpen.load(ordering: .acquiring) else { return nil }
        return current
    }

    /// Runs `body` (the body of a transaction just begun on `store`) with that transaction as
    /// this task's open one; `control` runs savepoint statements.
    public static func run<T>(
        on store: AnyObject, executor: any SQLExecutor, control: @escaping @Sendable (String) async throws -> Void,
        _ body: (any SQLExecutor) async throws -> T
    ) async throws -> T {
        let open = OpenTransaction(store: ObjectIdentifier(store), executor: executor, control: control)
        defer { open.isOpen.store(false, ordering: .releasing) }
        return try await $current.withValue(open) { try await body(executor) }
    }

    /// Runs `body` in a savepoint of this transaction.
    public func savepoint<T>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        try await control("SAVEPOINT rapport_nested")
        do {
            let result = try await body(executor)
            try await control("RELEASE SAVEPOINT rapport_nested")
            return result
        } catch {
            try? await control("ROLLBACK TO SAVEPOINT rapport_nested")
            try? await control("RELEASE SAVEPOINT rapport_nested")
            throw error
        }
    }
}
