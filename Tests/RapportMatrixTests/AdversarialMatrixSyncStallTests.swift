import Foundation
import RapportCore
import RapportStoreSQLite
import Synchronization
import Testing
@testable import RapportMatrix

/// A user who may not run a command makes the bot refuse while the homeserver does not take
/// messages (unreachable here: a send is retried for about two minutes). The refusal must not
/// hold up the next `/sync`.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialMatrixSyncStallTests {
    struct Guarded: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "guarded", summary: "Keeps secrets.", commands: [.init("secret", help: "Admins only.", requires: .admin)])
        init(context: PluginContext) async throws {}
    }

    @Test("a refusal sent while processing a sync batch does not delay the next /sync")
    func refusalDoesNotStallSync() async throws {
        let store = try SQLiteStore()
        let configuration = MatrixConfiguration(homeserver: URL(string: "http://127.0.0.1:9")!, userID: Fixture.bot, password: "secret")
        let connector = MatrixConnector(network: "mx", configuration: configuration, store: store, logger: testLogger("stall"))
        let plugins = [PluginRegistration(Guarded.self)]
        let bot = Bot(
            configuration: try BotConfiguration().validated(against: plugins.map(\.descriptor)), store: store, plugins: plugins,
            connectors: [connector], metrics: .disabled)
        try await bot.start()
        try await connector.restoreState(for: .init(userID: Fixture.bot, deviceID: nil))

        let secondFetch = Mutex(false)
        let batch = Fixture.batch([Fixture.message("$1", "!secret")], next: "s1")
        let loop = await connector.syncLoop(events: bot) { since, _ in
            if since == "s0" { return batch }
            secondFetch.withLock { $0 = true }
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        }
        let started = ContinuousClock.now
        let running = Task { try await loop.run(since: "s0") }
        defer { running.cancel() }
        // Sending the refusal retries for about two minutes; the next /sync must not wait for it.
        // (30 s leaves room for a machine busy with other tests.)
        while !secondFetch.withLock({ $0 }), ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(secondFetch.withLock { $0 }, "the next /sync waited for the refusal to be sent")
    }
}
