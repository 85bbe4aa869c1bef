import Synchronization
public import Logging

/// Everything a plugin may do: the only door from a plugin to the bot.
public struct PluginContext: Sendable {
    /// The plugin's descriptor.
    public let descriptor: PluginDescriptor
    /// A logger labelled with the plugin id.
    public let logger: Logger
    /// The plugin's namespaced store.
    public let store: PluginStore
    /// The clock; tests replace it to run in virtual time.
    public let time: any TimeSource
    let bot: Bot

    init(descriptor: PluginDescriptor, logger: Logger, store: PluginStore, time: any TimeSource, bot: Bot) {
        self.descriptor = descriptor
        self.logger = logger
        self.store = store
        self.time = time
        self.bot = bot
    }

    /// The plugin's settings as they apply in `channel` of `network` (`nil` for wider scopes).
    public func settings(network: String?, channel: String?) async -> PluginSettings {
        if let known = bot.knownSettings(descriptor.id, network: network, channel: channel) { return known }
        return await bot.settings(descriptor.id, network: network, channel: channel)
    }

    /// Whether this plugin is switched on in `channel` of `network`.
    public func isEnabled(network: String, channel: String?) async -> Bool {
        await bot.isEnabled(descriptor.id, network: network, channel: channel)
    }

    /// How long message text may be kept (`retention.excerpts`); zero means store none.
    public var textRetention: Duration { bot.currentTextRetention.withLock { $0 } }

    /// Sends a message on `network`.
    ///
    /// - Throws: ``CommandError`` with ``CommandError/Code/rateLimited`` when the plugin sends
    ///   more than its output limit (`bot.plugin_output_burst`, `bot.plugin_output_per_second`).
    public func send(_ message: OutgoingMessage, on network: String) async throws {
        try await bot.send(message, on: network, from: descriptor.id)
    }

    /// Sends a message on `network`, and tells the plugin later, in its queue, whether the
    /// network took it: for a plugin whose records depend on it (the nudges plugin marks a
    /// reminder sent only then).
    ///
    /// Returns at once; the wait for the network (Matrix: the homeserver's answer, after its
    /// retries) runs outside the plugin's queue, so a slow server holds up neither this plugin
    /// nor a Matrix `/sync`, which waits for the plugins (``EventSink/handled()``). `outcome`
    /// then runs as a job in the plugin's queue, with `nil` once the network took the message
    /// (IRC, console: once it was queued), or the error that stopped it, a full queue included.
    /// If the bot stops first, `outcome` is not called.
    ///
    /// - Throws: ``CommandError`` with ``CommandError/Code/rateLimited`` when the plugin sends
    ///   more than its output limit, or ``CommandError/Code/unavailable`` for an unknown network.
    public func send(
        _ message: OutgoingMessage, on network: String, outcome: @escaping @Sendable ((any Error)?) async throws -> Void
    ) async throws {
        try await bot.send(message, on: network, from: descriptor.id, outcome: outcome)
    }

    /// Answers a command where it was typed (in the channel, or privately for a DM).
    public func reply(to command: CommandInvocation, _ text: String) async throws {
        try await bot.reply(to: command.event, text, from: descriptor.id)
    }

    /// Answers an event where it happened (in its channel, or privately for a DM).
    public func reply(to event: ChatEvent, _ text: String) async throws {
        try await bot.reply(to: event, text, from: descriptor.id)
    }

    /// Answers a command privately, whatever the channel.
    public func replyPrivately(to command: CommandInvocation, _ text: String) async throws {
        try await bot.send(
            OutgoingMessage(to: .user(address: command.sender.address), text: text), on: command.network, from: descriptor.id)
    }

    /// Runs `job` every `interval`, in the plugin's queue, until the plugin stops.
    public func schedule(every interval: Duration, name: String, _ job: @escaping @Sendable () async throws -> Void) async {
        await bot.schedule(plugin: descriptor.id, every: interval, name: name, job)
    }

    /// Whether the user with DM address `address` is online on `network`, if it can tell.
    public func isOnline(_ address: String, on network: String) async -> Bool? {
        await bot.isOnline(address, on: network)
    }

    /// Whether this instance serves `network` now. With several instances sharing a PostgreSQL
    /// store only one serves each network; a job that acts on a network (sends DMs, say) skips
    /// the networks this instance does not serve, so the work is done once.
    public func serves(_ network: String) async -> Bool { await bot.serves(network) }

    /// The bot's metrics, for the series a plugin owns (see ``RapportMetrics``).
    public var metrics: RapportMetrics { bot.metrics }

    /// The bot's own nick on `network`.
    public func botNick(on network: String) async -> String? { bot.nick(on: network) }

    /// How `network` compares nicks.
    public func casemapping(of network: String) async -> Casemapping { bot.casemapping(of: network) }

    /// Tells admins about a problem with this plugin (it crashed, it was switched off): an
    /// error in the log and an entry in the audit log (`!audit`), by `plugin:<id>`.
    public func reportProblem(_ action: String, _ detail: String) async {
        await bot.reportProblem(plugin: descriptor.id, action: action, detail: detail)
    }

    /// The administrative side of the bot (plugins, settings, admins, channels). Commands that
    /// use it declare the role they need; the runtime checks it before they run.
    public var administration: Administration { Administration(bot: bot) }
}
