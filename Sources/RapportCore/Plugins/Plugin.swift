/// A unit of bot behaviour: commands, reactions to chat events and scheduled jobs.
///
/// The runtime creates one instance per plugin when it starts (and again on `!plugin reload`),
/// then delivers the events and commands of every channel where the plugin is enabled, one at a
/// time and in order. Each plugin has its own queue, so a slow plugin delays only itself.
///
/// ```swift
/// public struct PingPlugin: BuiltInPlugin {
///     public static let descriptor = PluginDescriptor(
///         id: "ping", summary: "Answers ping.", commands: [.init("ping", help: "Say pong.")])
///     public init(context: PluginContext) async throws {}
///     public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
///         try await context.reply(to: command, "pong")
///     }
/// }
/// ```
///
/// ## Conforming
/// Throw a ``UserFacingError`` (such as ``CommandError``) to answer a command with a refusal;
/// any other error is logged and the user gets a short apology.
public protocol Plugin: Sendable {
    /// Sees one chat event from a channel where the plugin is enabled (or a direct message).
    ///
    /// Messages that are commands are delivered to ``execute(_:context:)`` instead.
    func handle(_ event: ChatEvent, context: PluginContext) async throws

    /// Runs one of the plugin's commands; the runtime has already checked the caller's role.
    func execute(_ command: CommandInvocation, context: PluginContext) async throws

    /// Called before the plugin is disabled, reloaded or the bot stops.
    func shutdown() async

    /// How many queued events the runtime may hand over within one store transaction, each
    /// event in a savepoint of its own (so a handler that fails takes back its own writes, and
    /// only those). The default, 1, handles each event on its own, outside any transaction; a
    /// plugin that writes for most messages raises it to save a commit per message.
    var eventBatchSize: Int { get }

    /// How long queued events may wait for a fuller batch (at most ``eventBatchSize``) while no
    /// other work is queued: a busy channel then costs one wake-up and one commit per batch, not
    /// one per read. Commands and jobs are never held back, and events queued before them are
    /// handled first. The default, zero, hands events over at once.
    var eventBatchDelay: Duration { get }
}

extension Plugin {
    public func handle(_ event: ChatEvent, context: PluginContext) async throws {}
    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        throw CommandError.unknownCommand(command.name)
    }
    public func shutdown() async {}
    public var eventBatchSize: Int { 1 }
    public var eventBatchDelay: Duration { .zero }
}

/// A plugin compiled into the bot, with its descriptor known before it starts.
public protocol BuiltInPlugin: Plugin {
    /// The plugin's id, commands and settings.
    static var descriptor: PluginDescriptor { get }

    /// Prepares the plugin: migrations, loading state, scheduling jobs.
    init(context: PluginContext) async throws
}

/// How the runtime learns of a plugin: its descriptor, and how to start an instance.
public struct PluginRegistration: Sendable {
    public var descriptor: PluginDescriptor
    public var make: @Sendable (PluginContext) async throws -> any Plugin

    public init(descriptor: PluginDescriptor, make: @escaping @Sendable (PluginContext) async throws -> any Plugin) {
        self.descriptor = descriptor
        self.make = make
    }

    /// Registers a built-in plugin type.
    public init<P: BuiltInPlugin>(_ type: P.Type) {
        self.init(descriptor: P.descriptor) { try await P(context: $0) }
    }
}
