public import RapportCore
import RapportStorePostgres
public import RapportTesting

extension TestPostgres {
    /// Runs `body` on a ``PostgresStore`` over a new database on a real PostgreSQL server
    /// (``withDatabase(_:)``), and closes the store afterwards.
    public static func withStore(_ body: (any Store) async throws -> Void) async throws {
        try await withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            do { try await body(store) } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }
}
