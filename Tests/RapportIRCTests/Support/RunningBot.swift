import RapportServerTesting
import Foundation
import RapportTesting
import Logging
import RapportCore
import RapportIRC
import RapportStoreSQLite

/// A ``Bot`` with one ``IRCConnector`` and the ``EchoTestPlugin``, running in a task.
struct RunningBot: Sendable {
    let network: String
    let connector: IRCConnector
    let bot: Bot
    let task: Task<Void, any Error>

    static func start(_ configuration: IRCConfiguration) async throws -> RunningBot {
        let network = "t\(UUID().uuidString.prefix(6).lowercased())"
        var logger = Logger(label: "rapport.irc.test")
        logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"] == "1" ? .debug : .critical
        let connector = IRCConnector(network: network, configuration: configuration, logger: logger)
        let bot = Bot(
            configuration: BotConfiguration(), store: try SQLiteStore(), plugins: [PluginRegistration(EchoTestPlugin.self)],
            connectors: [connector], logger: logger)
        let task = Task { try await bot.run() }
        return RunningBot(network: network, connector: connector, bot: bot, task: task)
    }

    /// Waits until the bot is registered and in every channel of `channels`.
    func waitUntilJoined(_ channels: [String], timeout: Double = 20) async throws {
        try await eventually("bot joined \(channels)", timeout: timeout) {
            let joined = Set(await connector.joinedChannels().map { $0.lowercased() })
            return channels.allSatisfy { joined.contains($0.lowercased()) }
        }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Runs `body` with the bot and stops it whatever happens.
func withBot<T: Sendable>(_ configuration: IRCConfiguration, _ body: (RunningBot) async throws -> T) async throws -> T {
    try await withStarted({ try await RunningBot.start(configuration) }, stop: { await $0.stop() }, body)
}
