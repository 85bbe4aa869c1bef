import CorePlugin
import Foundation
import Logging
import RapportCore
import RapportPluginHost
import RapportStoreSQLite

/// Prints the command round trip (event in → reply out at the connector) for a built-in plugin
/// (`!ping`) and for the example external plugin (`!echo`, Python, through the real host).
///
///     swift run -c release RapportBenchmarks [ROUNDS] [PATH/TO/plugin.py]
@main
enum RapportBenchmarks {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let rounds = arguments.first.flatMap(Int.init) ?? 10_000
        let script = arguments.dropFirst().first ?? "plugins/examples/echo-python/plugin.py"
        guard FileManager.default.fileExists(atPath: script) else {
            print("No example plugin at \(script); run from the repository root or pass its path.")
            return
        }
        var logger = Logger(label: "benchmark")
        logger.logLevel = .error
        let external = await ExternalPlugin.registration(
            ExternalPluginConfiguration(id: "echo", command: ["python3", script], maxLinesPerSecond: 1_000_000), logger: logger)
        let owner = Identity.console("bench")
        let connector = SignallingConnector()
        let bot = Bot(
            configuration: BotConfiguration(owners: [owner], pluginOutputBurst: 1_000_000, pluginOutputPerSecond: 1_000_000),
            store: try SQLiteStore(), plugins: [PluginRegistration(CorePlugin.self), external], connectors: [connector],
            logger: logger)
        try await bot.start()
        print("Command round trip, event in → reply out, \(rounds) rounds each (after \(rounds / 10) warm-up rounds):")
        for (name, text) in [("built-in  !ping", "!ping"), ("external  !echo (Python)", "!echo hello")] {
            let samples = try await measure(text, rounds: rounds, bot: bot, connector: connector, sender: owner)
            print(report(name, samples))
        }
        await bot.stop()
    }

    static func measure(
        _ text: String, rounds: Int, bot: Bot, connector: SignallingConnector, sender: Identity
    ) async throws -> [Duration] {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(rounds)
        for round in 0..<(rounds + rounds / 10) {
            let event = ChatEvent(
                network: connector.network, channel: "#bench", sender: ChatUser(nick: "bench", identity: sender),
                kind: .message(ChatMessage(text)))
            let start = clock.now
            await bot.receive(event)
            let sent = await connector.nextSend()
            if round >= rounds / 10 { samples.append(sent - start) }
        }
        return samples
    }

    static func report(_ name: String, _ samples: [Duration]) -> String {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
            return milliseconds(sorted[max(0, index)])
        }
        return "  \(name): p50 \(percentile(0.5)) ms, p90 \(percentile(0.9)) ms, p99 \(percentile(0.99)) ms, max \(percentile(1)) ms"
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.3f", duration.timeInterval * 1000)
    }
}

/// A connector that tells the benchmark the moment the bot sends something.
actor SignallingConnector: Connector {
    nonisolated let network = "bench"
    private var sent: [ContinuousClock.Instant] = []
    private var waiter: CheckedContinuation<ContinuousClock.Instant, Never>?

    func run(events: any EventSink) async throws {
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }

    func send(_ message: OutgoingMessage) async throws {
        let now = ContinuousClock.now
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: now)
        } else {
            sent.append(now)
        }
    }

    /// When the next message was sent (waiting for it if need be).
    func nextSend() async -> ContinuousClock.Instant {
        if !sent.isEmpty { return sent.removeFirst() }
        return await withCheckedContinuation { waiter = $0 }
    }

    func join(_ channel: String) async throws {}
    func part(_ channel: String, reason: String?) async throws {}
    func isOnline(_ address: String) async -> Bool? { nil }
    nonisolated func currentNick() -> String { "rapport" }
    nonisolated func casemapping() -> Casemapping { .ascii }
}
