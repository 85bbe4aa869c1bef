public import RapportCore
public import RapportIRC
public import RapportMatrix
public import RapportPluginHost
public import RapportStorePostgres

/// The YAML configuration file, as written by people: see `deploy/rapport.example.yaml`.
///
/// Every section and key is optional except where noted; unknown keys are errors.
public struct ConfigurationFile: Codable, Sendable {
    /// `bot:` — who the bot is and who owns it.
    public struct Bot: Codable, Sendable {
        /// `nick` (text, `rapport`): the default nick; networks may set their own.
        public var nick: String = "rapport"
        /// `owners` (list of identities, empty): `irc:NETWORK:ACCOUNT`, `matrix:@user:server`, `console:NAME`.
        public var owners: [Identity] = []
        /// `command_prefix` (text, `!`): what starts a command; same as `plugins.core.prefix`.
        public var commandPrefix: String?
        /// `command_burst` (int, 5) and `commands_per_second` (number, 0.5): per-person command limit.
        public var commandBurst: Int = 5
        public var commandsPerSecond: Double = 0.5
        /// `plugin_output_burst` (int, 20) and `plugin_output_per_second` (number, 5): how many
        /// messages each plugin may send, built-in or external.
        public var pluginOutputBurst: Int = 20
        public var pluginOutputPerSecond: Double = 5

        enum CodingKeys: String, CodingKey {
            case nick, owners, commandPrefix = "command_prefix", commandBurst = "command_burst"
            case commandsPerSecond = "commands_per_second", pluginOutputBurst = "plugin_output_burst"
            case pluginOutputPerSecond = "plugin_output_per_second"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            nick = try c.decodeIfPresent(String.self, forKey: .nick) ?? nick
            owners = try c.decodeIfPresent([Identity].self, forKey: .owners) ?? owners
            commandPrefix = try c.decodeIfPresent(String.self, forKey: .commandPrefix)
            commandBurst = try c.decodeIfPresent(Int.self, forKey: .commandBurst) ?? commandBurst
            commandsPerSecond = try c.decodePositive(.commandsPerSecond, default: commandsPerSecond)
            pluginOutputBurst = try c.decodeIfPresent(Int.self, forKey: .pluginOutputBurst) ?? pluginOutputBurst
            pluginOutputPerSecond = try c.decodePositive(.pluginOutputPerSecond, default: pluginOutputPerSecond)
        }
    }

    /// `storage:` — where data lives. Exactly one backend.
    public struct Storage: Codable, Sendable {
        /// `sqlite` (path, `./data/rapport.sqlite` when the section is absent): the embedded database file.
        public var sqlite: String?
        /// `postgres` (URL, none): `postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require]`;
        /// write the password as `${VARIABLE}`. It is never logged or shown in errors.
        public var postgres: String?
        /// `postgres_limits` (map, defaults below): the pool size, timeouts and keepalives of the
        /// PostgreSQL store's connections (``PostgresLimits``).
        public var postgresLimits: PostgresLimits?

        enum CodingKeys: String, CodingKey {
            case sqlite, postgres, postgresLimits = "postgres_limits"
        }

        public init(sqlite: String? = "./data/rapport.sqlite", postgres: String? = nil, postgresLimits: PostgresLimits? = nil) {
            self.sqlite = sqlite
            self.postgres = postgres
            self.postgresLimits = postgresLimits
        }
    }

    /// `http:` — the health and metrics endpoint and the web dashboard; off unless the section
    /// is present.
    public struct HTTP: Codable, Sendable {
        /// `listen` (HOST:PORT, `127.0.0.1:9300`): where `/healthz`, `/readyz`, `/metrics` and
        /// the dashboard are served. Keep it on loopback unless a firewall or proxy guards it.
        public var listen: String = "127.0.0.1:9300"
        /// `public_url` (URL, `http://` + `listen`): where browsers reach the endpoint, for the
        /// links `!dashboard` sends; with `https://` the session cookie is marked `Secure`.
        public var publicURL: String?

        enum CodingKeys: String, CodingKey {
            case listen, publicURL = "public_url"
        }

        public init(listen: String = "127.0.0.1:9300", publicURL: String? = nil) {
            self.listen = listen
            self.publicURL = publicURL
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
            publicURL = try c.decodeIfPresent(String.self, forKey: .publicURL)
        }

        /// The base of dashboard links: `public_url`, or the listen address over plain HTTP.
        public var dashboardBaseURL: String { publicURL ?? "http://\(listen)" }
    }

    /// `instances:` — several `rapport run` processes sharing one PostgreSQL store (only with
    /// `storage.postgres`, where it is always in force with these defaults).
    ///
    /// Each network is served by the one instance that holds its lease in the database; the
    /// others stand by and take over when it stops renewing.
    public struct Instances: Codable, Sendable {
        /// `lease_seconds` (int, 15, 2…300): how long a network's lease lasts without renewal.
        /// A dead instance's networks are taken over within about `lease_seconds × 4/3` plus
        /// the time to connect; renewals happen every third of it.
        public var leaseSeconds: Int = 15

        enum CodingKeys: String, CodingKey { case leaseSeconds = "lease_seconds" }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            leaseSeconds = try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? leaseSeconds
        }

        /// The range `lease_seconds` must lie in.
        static let leaseRange = 2...300
    }

    /// `logging:` — how much to log, and how.
    public struct Logging: Codable, Sendable {
        /// `level` (trace|debug|info|notice|warning|error|critical, `info`).
        public var level: String = "info"
        /// `format` (text|json, `text`).
        public var format: String = "text"

        public init() {}

        public init(from decoder: any Decoder) throws {
            enum Keys: String, CodingKey { case level, format }
            let c = try decoder.container(keyedBy: Keys.self)
            level = try c.decodeIfPresent(String.self, forKey: .level) ?? level
            format = try c.decodeIfPresent(String.self, forKey: .format) ?? format
        }
    }

    /// `retention:` — how long message text is kept.
    public struct Retention: Codable, Sendable {
        /// `excerpts` (duration such as `30d`, `30d`; `0` keeps no message text at all).
        public var excerpts: String = "30d"
        public init() {}
        public init(from decoder: any Decoder) throws {
            enum Keys: String, CodingKey { case excerpts }
            let c = try decoder.container(keyedBy: Keys.self)
            if let seconds = try? c.decodeIfPresent(Int.self, forKey: .excerpts) {
                excerpts = String(seconds)
            } else {
                excerpts = try c.decodeIfPresent(String.self, forKey: .excerpts) ?? excerpts
            }
        }
    }

    /// One entry of `networks:`.
    public struct Network: Codable, Sendable {
        /// `name` (text, required): how the network is called in identities, logs and scopes.
        public var name: String
        /// `irc` (map): an IRC network; see ``IRCConfiguration`` for its keys.
        public var irc: IRCConfiguration?
        /// `matrix` (map): a Matrix homeserver account; see ``MatrixConfiguration`` for its keys.
        public var matrix: MatrixConfiguration?
        /// `plugins` (map): plugin settings for this network only, as under the top-level `plugins`.
        public var plugins: [String: [String: SettingValue]]?
    }

    public var bot = Bot()
    public var storage = Storage()
    public var logging = Logging()
    public var http: HTTP?
    public var instances: Instances?
    public var retention = Retention()
    public var networks: [Network] = []
    /// `plugins:` — per plugin id, `enabled` and the plugin's own settings.
    public var plugins: [String: [String: SettingValue]] = [:]
    /// `external_plugins:` — plugins in their own processes, see ``ExternalPluginConfiguration``
    /// and `docs/plugins.md`. Their settings go under `plugins.<id>` like any plugin's.
    public var externalPlugins: [ExternalPluginConfiguration] = []

    enum CodingKeys: String, CodingKey {
        case bot, storage, logging, http, instances, retention, networks, plugins, externalPlugins = "external_plugins"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bot = try c.decodeIfPresent(Bot.self, forKey: .bot) ?? bot
        storage = try c.decodeIfPresent(Storage.self, forKey: .storage) ?? storage
        logging = try c.decodeIfPresent(Logging.self, forKey: .logging) ?? logging
        http = try c.decodeIfPresent(HTTP.self, forKey: .http)
        instances = try c.decodeIfPresent(Instances.self, forKey: .instances)
        retention = try c.decodeIfPresent(Retention.self, forKey: .retention) ?? retention
        networks = try c.decodeIfPresent([Network].self, forKey: .networks) ?? networks
        plugins = try c.decodeIfPresent([String: [String: SettingValue]].self, forKey: .plugins) ?? plugins
        externalPlugins = try c.decodeIfPresent([ExternalPluginConfiguration].self, forKey: .externalPlugins) ?? externalPlugins
    }
}

extension ConfigurationFile {
    /// The runtime's view of the file, not yet validated against the plugins' settings.
    public var botConfiguration: BotConfiguration {
        var plugins = Self.pluginSettings(self.plugins)
        if let prefix = bot.commandPrefix, plugins["core"]?.values["prefix"] == nil {
            plugins["core", default: .init()].values["prefix"] = .string(prefix)
        }
        if let http, plugins["dashboard"]?.values["public_url"] == nil {
            plugins["dashboard", default: .init()].values["public_url"] = .string(http.dashboardBaseURL)
        }
        var networkPlugins: [String: [String: BotConfiguration.PluginFileSettings]] = [:]
        for network in networks { networkPlugins[network.name] = Self.pluginSettings(network.plugins ?? [:]) }
        var configuration = BotConfiguration(
            owners: Set(bot.owners), plugins: plugins, networkPlugins: networkPlugins, commandBurst: bot.commandBurst,
            commandsPerSecond: bot.commandsPerSecond, pluginOutputBurst: bot.pluginOutputBurst,
            pluginOutputPerSecond: bot.pluginOutputPerSecond)
        configuration.textRetention = Duration(chatText: retention.excerpts) ?? configuration.textRetention
        return configuration
    }

    private static func pluginSettings(_ raw: [String: [String: SettingValue]]) -> [String: BotConfiguration.PluginFileSettings] {
        raw.mapValues { values in
            var values = values
            let enabled = values.removeValue(forKey: "enabled")
            return .init(enabled: enabled.flatMap { if case .bool(let b) = $0 { b } else { nil } }, values: values)
        }
    }
}
