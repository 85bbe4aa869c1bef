import RapportCore
import RapportStorePostgres
import RapportTesting

/// Stores for tests that run on every backend.
enum TestStores {
    /// Runs `body` on a store over a new database on a real PostgreSQL server (``TestPostgres``).
    static func withPostgres(_ body: (any Store) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            do { try await body(store) } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }
}
