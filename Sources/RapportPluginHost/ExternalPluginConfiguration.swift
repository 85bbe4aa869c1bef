/// One entry of `external_plugins:` in the configuration file: a plugin in its own process.
///
/// ```yaml
/// external_plugins:
///   - id: dice
///     command: [python3, plugins/examples/echo-python/plugin.py]
///     working_directory: /srv/rapport        # optional
///     environment: { DICE_SIDES: "6" }       # optional, added to a small base environment
///     timeout: 10                            # optional, seconds per event/command/job
///     max_restarts: 5                        # optional, failures in a row before it is switched off
/// ```
///
/// - `id` (text, required): the plugin's id; its manifest must announce the same. It is also
///   the plugin's store namespace, so `rapport` and anything starting with `rapport` (the
///   runtime's own namespaces) are refused, as are the ids of built-in plugins (checked by the
///   configuration loader, which knows them).
/// - `command` (list of text, required): the program and its arguments, looked up in `PATH`.
/// - `working_directory` (path, the bot's): where the program runs.
/// - `environment` (map of text, empty): extra variables. The plugin does *not* inherit the
///   bot's environment (which may hold secrets): it gets `PATH`, `HOME`, `LANG`, `TZ`,
///   `PYTHONUNBUFFERED=1`, `RAPPORT_PLUGIN_ID`, `RAPPORT_PLUGIN_PROTOCOL` and these.
/// - `timeout` (seconds, 10): how long one event, command or job may take before the plugin
///   counts as hung and is restarted (at most 25, below the runtime's own 30-second limit).
/// - `max_restarts` (int, 5): failures in a row (crash, hang, garbage, flood) after which the
///   plugin stays off until `!plugin reload`.
/// - `restart_delay` (seconds, 1): the first restart's delay; it doubles up to a minute.
/// - `max_lines_per_second` (int, 1000): more protocol lines than this per second (bursts of
///   twice as many) count as a flood.
/// - `max_jobs` (int, 20): how many jobs (`schedule`) the plugin may have; more are refused.
/// - `max_store_keys` (int, 10000) and `max_store_bytes` (int, 10485760): how many keys, and how
///   many bytes of keys and JSON values, the plugin may keep in its store; a `store_set` past
///   either is refused with `quota`.
public struct ExternalPluginConfiguration: Sendable, Hashable, Codable {
    public var id: String
    public var command: [String]
    public var workingDirectory: String?
    public var environment: [String: String]?
    public var timeout: Double?
    public var maxRestarts: Int?
    public var restartDelay: Double?
    public var maxLinesPerSecond: Int?
    public var maxJobs: Int?
    public var maxStoreKeys: Int?
    public var maxStoreBytes: Int?

    enum CodingKeys: String, CodingKey {
        case id, command, environment, timeout
        case workingDirectory = "working_directory", maxRestarts = "max_restarts", restartDelay = "restart_delay"
        case maxLinesPerSecond = "max_lines_per_second", maxJobs = "max_jobs", maxStoreKeys = "max_store_keys"
        case maxStoreBytes = "max_store_bytes"
    }

    public init(
        id: String, command: [String], workingDirectory: String? = nil, environment: [String: String]? = nil,
        timeout: Double? = nil, maxRestarts: Int? = nil, restartDelay: Double? = nil, maxLinesPerSecond: Int? = nil,
        maxJobs: Int? = nil, maxStoreKeys: Int? = nil, maxStoreBytes: Int? = nil
    ) {
        self.id = id
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.maxRestarts = maxRestarts
        self.restartDelay = restartDelay
        self.maxLinesPerSecond = maxLinesPerSecond
        self.maxJobs = maxJobs
        self.maxStoreKeys = maxStoreKeys
        self.maxStoreBytes = maxStoreBytes
    }

    /// The time one request may take.
    public var requestTimeout: Duration { .milliseconds(Int64((timeout ?? 10) * 1000)) }
    /// How long the plugin has to answer `hello`.
    public var handshakeTimeout: Duration { .seconds(10) }
    public var restartLimit: Int { maxRestarts ?? 5 }
    public var firstRestartDelay: Double { restartDelay ?? 1 }
    public var lineRate: Int { maxLinesPerSecond ?? 1000 }
    public var jobLimit: Int { maxJobs ?? 20 }
    public var storeKeyLimit: Int { maxStoreKeys ?? 10_000 }
    public var storeByteLimit: Int { maxStoreBytes ?? 10 * 1024 * 1024 }
    /// The longest line accepted from the plugin, in bytes.
    public var maximumLineLength: Int { 256 * 1024 }

    /// The problems with this entry, as sentences; empty when it is usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) {
            problems.append("id must be lower-case letters, digits, - or _.")
        } else if id.hasPrefix("rapport") {
            problems.append("id '\(id)' is reserved for the bot's own data (ids starting with 'rapport'); choose another id.")
        }
        if command.isEmpty || command[0].isEmpty { problems.append("command must name a program.") }
        // The runtime cancels any plugin work after 30 seconds; the plugin's own timeout comes first.
        if let timeout, !(timeout > 0 && timeout <= 25) { problems.append("timeout must be more than 0 and at most 25 seconds.") }
        if let maxRestarts, maxRestarts < 0 { problems.append("max_restarts must not be negative.") }
        if let restartDelay, !(restartDelay >= 0 && restartDelay <= 60) { problems.append("restart_delay must be between 0 and 60 seconds.") }
        if let maxLinesPerSecond, maxLinesPerSecond < 1 { problems.append("max_lines_per_second must be at least 1.") }
        if let maxJobs, maxJobs < 0 { problems.append("max_jobs must not be negative.") }
        if let maxStoreKeys, maxStoreKeys < 0 { problems.append("max_store_keys must not be negative.") }
        if let maxStoreBytes, maxStoreBytes < 0 { problems.append("max_store_bytes must not be negative.") }
        return problems
    }

    /// The plugin's environment: a few harmless variables of the bot's, then the configured ones.
    func processEnvironment(inherited: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for key in ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"] { result[key] = inherited[key] }
        result["PATH"] = result["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        result["PYTHONUNBUFFERED"] = "1"
        result["RAPPORT_PLUGIN_ID"] = id
        result["RAPPORT_PLUGIN_PROTOCOL"] = String(PluginProtocol.version)
        result.merge(environment ?? [:]) { $1 }
        return result
    }
}
