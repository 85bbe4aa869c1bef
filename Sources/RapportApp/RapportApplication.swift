import Foundation
public import Logging
public import RapportCore
import RapportConsole
import RapportPluginHost
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

    /// Starts the external plugins of `file` (their handshakes tell their commands and
    /// settings), then checks the file's settings for them.
    ///
    /// - Returns: Every plugin to register (built-in first) and the fully validated configuration.
    /// - Throws: ``ConfigurationError`` when the file's settings do not fit a plugin's manifest.
    public static func preparePlugins(
        _ file: ConfigurationFile, _ configuration: BotConfiguration, path: String, logger: Logger
    ) async throws(ConfigurationError) -> (plugins: [PluginRegistration], configuration: BotConfiguration) {
        let external = await ExternalPlugin.registrations(file.externalPlugins, logger: logger)
        let plugins = BuiltInPlugins.all + external
        do {
            let validated = try configuration.validated(
                against: plugins.map(\.descriptor), skipping: unstartedPlugins(plugins.map(\.descriptor)))
            return (plugins, validated)
        } catch {
            throw ConfigurationError(file: path, path: "", problem: error.description)
        }
    }

    /// External plugins that did not start: their settings cannot be checked until they do.
    static func unstartedPlugins(_ descriptors: [PluginDescriptor]) -> Set<String> {
        Set(descriptors.filter(ExternalPlugin.isStandIn).map(\.id))
    }

    /// Runs the bot on the configured networks until SIGTERM or SIGINT, then shuts down cleanly.
    /// SIGHUP reloads the configuration file (see ``ConfigurationReloader``).
    public static func run(configurationPath: String) async throws {
        let (file, fileConfiguration) = try loadConfiguration(configurationPath)
        let logger = bootstrapLogging(file.logging)
        let store = try makeStore(file.storage)
        let (plugins, configuration) = try await preparePlugins(file, fileConfiguration, path: configurationPath, logger: logger)
        let connectors = try makeConnectors(file, store: store, logger: logger)
        let bot = Bot(configuration: configuration, store: store, plugins: plugins, connectors: connectors, logger: logger)
        let reloader = ConfigurationReloader(path: configurationPath, running: file, bot: bot, logger: logger)
        let reloads = await reloader.watchSIGHUP()
        defer { reloads.cancel() }
        logger.info("starting", metadata: ["version": "\(RapportVersion.current)", "networks": "\(connectors.map(\.network))"])
        let group = ServiceGroup(
            configuration: .init(services: [BotService(bot: bot)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    /// Writes one line to standard output at once, unbuffered.
    @Sendable public static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Runs the bot on the console connector: lines from `lines`, answers to `output` (standard
    /// output by default, flushed after each line so that a program reading a pipe sees every
    /// answer at once). With a configuration file, SIGHUP reloads it as for `run`.
    public static func console(
        configurationPath: String?, user: String, lines: AsyncStream<String>,
        output: @escaping @Sendable (String) -> Void = RapportApplication.printLine
    ) async throws {
        var file = ConfigurationFile()
        var configuration = file.botConfiguration
        if let configurationPath { (file, configuration) = try loadConfiguration(configurationPath) }
        var logging = file.logging
        if configurationPath == nil || logging.level == "info" { logging.level = "warning" }
        let logger = bootstrapLogging(logging)
        let store = try makeStore(file.storage)
        let (plugins, validated) = try await preparePlugins(
            file, configuration, path: configurationPath ?? "(no file)", logger: logger)
        let connector = ConsoleConnector(lines: lines, user: user, botNick: file.bot.nick, output: output)
        let bot = Bot(configuration: validated, store: store, plugins: plugins, connectors: [connector], logger: logger)
        var reloads: Task<Void, Never>?
        if let configurationPath {
            reloads = await ConfigurationReloader(path: configurationPath, running: file, bot: bot, logger: logger).watchSIGHUP()
        }
        defer { reloads?.cancel() }
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
