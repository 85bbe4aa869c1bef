import Foundation
import RapportCore
import RapportTesting
import Testing
@testable import RapportMatrix

/// `kill -9` while a plugin holds a `/sync` batch's events for a fuller batch: after a restart on
/// the same database, every event is in the plugin's ledger exactly once.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialMatrixCrashTests {
    /// A ledger that holds events like the thanks plugin, only longer: a batch commits after an
    /// hour unless someone waits for it.
    struct Ledger: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "ledger", summary: "Keeps every message.")
        let store: PluginStore
        init(context: PluginContext) async throws {
            store = context.store
            try await store.migrate([Migration(1, "Messages", ["CREATE TABLE ledger_message (id TEXT NOT NULL)"])])
        }
        var eventBatchSize: Int { 256 }
        var eventBatchDelay: Duration { .seconds(3600) }
        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            guard let id = event.id else { return }
            _ = try await store.database.execute("INSERT INTO ledger_message (id) VALUES (?)", [.text(id.rawValue)])
        }
    }

    static let batch = Fixture.batch([Fixture.message("$1", "hi"), Fixture.message("$2", "thanks"), Fixture.message("$3", "bye")], next: "s1")

    static func instance(path: String) async throws -> SyncProcess {
        try await SyncProcess(path: path, plugins: [PluginRegistration(Ledger.self)], serving: batch)
    }

    @Test("events whose batch had not committed when the process died are stored exactly once after a restart")
    func killBeforeTheBatchCommits() async throws {
        let path = SyncProcess.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }

        let first = try await Self.instance(path: path)
        try await first.waitUntilCaughtUp()
        // kill -9: the loop stops where it is, and the bot is abandoned with whatever it holds.
        first.loop.cancel()

        let second = try await Self.instance(path: path)
        try await second.waitUntilCaughtUp()
        await second.bot.settle()
        second.loop.cancel()
        let rows = try await second.store.query("SELECT id FROM ledger_message ORDER BY id", [])
        #expect(rows.map { $0["id"] } == [.text("$1"), .text("$2"), .text("$3")])
    }
}
