public import Foundation

extension Administration {
    /// A setting of a plugin as it stands in one place.
    public struct SettingState: Sendable, Hashable {
        public var spec: SettingSpec
        /// The value in force, as chat shows it (`20m`).
        public var value: String
        public var source: SettingSource
    }

    /// A network the bot is configured for: its link, and the channels joined or left at run time.
    public struct NetworkState: Sendable, Hashable {
        public var network: String
        /// The connection, and the channels the bot is in now with their member counts.
        public var health: ConnectorHealth
        /// Channels joined (`true`) or left (`false`) with `!join`/`!part` or the dashboard.
        public var channels: [String: Bool]
    }

    /// Each setting of `plugin` in force in `channel` of `network`, with where its value comes from.
    ///
    /// - Throws: ``CommandError`` when there is no such plugin.
    public func settingStates(_ plugin: String, network: String?, channel: String?) async throws -> [SettingState] {
        try await bot.settingStates(plugin, network: network, channel: channel)
    }

    /// The role of a verified identity outside any channel: owner, admin or anyone.
    public func role(of identity: Identity) async -> Role {
        await bot.role(of: ChatEvent(network: "", channel: nil, sender: ChatUser(nick: identity.rawValue, identity: identity), kind: .join))
    }

    /// Whether `identity` is an operator in `channel` of `network` right now, as the network
    /// says; `nil` when its connector cannot tell (or there is no such network).
    public func isOperator(_ identity: Identity, in channel: String, on network: String) async -> Bool? {
        await bot.connectors[network]?.isOperator(identity, in: channel)
    }

    /// Every network, its connection and its run-time channels, by name.
    public func networks() async -> [NetworkState] {
        let health = await bot.networkHealth()
        let channels = await bot.state.channels
        return health.keys.sorted().map { network in
            let mine = channels.filter { $0.key.hasPrefix(network + "/") }
            return NetworkState(
                network: network, health: health[network] ?? ConnectorHealth(status: .disconnected),
                channels: Dictionary(uniqueKeysWithValues: mine.map { (String($0.key.dropFirst(network.count + 1)), $0.value) }))
        }
    }

    /// When the runtime started, if it has.
    public func startedAt() async -> Date? { await bot.startedAt }

    /// The kind of store the bot keeps its data in (`SQLiteStore`, `PostgresStore`).
    public var storeBackend: String { String(describing: type(of: bot.store)) }

    /// The newest migration applied to the runtime's own tables.
    public func lastMigration() async throws -> String? {
        let rows = try await bot.store.query(
            "SELECT version, summary FROM rapport_migrations WHERE namespace = ? ORDER BY version DESC LIMIT 1", [.text(RuntimeState.namespace)])
        return rows.first.map { "\($0["version"].int.map(String.init) ?? "?"): \($0["summary"].string ?? "")" }
    }
}

extension Bot {
    func settingStates(_ plugin: String, network: String?, channel: String?) throws -> [Administration.SettingState] {
        let descriptor = try registration(plugin).descriptor
        let layered = layeredSettingSources(descriptor.id, network: network, channel: channel)
        return descriptor.settings.map { spec in
            let (value, source) = layered[spec.key] ?? (spec.defaultValue, .defaultValue)
            return .init(spec: spec, value: spec.display(value), source: source)
        }
    }
}
