import Foundation
public import Logging
public import RapportCore
public import RapportStorePostgres
public import RapportStoreSQLite

/// Moves an installation from SQLite to PostgreSQL without losing a row (`rapport migrate-store`).
///
/// 1. The target must hold no Rapport data yet (an empty `rapport_migrations`).
/// 2. The target's schema comes from the code, not from SQLite's DDL: the runtime and every
///    built-in plugin start once on the target, so each namespace runs its own migrations (with
///    their PostgreSQL variants). The migrations recorded in both must then be the same; when
///    the SQLite file is older, run this version of Rapport on it once first.
/// 3. Every table of the SQLite file (`rapport_kv`, `rapport_migrations`, `rapport_audit`, the
///    plugins' tables, found generically) is copied in one PostgreSQL transaction, parents before
///    children (foreign keys), by column name; what the start-up wrote is replaced, and
///    auto-numbering sequences are moved past the copied ids.
/// 4. Row counts are compared table by table after the commit.
///
/// Stop Rapport before copying: rows written to SQLite during the copy would be lost.
public struct StoreCopier: Sendable {
    public let source: SQLiteStore
    public let target: PostgresStore
    public let logger: Logger
    /// The plugins whose migrations build the target schema.
    public let plugins: [PluginRegistration]

    public init(source: SQLiteStore, target: PostgresStore, plugins: [PluginRegistration], logger: Logger) {
        self.source = source
        self.target = target
        self.plugins = plugins
        self.logger = logger
    }

    /// One copied table.
    public struct TableCount: Sendable, Hashable {
        public var table: String
        public var rows: Int
    }

    /// Why a copy cannot go on; the message says what to do.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies everything; returns the row count of each table, verified on both sides.
    public func copy() async throws -> [TableCount] {
        let existing = try await target.query("SELECT COUNT(*) AS c FROM rapport_migrations").first?["c"].int ?? 0
        guard existing == 0 else {
            throw Failure(description: "The target database already holds Rapport data (\(existing) recorded migrations); use an empty database.")
        }
        try await buildTargetSchema()
        try await compareMigrations()

        let tables = try await sourceTables()
        let targetTables = Set(
            try await target.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")
                .compactMap { $0["name"].string })
        for table in tables where !targetTables.contains(table.name) {
            throw Failure(description: "The table \(table.name) exists in SQLite but no migration creates it on PostgreSQL (a plugin that is not built in?).")
        }

        try await target.transaction { sql in
            for table in tables.reversed() { try await sql.execute("DELETE FROM \(quoted(table.name))", []) }
            for table in tables {
                try await copyRows(of: table, into: sql)
                try await advanceSequences(of: table, in: sql)
            }
        }

        var counts: [TableCount] = []
        for table in tables {
            let from = try await count(table.name, in: source)
            let to = try await count(table.name, in: target)
            guard from == to else {
                throw Failure(description: "\(table.name): \(from) rows in SQLite but \(to) in PostgreSQL after the copy.")
            }
            counts.append(TableCount(table: table.name, rows: to))
        }
        return counts
    }

    // MARK: - Schema

    /// Runs the runtime's and every plugin's migrations on the target by starting them once.
    private func buildTargetSchema() async throws {
        var quiet = logger
        quiet.logLevel = .warning
        let bot = Bot(
            configuration: ConfigurationFile().botConfiguration, store: target, plugins: plugins, connectors: [],
            logger: quiet, metrics: .disabled)
        try await bot.start()
        await bot.stop()
    }

    private func compareMigrations() async throws {
        let sql = "SELECT namespace, version FROM rapport_migrations ORDER BY namespace, version"
        let mine = Set(try await source.query(sql).map { "\($0["namespace"].string ?? "")#\($0["version"].int ?? -1)" })
        let theirs = Set(try await target.query(sql).map { "\($0["namespace"].string ?? "")#\($0["version"].int ?? -1)" })
        let onlySQLite = mine.subtracting(theirs).sorted()
        let onlyTarget = theirs.subtracting(mine).sorted()
        if !onlySQLite.isEmpty {
            throw Failure(description: "SQLite has migrations this version of Rapport does not know: \(onlySQLite.joined(separator: ", ")). Use the Rapport version that wrote the file.")
        }
        if !onlyTarget.isEmpty {
            throw Failure(description: "The SQLite file lacks migrations \(onlyTarget.joined(separator: ", ")): run this version of Rapport on it once (rapport run or console), then copy again.")
        }
    }

    // MARK: - Tables

    struct Table: Sendable {
        var name: String
        var columns: [String]
        var parents: [String]
    }

    /// The SQLite file's tables, parents (referenced by a foreign key) before children.
    private func sourceTables() async throws -> [Table] {
        let names = try await source.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).compactMap { $0["name"].string }
        var tables: [Table] = []
        for name in names {
            let columns = try await source.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(name)])
                .compactMap { $0["name"].string }
            let parents = try await source.query("SELECT \"table\" AS parent FROM pragma_foreign_key_list(?)", [.text(name)])
                .compactMap { $0["parent"].string }.filter { $0 != name }
            tables.append(Table(name: name, columns: columns, parents: parents))
        }
        // Depth-first topological order; a cycle keeps alphabetical order for its members.
        var ordered: [Table] = []
        var placed = Set<String>()
        var visiting = Set<String>()
        let byName = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
        func visit(_ table: Table) {
            guard !placed.contains(table.name), visiting.insert(table.name).inserted else { return }
            for parent in table.parents { if let p = byName[parent] { visit(p) } }
            placed.insert(table.name)
            ordered.append(table)
        }
        tables.forEach(visit)
        return ordered
    }

    private func copyRows(of table: Table, into sql: any SQLExecutor) async throws {
        let columns = table.columns.map(quoted).joined(separator: ", ")
        let batch = max(1, min(500, 30_000 / max(1, table.columns.count)))
        var offset = 0
        while true {
            let rows = try await source.query(
                "SELECT \(columns) FROM \(quoted(table.name)) ORDER BY rowid LIMIT ? OFFSET ?",
                [.integer(Int64(batch)), .integer(Int64(offset))])
            if rows.isEmpty { break }
            let tuple = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
            let values = Array(repeating: tuple, count: rows.count).joined(separator: ", ")
            let arguments = rows.flatMap { row in table.columns.map { row[$0] } }
            do {
                try await sql.execute(
                    "INSERT INTO \(quoted(table.name)) (\(columns)) OVERRIDING SYSTEM VALUE VALUES \(values)", arguments)
            } catch {
                throw Failure(description: "Copying \(table.name) (rows \(offset + 1)–\(offset + rows.count)) failed: \(error)")
            }
            offset += rows.count
            logger.debug("copied rows", metadata: ["table": "\(table.name)", "rows": "\(offset)"])
        }
    }

    /// Moves identity/serial sequences past the copied ids, so the next insert gets a new one.
    private func advanceSequences(of table: Table, in sql: any SQLExecutor) async throws {
        for column in table.columns {
            let sequence = try await sql.query(
                "SELECT pg_get_serial_sequence(?, ?) AS s", [.text(quoted(table.name)), .text(column)]
            ).first?["s"].string
            guard let sequence else { continue }
            _ = try await sql.query(
                "SELECT setval(?, COALESCE((SELECT MAX(\(quoted(column))) FROM \(quoted(table.name))), 0) + 1, false) AS v",
                [.text(sequence)])
        }
    }

    private func count(_ table: String, in store: any Store) async throws -> Int {
        try await store.query("SELECT COUNT(*) AS c FROM \(quoted(table))").first?["c"].int ?? -1
    }
}

/// A SQL identifier in double quotes (both dialects), with embedded quotes doubled.
func quoted(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
