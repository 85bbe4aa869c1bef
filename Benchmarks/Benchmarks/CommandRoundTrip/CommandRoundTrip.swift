import Benchmark
import BenchmarkConfiguration
import CorePlugin
import Foundation
import Logging
import RapportCore
import RapportPluginHost
import RapportStoreSQLite

/// The command round trip, a thousand per sample: a `ChatEvent` handed to `Bot.receive` → the
/// reply handed to the connector, through the real runtime (command parsing, routing, role
/// check, plugin queue, output limit) and an in-memory SQLite store. `!ping` is the built-in
/// core plugin; `!echo` the example external plugin (`plugins/examples/echo-python`, CPython)
/// over pipes.
let benchmarks: @Sendable () -> Void = {
    for (name, text) in [("ping-builtin", "!ping"), ("echo-external-python", "!echo hello")] {
        let bot = RunningBot()
        Benchmark(
            name, configuration: .rapport(maxIterations: 100, scalingFactor: .kilo),
            closure: { benchmark, parts in
                let (bot, connector) = parts
                let event = ChatEvent(
                    network: connector.network, channel: "#bench", sender: ChatUser(nick: "bench", identity: RunningBot.owner),
                    kind: .message(ChatMessage(text)))
                await benchmark.measuringCPU {
                    await bot.receive(event)
                    await connector.nextSend()
                }
            },
            setup: { try await bot.start() },
            teardown: { await bot.stop() })
    }
}

/// A bot with the core plugin and the example external plugin, started for a benchmark and
/// stopped after it (which ends the plugin's process).
actor RunningBot {
    static let owner = Identity.console("bench")
    private var running: Bot?

    func start() async throws -> (Bot, SignallingConnector) {
        var logger = Logger(label: "benchmark")
        logger.logLevel = .error
        // This file is Benchmarks/Benchmarks/CommandRoundTrip/CommandRoundTrip.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("plugins/examples/echo-python/plugin.py").path
        let external = await ExternalPlugin.registration(
            ExternalPluginConfiguration(id: "echo", command: ["python3", script], maxLinesPerSecond: 1_000_000), logger: logger)
        let connector = SignallingConnector()
        let bot = Bot(
            configuration: BotConfiguration(owners: [Self.owner], pluginOutputBurst: 1_000_000, pluginOutputPerSecond: 1_000_000),
            store: try SQLiteStore(), plugins: [PluginRegistration(CorePlugin.self), external], connectors: [connector],
            logger: logger)
        try await bot.start()
        running = bot
        return (bot, connector)
    }

    func stop() async {
        await running?.stop()
        running = nil
    }
}

/// A connector that tells the benchmark when the bot sends something.
actor SignallingConnector: Connector {
    nonisolated let network = "bench"
    private var sent = 0
    private var waiter: CheckedContinuation<Void, Never>?

    func run(events: any EventSink) async throws {
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }

    func send(_ message: OutgoingMessage) async throws {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            sent += 1
        }
    }

    /// Returns once the bot sent its next message.
    func nextSend() async {
        if sent > 0 {
            sent -= 1
            return
        }
        await withCheckedContinuation { waiter = $0 }
    }

    func join(_ channel: String) async throws {}
    func part(_ channel: String, reason: String?) async throws {}
    func isOnline(_ address: String) async -> Bool? { nil }
    nonisolated func currentNick() -> String { "rapport" }
    nonisolated func casemapping() -> Casemapping { .ascii }
}
