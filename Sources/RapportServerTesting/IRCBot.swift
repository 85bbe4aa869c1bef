import Foundation
public import Logging
public import RapportCore
import RapportIRC

/// A logger for bots in tests: quiet, or debug level on stderr when `RAPPORT_TEST_LOG=1`.
public func testBotLogger() -> Logger {
    var logger = Logger(label: "rapport.test")
    logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"] == "1" ? .debug : .critical
    return logger
}

/// Runs a bot with `plugins` on `connectors` until `body` ends; the configuration is validated
/// against the plugins first.
public func withBot<T: Sendable>(
    plugins: [PluginRegistration], configuration: BotConfiguration = BotConfiguration(), store: any Store,
    connectors: [any Connector], _ body: () async throws -> T
) async throws -> T {
    let bot = Bot(
        configuration: try configuration.validated(against: plugins.map(\.descriptor)), store: store, plugins: plugins,
        connectors: connectors, logger: testBotLogger())
    let task = Task { try await bot.run() }
    defer { task.cancel() }
    let result = try await body()
    task.cancel()
    _ = await task.result
    return result
}

/// Runs a bot with `plugins` on a real IRC `server` (as `rapport`, in `#rapport`, network `local`)
/// and on `otherConnectors`, until `body` ends; `body` starts once the bot is in `#rapport`.
public func withIRCBot<T: Sendable>(
    _ server: TestIRCServer, plugins: [PluginRegistration], configuration: BotConfiguration = BotConfiguration(),
    store: any Store, otherConnectors: [any Connector] = [], _ body: () async throws -> T
) async throws -> T {
    var irc = IRCConfiguration(host: server.host, port: server.port, tls: false, tlsVerify: false, nick: "rapport", channels: ["#rapport"])
    irc.flood = .init(burst: 50, perSecond: 50)
    irc.connectTimeout = 5
    let connector = IRCConnector(network: "local", configuration: irc, logger: testBotLogger())
    return try await withBot(plugins: plugins, configuration: configuration, store: store, connectors: [connector] + otherConnectors) {
        try await eventually("bot joined #rapport", timeout: 60) { await connector.joinedChannels().contains("#rapport") }
        return try await body()
    }
}
