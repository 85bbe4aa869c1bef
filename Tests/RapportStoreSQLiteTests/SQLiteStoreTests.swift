import Foundation
import RapportCore
import RapportTesting
import Testing

@testable import RapportStoreSQLite

struct SQLiteStoreTests {
    @Test func inMemoryStorePassesConformance() async throws {
        try await StoreConformance.run(try SQLiteStore())
    }

    @Test func fileStorePassesConformanceAndKeepsDataAcrossReopen() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nested/rapport.sqlite").path
        try await StoreConformance.run(try SQLiteStore(path: path), sharingWith: try SQLiteStore(path: path))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.value(forKey: "b", in: "conformance") == "3")
        let mode = try await reopened.query("PRAGMA journal_mode").first?["journal_mode"].string
        #expect(mode == "wal")
        // 2: memory, not files in /var/tmp (statement journals of upserts in savepoints).
        #expect(try await reopened.query("PRAGMA temp_store").first?["temp_store"].int == 2)
    }

    /// A transaction begins with its first statement: one that runs none does not wait for the
    /// write lock another connection holds (it would wait out the 10 s busy timeout and fail).
    @Test func transactionWithoutStatementsDoesNotWaitForAnotherWriter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rapport.sqlite").path
        let (writer, other) = (try SQLiteStore(path: path), try SQLiteStore(path: path))
        let (holding, held) = AsyncStream.makeStream(of: Void.self)
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        async let writing: Void = writer.transaction { sql in
            try await sql.execute("INSERT INTO rapport_kv (namespace, key, value) VALUES ('t', 'k', 'v')", [])
            held.finish()
            for await _ in released {}
        }
        for await _ in holding {}
        #expect(try await other.transaction { _ in 1 } == 1)
        release.finish()
        try await writing
        #expect(try await other.value(forKey: "k", in: "t") == "v")
    }

    /// A commit never copies the WAL into the database file (0.3–12 ms of copying and syncing,
    /// with a command waiting behind the batch that commits); the background checkpointer does.
    @Test func commitsLeaveTheWALToTheBackgroundCheckpointer() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rapport.sqlite").path
        let databaseSize = { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        let idle = try SQLiteStore(path: path, checkpointInterval: .seconds(3600))
        try await Self.writePages(1500, to: idle)
        // SQLite's own checkpoint, at the commit that finds 1,000 pages, would have put them in the file.
        #expect(databaseSize() < 1_000_000)
        await idle.close()

        let checkpointed = try SQLiteStore(path: path, checkpointInterval: .milliseconds(50))
        let before = databaseSize()
        try await Self.writePages(1500, to: checkpointed)
        let deadline = ContinuousClock.now + .seconds(20)
        while databaseSize() < before + 5_000_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(databaseSize() >= before + 5_000_000)
        await checkpointed.close()
    }

    /// Writes about `count` pages, one commit each.
    private static func writePages(_ count: Int, to store: SQLiteStore) async throws {
        let page = String(repeating: "x", count: 4000)
        for _ in 0..<count {
            _ = try await store.execute(
                "INSERT INTO rapport_kv (namespace, key, value) VALUES ('pages', ?, ?)", [.text(UUID().uuidString), .text(page)])
        }
    }

    @Test func unopenableFileIsAClearError() async throws {
        #expect {
            _ = try SQLiteStore(path: "/proc/rapport/cannot/be/here.sqlite")
        } throws: { error in
            (error as? StoreError)?.code == .unavailable
        }
    }
}
