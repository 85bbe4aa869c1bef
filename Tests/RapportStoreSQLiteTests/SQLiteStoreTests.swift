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
        try await StoreConformance.run(try SQLiteStore(path: path))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.value(forKey: "b", in: "conformance") == "3")
        let mode = try await reopened.query("PRAGMA journal_mode").first?["journal_mode"].string
        #expect(mode == "wal")
    }

    @Test func unopenableFileIsAClearError() async throws {
        #expect {
            _ = try SQLiteStore(path: "/proc/rapport/cannot/be/here.sqlite")
        } throws: { error in
            (error as? StoreError)?.code == .unavailable
        }
    }
}
