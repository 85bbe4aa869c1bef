import Foundation
@testable import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// A real `rapport run` process: serves its HTTP endpoint, and on SIGTERM/SIGINT closes the
/// store and exits with status 0.
@Suite(.timeLimit(.minutes(5)))
struct GracefulShutdownTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func config(_ storage: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("rapport.yaml").path
        try """
            storage: \(storage)
            logging: { format: json, level: info }
            http: { listen: '127.0.0.1:0' }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func sqliteRunServesHTTPAndExitsZero(signal: Int32) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("rapport.sqlite").path
        let rapport = try RapportProcess(["run", "-c", try config("{ sqlite: '\(database)' }", in: folder)], folder: folder)
        let listening = try await rapport.waitForLog("http listening")
        let address = try #require(listening["address"] as? String)
        #expect(try await httpGet("http://\(address)/healthz") == (200, "ok\n"))
        #expect(try await httpGet("http://\(address)/readyz") == (200, "ok store: reachable\n"))
        let metrics = try await httpGet("http://\(address)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("rapport_nudges_total{outcome=\"sent\"} 0"))

        let code = try await rapport.stop(with: signal)
        #expect(code == 0, "ended by exit(0), not by the signal: \(rapport.log)")
        #expect(rapport.log.contains("\"message\":\"stopped\""))
        // Closed cleanly: the WAL was checkpointed into the file and removed.
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
        let reopened = try SQLiteStore(path: database)
        let migrations = try await reopened.query("SELECT COUNT(*) AS c FROM rapport_migrations WHERE namespace = 'rapport'")
        #expect(migrations.first?["c"].int == CoreMigrations.all.count)
    }

    @Test func postgresRunExitsZeroAndNeverLogsThePassword() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await TestPostgres.withDatabase { url in
            let rapport = try RapportProcess(
                ["run", "-c", try config("{ postgres: '${RAPPORT_TEST_DB}' }", in: folder)], environment: ["RAPPORT_TEST_DB": url],
                folder: folder)
            let listening = try await rapport.waitForLog("http listening")
            let address = try #require(listening["address"] as? String)
            #expect(try await httpGet("http://\(address)/readyz") == (200, "ok store: reachable\n"))
            let code = try await rapport.stop()
            #expect(code == 0, "\(rapport.log)")
            #expect(rapport.log.contains("rapport:***@127.0.0.1"), "the store URL is logged redacted")
            #expect(!rapport.log.contains("rapport:rapport@"), "the password is never logged")
        }
    }
}
