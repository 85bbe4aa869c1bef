public import Foundation

/// The administrative operations of the runtime: plugin switches, settings, admins, channels,
/// ignores and the audit log.
///
/// Every change is written to the store before it takes effect, takes effect at once, and is
/// recorded in the audit log with who made it and whether in chat or on the web. Every change
/// takes an ``AdminActor`` and checks the actor's role here, so the admin commands and the web
/// dashboard share one check.
public struct Administration: Sendable {
    let bot: Bot

    /// The administration of `bot` (the web dashboard's way in; plugins use
    /// ``PluginContext/administration``).
    public init(bot: Bot) { self.bot = bot }

    /// A plugin and how it stands.
    public struct PluginStatus: Sendable, Hashable {
        public var descriptor: PluginDescriptor
        /// Whether it runs where the question was asked.
        public var enabled: Bool
        /// Why it could not start, if it could not.
        public var failure: String?
        /// For a plugin that runs as a separate program: how the program is doing.
        public var process: PluginProcessState?
    }

    /// One line of the audit log.
    public struct AuditEntry: Sendable, Hashable {
        public var at: Date
        public var actor: String
        public var action: String
        public var detail: String
        /// Where the change was made.
        public var origin: AdminActor.Origin
    }

    /// Every plugin, with whether it runs in `channel` of `network`.
    public func plugins(network: String?, channel: String?) async -> [PluginStatus] {
        await bot.pluginStatuses(network: network, channel: channel)
    }

    /// The command prefix in force in `channel` of `network`.
    public func commandPrefix(network: String?, channel: String?) async -> String {
        await bot.commandPrefix(network: network, channel: channel)
    }

    /// Turns a plugin on or off in `scope` (operators: their own channel only).
    public func setEnabled(_ plugin: String, _ enabled: Bool, in scope: Scope, by actor: AdminActor) async throws {
        try actor.checkCanChange(scope)
        try await bot.setEnabled(plugin, enabled, in: scope, by: actor)
    }

    /// Restarts a plugin with a fresh instance (and, for an external plugin, a fresh process); admins.
    public func reload(_ plugin: String, by actor: AdminActor) async throws {
        try actor.checkRole(.admin)
        try await bot.reload(plugin, by: actor)
    }

    /// The value of `plugin.key` in `channel` of `network`, as shown in chat.
    public func setting(_ plugin: String, _ key: String, network: String?, channel: String?) async throws -> String {
        try await bot.settingText(plugin, key, network: network, channel: channel)
    }

    /// Every setting of `plugin` in a place, as `key = value` lines.
    public func settings(_ plugin: String, network: String?, channel: String?) async throws -> [(key: String, value: String)] {
        try await bot.settingTexts(plugin, network: network, channel: channel)
    }

    /// Sets `plugin.key` in `scope` from chat text, after checking that the actor may change that
    /// scope and this setting there (``SettingSpec/checkChange(_:in:by:)``), and validating the value.
    ///
    /// - Returns: The value kept, as chat shows it.
    /// - Throws: ``CommandError`` with the reason when the plugin, key, place, role or value is refused.
    @discardableResult
    public func set(_ plugin: String, _ key: String, to text: String, in scope: Scope, by actor: AdminActor) async throws -> String {
        try actor.checkCanChange(scope)
        return try await bot.setSetting(plugin, key, to: text, in: scope, by: actor)
    }

    /// Removes the run-time override of `plugin.key` in `scope`, if the actor may change it there.
    public func unset(_ plugin: String, _ key: String, in scope: Scope, by actor: AdminActor) async throws {
        try actor.checkCanChange(scope)
        try await bot.unsetSetting(plugin, key, in: scope, by: actor)
    }

    /// The bot admins granted at run time, and the owners from the file.
    public func admins() async -> (owners: [Identity], admins: [Identity]) { await bot.adminList() }

    /// Makes `identity` a bot admin (owners).
    public func addAdmin(_ identity: Identity, by actor: AdminActor) async throws {
        try actor.checkRole(.owner)
        try await bot.setAdmin(identity, true, by: actor)
    }

    /// Takes the admin role away from `identity` (owners).
    public func removeAdmin(_ identity: Identity, by actor: AdminActor) async throws {
        try actor.checkRole(.owner)
        try await bot.setAdmin(identity, false, by: actor)
    }

    /// Joins `channel` on `network` now and after every restart (admins).
    public func join(_ channel: String, on network: String, by actor: AdminActor) async throws {
        try actor.checkRole(.admin)
        try await bot.setJoined(channel, true, on: network, by: actor)
    }

    /// Leaves `channel` on `network` and stays out after restarts (admins).
    public func part(_ channel: String, on network: String, by actor: AdminActor) async throws {
        try actor.checkRole(.admin)
        try await bot.setJoined(channel, false, on: network, by: actor)
    }

    /// Ignores (or stops ignoring) commands from a nick mask or identity (admins).
    ///
    /// - Returns: The mask as kept: an identity in canonical form, a nick mask in lower case.
    @discardableResult
    public func ignore(_ mask: String, _ ignored: Bool, by actor: AdminActor) async throws -> String {
        try actor.checkRole(.admin)
        let canonical = Identity(mask)?.rawValue ?? mask.lowercased()
        try await bot.setIgnored(canonical, ignored, by: actor)
        return canonical
    }

    /// The ignored masks and identities.
    public func ignores() async -> [String] { await bot.state.ignores.keys.sorted() }

    /// The person behind `user` on `network`.
    public func person(_ user: ChatUser, on network: String) async -> Person { bot.person(user, on: network) }

    /// Everything stored about `person`, by plugin, as JSON.
    public func personalData(about person: Person) async -> JSONValue { await bot.personalData(about: person) }

    /// Erases `person` everywhere the bot keeps data.
    public func forget(_ person: Person) async throws { try await bot.forget(person) }

    /// Erases `person` everywhere the bot keeps data on an admin's word, and records it in the
    /// audit log (the person asked by other means).
    public func forget(_ person: Person, by actor: AdminActor) async throws { try await bot.forget(person, by: actor) }

    /// Stops (or resumes) recording `person`; their commands are still answered.
    public func setTracked(_ person: Person, _ tracked: Bool) async throws { try await bot.setTracked(person, tracked) }

    /// Whether `person` is recorded.
    public func isTracked(_ person: Person) async -> Bool { await !bot.state.untracked.contains(person.key) }

    /// Deletes message text older than the configured retention in every plugin.
    public func applyTextRetention() async { await bot.deleteText(olderThan: bot.configuration.textRetention) }

    /// The newest `limit` entries of the audit log, newest first, that match `filter`.
    public func audit(limit: Int, matching filter: AuditFilter = AuditFilter()) async throws -> [AuditEntry] {
        try await bot.auditEntries(limit: limit, matching: filter)
    }
}
