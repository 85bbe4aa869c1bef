import Logging
import PostgresNIO
import RapportCore

extension PostgresStore {
    /// Runs statements on the one connection a transaction holds; only used inside
    /// ``PostgresStore/transaction(_:)``.
    struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        func execute(_ sql: String, _ arguments: [SQLValue]) async throws -> Int {
            try await guarded(sql, arguments).metadata.rows ?? 0
        }

        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try await guarded(sql, arguments).rows.map { row in
                var columns: [String: SQLValue] = [:]
                for cell in row { columns[cell.columnName.lowercased()] = try SQLValue(cell) }
                return SQLRow(columns)
            }
        }

        /// Runs a statement under a savepoint, so that its failure undoes only itself and the
        /// transaction stays usable (PostgreSQL would otherwise refuse every later statement).
        private func guarded(_ sql: String, _ arguments: [SQLValue]) async throws -> PostgresQueryResult {
            try await run("SAVEPOINT rapport_statement")
            do {
                let result = try await raw(sql, arguments)
                try await run("RELEASE SAVEPOINT rapport_statement")
                return result
            } catch {
                try? await run("ROLLBACK TO SAVEPOINT rapport_statement")
                try? await run("RELEASE SAVEPOINT rapport_statement")
                throw ServerError(error)
            }
        }

        /// Begins a transaction that holds ``PostgresStore/transactionLockKey``, or none.
        func begin() async throws {
            try await run("BEGIN")
            do {
                try await run("SELECT pg_advisory_xact_lock(\(PostgresStore.transactionLockKey))")
            } catch {
                do { try await run("ROLLBACK") } catch {
                    // The connection is in an unknown state: never hand it out again.
                    try? await connection.close()
                }
                throw error
            }
        }

        /// Runs control statements (BEGIN, COMMIT, SAVEPOINT…).
        func run(_ sql: String) async throws {
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).get()
            } catch {
                throw ServerError(error)
            }
        }

        private func raw(_ sql: String, _ arguments: [SQLValue]) async throws -> PostgresQueryResult {
            let (text, count) = PlaceholderRewriter.rewrite(sql)
            guard count == arguments.count else {
                throw ServerError(
                    code: "rapport", message: "The statement has \(count) placeholder(s) but \(arguments.count) value(s): \(sql)")
            }
            return try await connection.query(PostgresQuery(unsafeSQL: text, binds: PostgresBindings(arguments)), logger: logger)
                .get()
        }
    }
}
