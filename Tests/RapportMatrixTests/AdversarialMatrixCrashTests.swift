import Foundation
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Synchronization
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

    /// A homeserver that serves the batch after `s0` and nothing new after it.
    final class Homeserver: Sendable {
        let batch = Fixture.batch([Fixture.message("$1", "hi"), Fixture.message("$2", "thanks"), Fixture.message("$3", "bye")], next: "s1")
        /// Whether the loop asked for what comes after the batch: it is done with the batch.
        let caughtUp = Mutex(false)
        func fetch(since: String?) async throws -> SyncResponse {
            if since == "s1" {
                caughtUp.withLock { $0 = true }
                try await Task.sleep(for: .seconds(3600))
                throw CancellationError()
            }
            return batch
        }
    }

    /// One "process": a bot with the ledger and a Matrix connector's sync loop on the file at `path`.
    struct Instance {
        let bot: Bot
        let store: SQLiteStore
        let homeserver = Homeserver()
        let loop: Task<Void, any Error>

        init(path: String) async throws {
            store = try SQLiteStore(path: path)
            let plugins = [PluginRegistration(Ledger.self)]
            bot = Bot(
                configuration: try BotConfiguration().validated(against: plugins.map(\.descriptor)), store: store,
                plugins: plugins, connectors: [], metrics: .disabled)
            try await bot.start()
            let connector = MatrixConnector(network: "mx", configuration: Fixture.configuration(), store: store, logger: testLogger("crash"))
            try await connector.restoreState(for: .init(userID: Fixture.bot, deviceID: nil))
            if try await connector.saved.get("since") == nil { try await connector.saved.set("since", "s0") }
            let homeserver = homeserver
            let sync = await connector.syncLoop(events: bot) { since, _ in try await homeserver.fetch(since: since) }
            let since = try await connector.saved.get("since")
            loop = Task { try await sync.run(since: since) }
        }

        /// Waits (bounded) until the loop asks for what comes after the batch.
        func waitUntilCaughtUp() async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while !homeserver.caughtUp.withLock({ $0 }) {
                guard ContinuousClock.now < deadline else { throw TestFailure("the sync loop did not ask for the next batch within 60 s") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    @Test("events whose batch had not committed when the process died are stored exactly once after a restart")
    func killBeforeTheBatchCommits() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-crash-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let first = try await Instance(path: path)
        try await first.waitUntilCaughtUp()
        // kill -9: the loop stops where it is, and the bot is abandoned with whatever it holds.
        first.loop.cancel()

        let second = try await Instance(path: path)
        try await second.waitUntilCaughtUp()
        await second.bot.settle()
        second.loop.cancel()
        let rows = try await second.store.query("SELECT id FROM ledger_message ORDER BY id", [])
        #expect(rows.map { $0["id"] } == [.text("$1"), .text("$2"), .text("$3")])
    }
}
