public import RapportCore

/// Checks that a ``Store`` backend behaves as Rapport expects; every backend's tests run it.
///
/// Each check throws ``Failure`` with what differed, so a test can call
/// `try await StoreConformance.run(store)` and fail with a precise message.
public enum StoreConformance {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs every check on `store`; `other`, a second store on the same database (another
    /// instance), writes alongside it in the concurrent checks (without one, `store` plays both).
    public static func run(_ store: any Store, sharingWith other: (any Store)? = nil) async throws {
        try await keyValue(store)
        try await migrations(store)
        try await transactions(store)
        try await concurrentWriters(store, other ?? store)
        try await concurrentClaims(store, other ?? store)
        try await failedStatementKeepsTransaction(store)
        try await nestedTransactions(store)
        try await transactionsBegunInsideNestedOnes(store)
        try await valuesRoundTrip(store)
        try await textRoundTrip(store)
        try await keyOrder(store)
        try await dialectMigration(store)
        try await placeholders(store)
        try await aggregates(store)
    }

    static func expect(_ condition: Bool, _ what: String) throws {
        if !condition { throw Failure(description: what) }
    }

    static func keyValue(_ store: any Store) async throws {
        try await store.setValue("1", forKey: "a/x", in: "conformance")
        try await store.setValue("2", forKey: "a/y", in: "conformance")
        try await store.setValue("3", forKey: "b", in: "conformance")
        try await store.setValue("other", forKey: "a/x", in: "conformance-other")
        try await expect(store.value(forKey: "a/x", in: "conformance") == "1", "value reads back")
        try await store.setValue("1b", forKey: "a/x", in: "conformance")
        try await expect(store.value(forKey: "a/x", in: "conformance") == "1b", "value is replaced")
        let entries = try await store.entries(in: "conformance", keyPrefix: "a/")
        try expect(entries.map(\.key) == ["a/x", "a/y"], "entries filter by prefix and sort: \(entries)")
        try await store.setValue(nil, forKey: "a/x", in: "conformance")
        try await expect(store.value(forKey: "a/x", in: "conformance") == nil, "nil removes a key")
        try await expect(store.value(forKey: "a/x", in: "conformance-other") == "other", "namespaces are separate")
        try await store.setValue("a'b\"c; DROP TABLE x; --", forKey: "quote", in: "conformance")
        try await expect(
            store.value(forKey: "quote", in: "conformance") == "a'b\"c; DROP TABLE x; --", "text is bound, not spliced")
    }

    static func migrations(_ store: any Store) async throws {
        let first = Migration(1, "create", ["CREATE TABLE conformance_items (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"])
        let second = Migration(2, "add column", ["ALTER TABLE conformance_items ADD COLUMN note TEXT"])
        try await store.migrate("conformance", [first])
        try await store.migrate("conformance", [second, first])
        try await store.migrate("conformance", [first, second])
        try await store.execute("INSERT INTO conformance_items (name, n, note) VALUES (?, ?, ?)", ["a", 1, nil])
        let rows = try await store.query("SELECT name, n, note FROM conformance_items")
        try expect(rows == [SQLRow(["name": "a", "n": 1, "note": .null])], "migrations apply once, in order: \(rows)")
    }

    static func transactions(_ store: any Store) async throws {
        struct Abort: Error {}
        do {
            try await store.transaction { sql in
                try await sql.execute("INSERT INTO conformance_items (name, n) VALUES (?, ?)", ["b", 2])
                throw Abort()
            }
        } catch is Abort {}
        let rows = try await store.query("SELECT name FROM conformance_items WHERE name = ?", ["b"])
        try expect(rows.isEmpty, "a failed transaction leaves nothing behind")
        let changed = try await store.execute("UPDATE conformance_items SET n = n + 1 WHERE name = ?", ["a"])
        try expect(changed == 1, "execute returns the number of changed rows")
    }

    static let sharedTables = Migration(1, "rows two stores write at once", [
        "CREATE TABLE conformance_counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)",
        "CREATE TABLE conformance_jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL, taken_by TEXT)",
    ])

    /// Two stores on one database write the same rows at once, as the SQL of a plugin does it
    /// (an increment in place, upserts, a read-then-write under a named lock, the key-value map):
    /// no update is lost.
    static func concurrentWriters(_ store: any Store, _ other: any Store) async throws {
        try await store.migrate("conformance-shared", [sharedTables])
        try await other.migrate("conformance-shared", [sharedTables])
        let rounds = 25
        let upsert = """
            INSERT INTO conformance_counters (name, n) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET n = conformance_counters.n + excluded.n
            """
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<rounds {
                for writer in [store, other] {
                    group.addTask {
                        try await writer.execute("UPDATE conformance_items SET n = n + 1 WHERE name = ?", ["a"])
                        try await writer.transaction { sql in
                            for name in ["x", "y"] { try await sql.execute(upsert, [.text(name), 1]) }
                        }
                        try await writer.transaction { sql in
                            try await sql.lock("conformance/read-then-write")
                            let n = try await sql.query("SELECT n FROM conformance_counters WHERE name = 'locked'", []).first?["n"].int ?? 0
                            try await sql.execute(
                                "INSERT INTO conformance_counters (name, n) VALUES ('locked', ?) ON CONFLICT (name) DO UPDATE SET n = excluded.n",
                                [.integer(Int64(n + 1))])
                        }
                        try await writer.setValue("\(round)", forKey: "shared", in: "conformance")
                    }
                }
            }
            try await group.waitForAll()
        }
        let n = try await other.query("SELECT n FROM conformance_items WHERE name = ?", ["a"]).first?["n"].int
        try expect(n == 2 + 2 * rounds, "increments in place are all kept: expected \(2 + 2 * rounds), got \(String(describing: n))")
        let counters = try await other.query("SELECT name, n FROM conformance_counters ORDER BY name")
        let expected = ["locked", "x", "y"].map { SQLRow(["name": .text($0), "n": .integer(Int64(2 * rounds))]) }
        try expect(counters == expected, "upserts and locked read-then-writes are all kept: \(counters)")
        let shared = try await store.value(forKey: "shared", in: "conformance")
        try expect(shared.flatMap(Int.init).map { (0..<rounds).contains($0) } == true, "a key written by both reads back one value: \(String(describing: shared))")
    }

    /// Two stores claim the same jobs at once with a conditional update: each job goes to one.
    static func concurrentClaims(_ store: any Store, _ other: any Store) async throws {
        let jobs = 20
        for id in 0..<jobs { try await store.execute("INSERT INTO conformance_jobs (id, state) VALUES (?, 'free')", [.integer(Int64(id))]) }
        let wins = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, claimer) in [store, other].enumerated() {
                for id in 0..<jobs {
                    group.addTask {
                        try await claimer.execute(
                            "UPDATE conformance_jobs SET state = 'taken', taken_by = ? WHERE id = ? AND state = 'free'",
                            [.text("store \(index)"), .integer(Int64(id))])
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let free = try await store.query("SELECT COUNT(*) AS c FROM conformance_jobs WHERE state = 'free' OR taken_by IS NULL").first?["c"].int
        try expect(wins == jobs && free == 0, "every job is claimed exactly once: \(wins) claims of \(jobs), \(String(describing: free)) left")
    }

    /// As in SQLite, a statement that fails inside a transaction undoes only itself.
    static func failedStatementKeepsTransaction(_ store: any Store) async throws {
        let kept = try await store.transaction { sql in
            try await sql.execute("INSERT INTO conformance_items (name, n) VALUES (?, ?)", ["kept", 1])
            let duplicate = try? await sql.execute("INSERT INTO conformance_items (name, n) VALUES (?, ?)", ["kept", 2])
            try await sql.execute("UPDATE conformance_items SET n = n + 10 WHERE name = ?", ["kept"])
            return (duplicate, try await sql.query("SELECT n FROM conformance_items WHERE name = ?", ["kept"]).first?["n"].int)
        }
        try expect(kept.0 == nil, "a duplicate primary key is an error")
        try expect(kept.1 == 11, "the transaction goes on after a failed statement: \(String(describing: kept.1))")
        try await store.execute("DELETE FROM conformance_items WHERE name = ?", ["kept"])
    }

    /// NULLs, the ends of the integer ranges, and doubles come back exactly as bound.
    /// Store calls made inside a transaction join it (the runtime hands a plugin a batch of
    /// events in one transaction); a nested transaction that fails takes back only its own writes.
    static func nestedTransactions(_ store: any Store) async throws {
        struct Abort: Error {}
        let insert = "INSERT INTO conformance_items (name, n) VALUES (?, 1)"
        let names = "SELECT name FROM conformance_items WHERE name IN ('outer', 'inner', 'undone', 'gone', 'gone-inner') ORDER BY name"
        try await store.transaction { _ in
            try await store.execute(insert, ["outer"])
            try await store.transaction { sql in try await sql.execute(insert, ["inner"]) }
            do {
                try await store.transaction { sql in
                    try await sql.execute(insert, ["undone"])
                    throw Abort()
                }
            } catch is Abort {}
            let seen = try await store.query(names).map { $0["name"].string ?? "" }
            try expect(seen == ["inner", "outer"], "calls inside a transaction see its writes, a failed nested one none of its own: \(seen)")
        }
        do {
            try await store.transaction { _ in
                try await store.execute(insert, ["gone"])
                try await store.transaction { sql in try await sql.execute(insert, ["gone-inner"]) }
                throw Abort()
            }
        } catch is Abort {}
        let kept = try await store.query(names).map { $0["name"].string ?? "" }
        try expect(kept == ["inner", "outer"], "a failed transaction takes back its nested ones: \(kept)")
        try await store.execute("DELETE FROM conformance_items WHERE name IN ('outer', 'inner')")
    }

    /// A transaction begins with its first statement (one that runs none costs nothing): when
    /// that statement runs in a nested transaction that fails, the outer one goes on and commits.
    static func transactionsBegunInsideNestedOnes(_ store: any Store) async throws {
        struct Abort: Error {}
        let insert = "INSERT INTO conformance_items (name, n) VALUES (?, 1)"
        let empty = try await store.transaction { _ in try await store.transaction { _ in 7 } }
        try expect(empty == 7, "a transaction that runs no statement returns its result")
        try await store.transaction { _ in
            try await store.transaction { _ in }
            do {
                try await store.transaction { sql in
                    try await sql.execute(insert, ["lazy-undone"])
                    throw Abort()
                }
            } catch is Abort {}
            _ = try await store.transaction { sql in try await sql.execute(insert, ["lazy-kept"]) }
        }
        let kept = try await store.query("SELECT name FROM conformance_items WHERE name LIKE 'lazy-%'").map { $0["name"].string ?? "" }
        try expect(kept == ["lazy-kept"], "a transaction begun in a failed nested one keeps what follows: \(kept)")
        try await store.execute("DELETE FROM conformance_items WHERE name = 'lazy-kept'")
    }

    static func valuesRoundTrip(_ store: any Store) async throws {
        try await store.migrate("conformance-values", [
            Migration(1, "typed columns", [
                """
                CREATE TABLE conformance_values (
                    id INTEGER PRIMARY KEY, small INTEGER, big BIGINT, real DOUBLE PRECISION, text TEXT)
                """
            ])
        ])
        let rows: [[SQLValue]] = [
            [1, .integer(Int64(Int32.max)), .integer(Int64.max), .real(0.1), "a"],
            [2, .integer(Int64(Int32.min)), .integer(Int64.min), .real(-1e300), ""],
            [3, .null, .null, .null, .null],
            [4, 0, 0, .real(1.5), "0"],
        ]
        for row in rows {
            try await store.execute("INSERT INTO conformance_values (id, small, big, real, text) VALUES (?, ?, ?, ?, ?)", row)
        }
        let back = try await store.query("SELECT id, small, big, real, text FROM conformance_values ORDER BY id")
        let expected = rows.map { SQLRow(["id": $0[0], "small": $0[1], "big": $0[2], "real": $0[3], "text": $0[4]]) }
        try expect(back == expected, "values round-trip exactly: \(back)")
        let nulls = try await store.query("SELECT id FROM conformance_values WHERE text IS NULL AND big IS NULL")
        try expect(nulls == [SQLRow(["id": 3])], "NULL is stored as NULL, not as empty text: \(nulls)")
        let empty = try await store.query("SELECT id FROM conformance_values WHERE text = ?", [""])
        try expect(empty == [SQLRow(["id": 2])], "empty text is not NULL: \(empty)")
    }

    /// Unicode (outside the BMP, combining marks, right-to-left) and a 1 MiB text survive both the
    /// key-value map and a table.
    static func textRoundTrip(_ store: any Store) async throws {
        let samples = [
            "héllo wörld", "日本語のテキスト", "emoji 🎉👩‍💻🏳️‍🌈", "e\u{301} combining", "עברית مرحبا",
            "tab\tnew\nline\r", "back\\slash 'quote' \"double\" ? $1 %s",
        ]
        for (index, text) in samples.enumerated() {
            try await store.setValue(text, forKey: "unicode/\(index)", in: "conformance")
            let back = try await store.value(forKey: "unicode/\(index)", in: "conformance")
            try expect(back == text, "text round-trips through the key-value map: \(String(reflecting: back))")
        }
        let large = String(repeating: "0123456789abcdé", count: 70_000)
        try await store.setValue(large, forKey: "large", in: "conformance")
        let back = try await store.value(forKey: "large", in: "conformance")
        try expect(back == large, "a 1 MiB text round-trips (got \(back?.utf8.count ?? 0) bytes)")
        try await store.execute("INSERT INTO conformance_values (id, text) VALUES (?, ?)", [10, .text(large + samples[2])])
        let row = try await store.query("SELECT text FROM conformance_values WHERE id = ?", [10])
        try expect(row.first?["text"].string == large + samples[2], "large text round-trips through a table")
        try await store.setValue(nil, forKey: "large", in: "conformance")
    }

    /// Keys sort by their UTF-8 bytes, whatever the database's collation, and prefixes are literal.
    static func keyOrder(_ store: any Store) async throws {
        for key in ["é", "z", "a", "B", "_", "%"] { try await store.setValue(key, forKey: "order/\(key)", in: "conformance") }
        try await store.setValue("x", forKey: "orderX", in: "conformance")
        let keys = try await store.entries(in: "conformance", keyPrefix: "order/").map(\.key)
        try expect(keys == ["order/%", "order/B", "order/_", "order/a", "order/z", "order/é"], "keys sort by bytes: \(keys)")
        let wildcard = try await store.entries(in: "conformance", keyPrefix: "order_").map(\.key)
        try expect(wildcard.isEmpty, "a prefix is literal, not a LIKE pattern: \(wildcard)")
    }

    /// A migration's `postgres` statements replace its SQLite ones on PostgreSQL.
    static func dialectMigration(_ store: any Store) async throws {
        try await store.migrate("conformance-dialect", [
            Migration(
                1, "auto-numbered rows",
                ["CREATE TABLE conformance_auto (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)"],
                postgres: ["CREATE TABLE conformance_auto (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL)"])
        ])
        try await store.execute("INSERT INTO conformance_auto (name) VALUES (?)", ["first"])
        try await store.execute("INSERT INTO conformance_auto (name) VALUES (?)", ["second"])
        let rows = try await store.query("SELECT id, name FROM conformance_auto ORDER BY id")
        try expect(rows == [SQLRow(["id": 1, "name": "first"]), SQLRow(["id": 2, "name": "second"])], "ids are numbered: \(rows)")
    }

    /// `?` is a placeholder only outside string literals and comments.
    static func placeholders(_ store: any Store) async throws {
        let rows = try await store.query(
            "SELECT '?' AS q, 'it''s ?' AS r, name FROM conformance_items /* ? */ WHERE name = ? -- ?\n", ["a"])
        try expect(rows == [SQLRow(["q": "?", "r": "it's ?", "name": "a"])], "placeholders skip literals: \(rows)")
        let numbers = try await store.query(
            "SELECT id FROM conformance_values WHERE small = ? OR big = ? ORDER BY id", [.integer(Int64(Int32.max)), .integer(Int64.min)])
        try expect(numbers == [SQLRow(["id": 1]), SQLRow(["id": 2])], "integers bind to integer columns: \(numbers)")
        let prefix = try await store.query("SELECT id FROM conformance_values WHERE substr(text, 1, ?) = ? ORDER BY id", [1, "a"])
        try expect(prefix == [SQLRow(["id": 1])], "integers bind to function arguments: \(prefix)")
    }

    /// COUNT and SUM over integers give integers.
    static func aggregates(_ store: any Store) async throws {
        let rows = try await store.query("SELECT COUNT(*) AS c, SUM(small) AS s, MAX(big) AS m FROM conformance_values WHERE id IN (1, 4)")
        try expect(
            rows == [SQLRow(["c": 2, "s": .integer(Int64(Int32.max)), "m": .integer(Int64.max)])], "aggregates are integers: \(rows)")
    }
}
