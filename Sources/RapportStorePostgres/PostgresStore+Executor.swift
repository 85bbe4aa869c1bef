import Logging
import PostgresNIO
import RapportCore

extension PostgresStore {
    /// Runs statements on one connection: the one a transaction holds, or one borrowed from the
    /// pool for a single autocommitted statement.
    struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        let metrics: RapportMetrics?
        /// Whether a transaction is open on the connection: statements then run under a savepoint.
        let inTransaction: Bool

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

        func lock(_ name: String) async throws {
            _ = try await guarded("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [.text(name)])
        }

        /// Runs a statement; in a transaction, under a savepoint, so that its failure undoes only
        /// itself and the transaction stays usable (PostgreSQL would otherwise refuse every later
        /// statement).
        private func guarded(_ sql: String, _ arguments: [SQLValue]) async throws -> PostgresQueryResult {
            guard inTransaction else {
                do { return try await raw(sql, arguments) } catch { throw failure(error, sql) }
            }
            try await run("SAVEPOINT rapport_statement")
            do {
                let result = try await raw(sql, arguments)
                try await run("RELEASE SAVEPOINT rapport_statement")
                return result
            } catch {
                try? await run("ROLLBACK TO SAVEPOINT rapport_statement")
                try? await run("RELEASE SAVEPOINT rapport_statement")
                throw failure(error, sql)
            }
        }

        /// `error` as a ``ServerError``; a timeout is logged and counted (never with the values).
        private func failure(_ error: any Error, _ sql: String) -> ServerError {
            let error = ServerError(error)
            if let kind = error.timeout {
                logger.warning(
                    "statement timed out",
                    metadata: ["kind": "\(kind.rawValue)", "error": "\(error)", "statement": "\(sql.prefix(160))"])
                (metrics ?? RapportMetrics()).storeTimeout(kind)
            }
            return error
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
