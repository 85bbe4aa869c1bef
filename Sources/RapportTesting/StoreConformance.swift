public import RapportCore

/// Checks that a ``Store`` backend behaves as Rapport expects; every backend's tests run it.
///
/// Each check throws ``Failure`` with what differed, so a test can call
/// `try await StoreConformance.run(store)` and fail with a precise message.
public enum StoreConformance {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ store: any Store) async throws {
        try await keyValue(store)
        try await migrations(store)
        try await transactions(store)
        try await concurrentWriters(store)
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

    static func concurrentWriters(_ store: any Store) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await store.transaction { sql in
                        let n = try await sql.query("SELECT n FROM conformance_items WHERE name = ?", ["a"]).first?["n"].int ?? 0
                        try await sql.execute("UPDATE conformance_items SET n = ? WHERE name = ?", [.integer(Int64(n + 1)), "a"])
                    }
                }
            }
            try await group.waitForAll()
        }
        let n = try await store.query("SELECT n FROM conformance_items WHERE name = ?", ["a"]).first?["n"].int
        try expect(n == 52, "transactions do not interleave: expected 52, got \(String(describing: n))")
    }
}
