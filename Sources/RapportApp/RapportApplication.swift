import Foundation
public import Logging
public import RapportCore
import RapportConsole
import RapportStoreSQLite
import ServiceLifecycle
import Synchronization
import UnixSignals

/// swift-log may be set up once per process; tests start the application many times.
private let loggingBootstrapped = Mutex(false)

/// Assembles Rapport from a configuration file: store, connectors, plugins, logging.
public enum RapportApplication {
    /// Loads and validates the configuration at `path`.
    public static func loadConfiguration(_ path: String) throws(ConfigurationError) -> (file: ConfigurationFile, bot: BotConfiguration) {
        try ConfigurationLoader(descriptors: BuiltInPlugins.all.map(\.descriptor)).load(path)
    }

    /// Sets up swift-log once for the process: text or JSON lines on standard error.
    public static func bootstrapLogging(_ logging: ConfigurationFile.Logging) -> Logger {
        let level = Logger.Level(rawValue: logging.level) ?? .info
        let first = loggingBootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first { LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                logging.format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        } }
        var logger = Logger(label: "rapport")
        logger.logLevel = level
        return logger
    }

    /// Opens the configured store.
    public static func makeStore(_ storage: ConfigurationFile.Storage) throws -> any Store {
        try SQLiteStore(path: storage.sqlite ?? "./data/rapport.sqlite")
    }

    /// The connectors for the configured networks.
    public static func makeConnectors(_ file: ConfigurationFile, store: any Store, logger: Logger) throws -> [any Connector] {
        []
    }

    /// Runs the bot on the configured networks until SIGTERM or SIGINT, then shuts down cleanly.
    public static func run(configurationPath: String) async throws {
        let (file, configuration) = try loadConfiguration(configurationPath)
        let logger = bootstrapLogging(file.logging)
        let store = try makeStore(file.storage)
        let connectors = try makeConnectors(file, store: store, logger: logger)
        let bot = Bot(
            configuration: configuration, store: store, plugins: BuiltInPlugins.all, connectors: connectors,
            logger: logger)
        logger.info("starting", metadata: ["version": "\(RapportVersion.current)", "networks": "\(connectors.map(\.network))"])
        let group = ServiceGroup(
            configuration: .init(services: [BotService(bot: bot)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    /// Runs the bot on the console connector: lines from `lines`, answers to `output`.
    public static func console(
        configurationPath: String?, user: String, lines: AsyncStream<String>,
        output: @escaping @Sendable (String) -> Void = { print($0) }
    ) async throws {
        var file = ConfigurationFile()
        var configuration = file.botConfiguration
        if let configurationPath { (file, configuration) = try loadConfiguration(configurationPath) }
        var logging = file.logging
        if configurationPath == nil || logging.level == "info" { logging.level = "warning" }
        let logger = bootstrapLogging(logging)
        let store = try makeStore(file.storage)
        let connector = ConsoleConnector(lines: lines, user: user, botNick: file.bot.nick, output: output)
        let bot = Bot(
            configuration: configuration, store: store, plugins: BuiltInPlugins.all, connectors: [connector],
            logger: logger)
        try await bot.run()
    }
}

/// The bot as a ServiceLifecycle service: a graceful shutdown cancels it, which makes every
/// connector say goodbye and every plugin stop.
struct BotService: Service {
    let bot: Bot
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await bot.run() }
    }
}
