import Foundation
import Logging
import NudgesPlugin
import RapportCore

/// A bot with only the nudges plugin, for the end-to-end tests on real servers: real time, a
/// short `thank_after`, a one-second delivery job and no rate limits in the way.
enum NudgeBot {
    static let thankAfter = 3.0

    /// Quiet unless `RAPPORT_TEST_LOG=1`.
    static var logger: Logger {
        var logger = Logger(label: "rapport.nudges.test")
        logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"] == "1" ? .debug : .critical
        return logger
    }

    /// Runs the bot on `connector` until `body` ends.
    static func run<T: Sendable>(on connector: any Connector, store: any Store, _ body: () async throws -> T) async throws -> T {
        let values: [String: SettingValue] = [
            "thank_after": .int(Int(thankAfter)), "delivery_interval": .int(1), "min_gap": .int(0), "weekly_limit": .int(50),
        ]
        let configuration = try BotConfiguration(plugins: ["nudges": .init(enabled: true, values: values)])
            .validated(against: [NudgesPlugin.descriptor])
        let bot = Bot(
            configuration: configuration, store: store, plugins: [PluginRegistration(NudgesPlugin.self)], connectors: [connector], logger: logger)
        let task = Task { try await bot.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        _ = await task.result
        return result
    }
}
