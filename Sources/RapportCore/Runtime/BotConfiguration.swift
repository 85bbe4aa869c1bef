/// What the runtime needs from the configuration file, already validated.
public struct BotConfiguration: Sendable {
    /// Plugin settings from the configuration file, for one plugin at one level.
    public struct PluginFileSettings: Sendable, Hashable {
        /// `plugins.<id>.enabled`, if the file sets it.
        public var enabled: Bool?
        /// The other keys of `plugins.<id>`.
        public var values: [String: SettingValue]
        public init(enabled: Bool? = nil, values: [String: SettingValue] = [:]) {
            self.enabled = enabled
            self.values = values
        }
    }

    /// Identities that own the bot: every command is open to them.
    public var owners: Set<Identity>
    /// `plugins:` at the top level of the file.
    public var plugins: [String: PluginFileSettings]
    /// `networks[].plugins:`, by network name.
    public var networkPlugins: [String: [String: PluginFileSettings]]
    /// Commands one person may issue in a burst, and how many per second after that.
    public var commandBurst: Int
    public var commandsPerSecond: Double
    /// Messages one plugin may send in a burst, and how many per second after that (every
    /// plugin, built-in or external, has its own allowance).
    public var pluginOutputBurst: Int
    public var pluginOutputPerSecond: Double
    /// How long plugins keep message text (`retention.excerpts`); zero keeps none.
    public var textRetention: Duration = .seconds(30 * 86400)
    /// How long one event, command or job may run in a plugin before it is cancelled.
    public var pluginTimeout: Duration = .seconds(30)

    public init(
        owners: Set<Identity> = [], plugins: [String: PluginFileSettings] = [:],
        networkPlugins: [String: [String: PluginFileSettings]] = [:], commandBurst: Int = 5,
        commandsPerSecond: Double = 0.5, pluginOutputBurst: Int = 20, pluginOutputPerSecond: Double = 5
    ) {
        self.pluginOutputBurst = pluginOutputBurst
        self.pluginOutputPerSecond = pluginOutputPerSecond
        self.owners = owners
        self.plugins = plugins
        self.networkPlugins = networkPlugins
        self.commandBurst = commandBurst
        self.commandsPerSecond = commandsPerSecond
    }

    /// Checks every plugin setting in the file against the plugins' descriptors.
    ///
    /// - Parameter skipping: Plugins whose settings are kept unchecked for now, because their
    ///   descriptor is not known yet (an external plugin before its handshake).
    /// - Throws: ``SettingError`` naming the key path, such as `plugins.thanks.daily_cap`.
    public func validated(
        against descriptors: [PluginDescriptor], skipping: Set<String> = []
    ) throws(SettingError) -> BotConfiguration {
        var copy = self
        copy.plugins = try Self.validate(plugins, path: "plugins", descriptors, skipping)
        for (network, settings) in networkPlugins {
            copy.networkPlugins[network] = try Self.validate(settings, path: "networks[\(network)].plugins", descriptors, skipping)
        }
        return copy
    }

    private static func validate(
        _ settings: [String: PluginFileSettings], path: String, _ descriptors: [PluginDescriptor], _ skipping: Set<String>
    ) throws(SettingError) -> [String: PluginFileSettings] {
        var result: [String: PluginFileSettings] = [:]
        for (id, file) in settings {
            if skipping.contains(id) {
                result[id] = file
                continue
            }
            guard let descriptor = descriptors.first(where: { $0.id == id }) else {
                let known = descriptors.map(\.id).sorted().joined(separator: ", ")
                throw SettingError("\(path).\(id): there is no plugin '\(id)' (known: \(known)).")
            }
            var values: [String: SettingValue] = [:]
            for (key, value) in file.values {
                guard let spec = descriptor.setting(key) else {
                    let known = descriptor.settings.map(\.key).joined(separator: ", ")
                    throw SettingError("\(path).\(id).\(key): unknown setting (known: enabled\(known.isEmpty ? "" : ", " + known)).")
                }
                do {
                    values[key] = try spec.validate(value)
                } catch {
                    throw SettingError("\(path).\(id).\(key): \(error.description)")
                }
            }
            result[id] = PluginFileSettings(enabled: file.enabled, values: values)
        }
        return result
    }
}
