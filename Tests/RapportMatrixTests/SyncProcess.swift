import Foundation
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Synchronization
@testable import RapportMatrix

/// A homeserver that serves one batch after `s0` and nothing new after it.
final class OneBatchHomeserver: Sendable {
    let batch: SyncResponse
    /// Whether the loop asked for what comes after the batch: it is done with the batch.
    let caughtUp = Mutex(false)

    init(_ batch: SyncResponse) { self.batch = batch }

    func fetch(since: String?) async throws -> SyncResponse {
        if since == batch.nextBatch {
            caughtUp.withLock { $0 = true }
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        }
        return batch
    }
}

/// One "process" of the bot: `plugins` and a Matrix connector's sync loop over a
/// ``OneBatchHomeserver``, on the SQLite file at `path`. Cancelling ``loop`` and dropping the
/// instance plays `kill -9`: whatever the bot holds is lost.
struct SyncProcess {
    let bot: Bot
    let store: SQLiteStore
    let connector: MatrixConnector
    let homeserver: OneBatchHomeserver
    let loop: Task<Void, any Error>

    init(path: String, plugins: [PluginRegistration], configuration: BotConfiguration = BotConfiguration(), serving batch: SyncResponse)
        async throws
    {
        store = try SQLiteStore(path: path)
        bot = Bot(
            configuration: try configuration.validated(against: plugins.map(\.descriptor)), store: store,
            plugins: plugins, connectors: [], metrics: .disabled)
        try await bot.start()
        connector = MatrixConnector(network: "mx", configuration: Fixture.configuration(), store: store, logger: testLogger("sync-process"))
        try await connector.restoreState(for: .init(userID: Fixture.bot, deviceID: nil))
        if try await connector.saved.get("since") == nil { try await connector.saved.set("since", "s0") }
        let homeserver = OneBatchHomeserver(batch)
        self.homeserver = homeserver
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

    /// A temporary SQLite file's path, removed by `body`'s caller with `removeItem`.
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rapport-sync-\(UUID().uuidString).sqlite").path
    }
}
