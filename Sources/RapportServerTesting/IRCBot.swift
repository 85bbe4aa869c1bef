import Foundation
import Logging
public import RapportCore
import RapportIRC

/// Runs a bot with `plugins` on a real IRC `server` (as `rapport`, in `#rapport`, network `local`)
/// and on `otherConnectors`, until `body` ends. The bot's log goes to stderr at debug level when
/// `RAPPORT_TEST_LOG=1`.
public func withIRCBot<T: Sendable>(
    _ server: TestIRCServer, plugins: [PluginRegistration], configuration: BotConfiguration = BotConfiguration(),
    store: any Store, otherConnectors: [any Connector] = [], _ body: () async throws -> T
) async throws -> T {
    var irc = IRCConfiguration(host: server.host, port: server.port, tls: false, tlsVerify: false, nick: "rapport", channels: ["#rapport"])
    irc.flood = .init(burst: 50, perSecond: 50)
    irc.connectTimeout = 5
    var logger = Logger(label: "rapport.test")
    logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"] == "1" ? .debug : .critical
    let connector = IRCConnector(network: "local", configuration: irc, logger: logger)
    let bot = Bot(
        configuration: try configuration.validated(against: plugins.map(\.descriptor)), store: store, plugins: plugins,
        connectors: [connector] + otherConnectors, logger: logger)
    let task = Task { try await bot.run() }
    defer { task.cancel() }
    try await eventually("bot joined #rapport", timeout: 20) { await connector.joinedChannels().contains("#rapport") }
    let result = try await body()
    task.cancel()
    _ = await task.result
    return result
}
