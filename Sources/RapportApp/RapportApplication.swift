import Foundation
public import Logging
public import RapportCore
import CoreMetrics
import Prometheus
import RapportConsole
import RapportDashboard
import RapportHTTP
import RapportIRC
import RapportMatrix
import RapportPluginHost
public import RapportStorePostgres
public import RapportStoreSQLite
import ServiceLifecycle
import Synchronization
import UnixSignals

/// swift-log may be set up once per process; tests start the application many times.
private let loggingBootstrapped = Mutex(false)
/// swift-metrics likewise.
private let metricsBootstrapped = Mutex(false)

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

    /// Opens the configured store: SQLite (the default) or PostgreSQL.
    ///
    /// - Throws: ``StoreError`` naming the file or the server; a PostgreSQL password never appears.
    public static func makeStore(_ storage: ConfigurationFile.Storage, logger: Logger) async throws -> any Store {
        var storeLogger = logger
        storeLogger[metadataKey: "component"] = "store"
        if let postgres = storage.postgres {
            let url: PostgresURL
            do { url = try PostgresURL(postgres) } catch { throw StoreError(.unavailable, error.description) }
            return try await PostgresStore.open(url, limits: storage.postgresLimits ?? PostgresLimits(), logger: storeLogger)
        }
        let path = storage.sqlite ?? "./data/rapport.sqlite"
        let store = try SQLiteStore(path: path, logger: storeLogger)
        storeLogger.info("store opened", metadata: ["backend": "sqlite", "path": "\(path)"])
        return store
    }

    /// The connectors for the configured networks.
    public static func makeConnectors(_ file: ConfigurationFile, store: any Store, logger: Logger) throws -> [any Connector] {
        file.networks.compactMap { network -> (any Connector)? in
            var networkLogger = logger
            networkLogger[metadataKey: "network"] = "\(network.name)"
            if let irc = network.irc {
                return IRCConnector(network: network.name, configuration: irc, store: store, logger: networkLogger)
            }
            if let matrix = network.matrix {
                return MatrixConnector(network: network.name, configuration: matrix, store: store, logger: networkLogger)
            }
            return nil
        }
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

    /// Runs the bot on the configured networks until SIGTERM or SIGINT, then shuts down cleanly:
    /// connectors say goodbye, plugins stop, the HTTP endpoint closes, and the store is closed.
    /// SIGHUP reloads the configuration file (see ``ConfigurationReloader``).
    ///
    /// - Parameter onHTTPListening: Called with the port once the HTTP endpoint listens (tests).
    public static func run(configurationPath: String, onHTTPListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (file, configuration) = try loadConfiguration(configurationPath)
        let logger = bootstrapLogging(file.logging)
        let store = try await makeStore(file.storage, logger: logger)
        do {
            try await serve(file, configuration, path: configurationPath, store: store, logger: logger, onHTTPListening: onHTTPListening)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        logger.info("stopped")
    }

    private static func serve(
        _ file: ConfigurationFile, _ fileConfiguration: BotConfiguration, path: String, store: any Store, logger: Logger,
        onHTTPListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let (plugins, configuration) = try await preparePlugins(file, fileConfiguration, path: path, logger: logger)
        var connectors = try makeConnectors(file, store: store, logger: logger)
        // With PostgreSQL, several instances may share the store: each network is served by one.
        var leases: NetworkLeases?
        if let postgres = file.storage.postgres, !connectors.isEmpty {
            let shared = try await NetworkLeases.prepare(
                postgres: try PostgresURL(postgres), limits: file.storage.postgresLimits ?? PostgresLimits(),
                networks: connectors.map(\.network), instances: file.instances ?? .init(), logger: logger)
            connectors = connectors.map { shared.leased($0, logger: logger) }
            leases = shared
        }
        let registry = PrometheusCollectorRegistry()
        var metrics = RapportMetrics()
        if file.http != nil {
            let factory = PrometheusMetricsFactory(registry: registry)
            metrics = RapportMetrics(factory: factory)
            // Also the process-wide factory, so code without a handle (`RapportMetrics()` in a
            // plugin or connector) reports to the same registry.
            let first = metricsBootstrapped.withLock { done in
                defer { done = true }
                return !done
            }
            if first { MetricsSystem.bootstrap(factory) }
        }
        metrics.preregister(networks: connectors.map(\.network))
        let bot = Bot(
            configuration: configuration, store: store, plugins: plugins, connectors: connectors, logger: logger, metrics: metrics)
        let reloads = await ConfigurationReloader(path: path, running: file, bot: bot, logger: logger).watchSIGHUP()
        defer { reloads.cancel() }
        logger.info("starting", metadata: ["version": "\(RapportVersion.current)", "networks": "\(connectors.map(\.network))"])
        // ServiceGroup stops services in reverse order: the bot first, then the leases, then the HTTP endpoint.
        var services: [any Service] = []
        if let http = file.http, let address = HTTPAddress(http.listen) {
            if !address.isLoopback {
                logger.warning("the HTTP endpoint listens beyond this machine", metadata: ["address": "\(address)"])
            }
            let dashboard = try await dashboardRoutes(http, store: store, bot: bot, logger: logger)
            let storeHealth = StoreHealth(store: store)
            services.append(storeHealth)
            services.append(
                ObservabilityService(
                    address: address, registry: registry, logger: logger,
                    readiness: { await readiness(store: storeHealth, bot: bot) }, routes: [dashboard], onListening: onHTTPListening))
        }
        if let leases { services.append(leases) }
        services.append(BotService(bot: bot, hasNetworks: !connectors.isEmpty))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The web dashboard on the HTTP endpoint.
    static func dashboardRoutes(_ http: ConfigurationFile.HTTP, store: any Store, bot: Bot, logger: Logger) async throws -> DashboardRoutes {
        var dashboardLogger = logger
        dashboardLogger[metadataKey: "component"] = "dashboard"
        let routes = DashboardRoutes(
            store: store, bot: bot, secureCookies: http.dashboardBaseURL.lowercased().hasPrefix("https:"), logger: dashboardLogger)
        try await routes.migrate()
        return routes
    }

    /// What `/readyz` checks: the store answered its last background check, and every configured
    /// network is connected. Nothing here queries the store.
    static func readiness(store: StoreHealth, bot: Bot) async -> [ReadinessCheck] {
        var checks = [store.current]
        for (network, status) in await bot.networkStatus().sorted(by: { $0.key < $1.key }) {
            checks.append(ReadinessCheck(name: "network \(network)", ok: status.isReady, detail: status.rawValue))
        }
        return checks
    }

    /// Copies a SQLite installation into an empty PostgreSQL database (see ``StoreCopier``).
    public static func copyStore(from source: SQLiteStore, to target: PostgresStore, logger: Logger) async throws -> [StoreCopier.TableCount] {
        try await StoreCopier(source: source, target: target, plugins: BuiltInPlugins.all, logger: logger).copy()
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
        let store = try await makeStore(file.storage, logger: logger)
        let (plugins, validated) = try await preparePlugins(
            file, configuration, path: configurationPath ?? "(no file)", logger: logger)
        let connector = ConsoleConnector(lines: lines, user: user, botNick: file.bot.nick, output: output)
        let bot = Bot(configuration: validated, store: store, plugins: plugins, connectors: [connector], logger: logger)
        var reloads: Task<Void, Never>?
        if let configurationPath {
            reloads = await ConfigurationReloader(path: configurationPath, running: file, bot: bot, logger: logger).watchSIGHUP()
        }
        defer { reloads?.cancel() }
        do {
            try await bot.run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// The bot as a ServiceLifecycle service: a graceful shutdown cancels it, which makes every
/// connector say goodbye and every plugin stop.
///
/// With no network configured it keeps the plugins (and their jobs) running until shutdown, so
/// the process still serves its HTTP endpoint instead of exiting at once.
struct BotService: Service {
    let bot: Bot
    let hasNetworks: Bool
    func run() async throws {
        if hasNetworks {
            try await cancelWhenGracefulShutdown { try await bot.run() }
        } else {
            try await bot.start()
            try? await gracefulShutdown()
            await bot.stop()
        }
    }
}
