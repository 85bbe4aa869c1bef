import Foundation
import RapportCore
import RapportStoreSQLite
import Synchronization
import Testing
@testable import RapportMatrix

/// The homeserver does not take messages (unreachable here: a send is retried for about two
/// minutes) while the bot has something to say about a `/sync` batch: a refusal the runtime
/// sends, or a plugin's reply, which the runtime waits for before the position is saved. Neither
/// may hold up the next `/sync`.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialMatrixSyncStallTests {
    struct Guarded: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "guarded", summary: "Keeps secrets.", commands: [.init("secret", help: "Admins only.", requires: .admin)])
        init(context: PluginContext) async throws {}
    }

    /// Answers every message, and waits for its answer to be sent.
    struct Echo: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "echo", summary: "Says everything again.")
        init(context: PluginContext) async throws {}
        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            guard let text = event.message?.text else { return }
            try await context.reply(to: event, text)
        }
    }

    /// Whether the sync loop asks for the batch after `text` within 30 s, with `plugin` running
    /// and sends going to a homeserver that does not answer.
    func nextSyncComes(after text: String, with plugin: PluginRegistration) async throws -> Bool {
        let store = try SQLiteStore()
        let configuration = MatrixConfiguration(homeserver: URL(string: "http://127.0.0.1:9")!, userID: Fixture.bot, password: "secret")
        let connector = MatrixConnector(network: "mx", configuration: configuration, store: store, logger: testLogger("stall"))
        let bot = Bot(
            configuration: try BotConfiguration().validated(against: [plugin.descriptor]), store: store, plugins: [plugin],
            connectors: [connector], metrics: .disabled)
        try await bot.start()
        try await connector.restoreState(for: .init(userID: Fixture.bot, deviceID: nil))
        let sender = Task { await connector.serveOutbox() }
        defer { sender.cancel() }

        let secondFetch = Mutex(false)
        let batch = Fixture.batch([Fixture.message("$1", text)], next: "s1")
        let loop = await connector.syncLoop(events: bot) { since, _ in
            if since == "s0" { return batch }
            secondFetch.withLock { $0 = true }
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        }
        let started = ContinuousClock.now
        let running = Task { try await loop.run(since: "s0") }
        defer { running.cancel() }
        // Sending retries for about two minutes; the next /sync must not wait for it.
        // (30 s leaves room for a machine busy with other tests.)
        while !secondFetch.withLock({ $0 }), ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
        return secondFetch.withLock { $0 }
    }

    @Test("a refusal sent while processing a sync batch does not delay the next /sync")
    func refusalDoesNotStallSync() async throws {
        #expect(try await nextSyncComes(after: "!secret", with: PluginRegistration(Guarded.self)), "the next /sync waited for the refusal to be sent")
    }

    @Test("a plugin's reply to a batch's message does not delay the next /sync")
    func pluginReplyDoesNotStallSync() async throws {
        #expect(try await nextSyncComes(after: "hello", with: PluginRegistration(Echo.self)), "the next /sync waited for the plugin's reply to be sent")
    }

    @Test("a full outgoing queue refuses the next message with a clear error")
    func fullQueueRefuses() async throws {
        let connector = MatrixConnector(network: "mx", configuration: Fixture.configuration(), store: try SQLiteStore(), logger: testLogger("full"))
        let message = OutgoingMessage(to: .channel(Fixture.room), text: "hi")
        for _ in 0..<MatrixConnector.outboxCapacity { try await connector.send(message) }
        await #expect {
            try await connector.send(message)
        } throws: { ($0 as? MatrixError)?.code == .queueFull }
    }
}
