public import Logging
public import RapportCore
import Synchronization

/// An out-of-process plugin, as the runtime sees it: an ordinary ``Plugin`` whose descriptor
/// comes from the process's manifest.
///
/// ```swift
/// let external = await ExternalPlugin.registrations(file.externalPlugins, logger: logger)
/// let bot = Bot(configuration: …, store: …, plugins: BuiltInPlugins.all + external, connectors: …)
/// ```
///
/// Each instance owns one supervised process: `!plugin reload` (a new instance) starts the
/// program again, so it runs the code as it is on disk now.
public struct ExternalPlugin: SelfDescribingPlugin, ProcessBackedPlugin {
    public let descriptor: PluginDescriptor
    let supervisor: ExternalPluginSupervisor

    public func handle(_ event: ChatEvent, context: PluginContext) async throws {
        try await supervisor.deliver(event)
    }

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        try await supervisor.run(command)
    }

    public func shutdown() async { await supervisor.stop() }

    public func processState() async -> PluginProcessState { await supervisor.processState() }

    /// Starts every configured plugin at once and reads their manifests, so the runtime knows
    /// their commands and settings before it starts.
    ///
    /// A plugin whose handshake fails is still registered, under a stand-in descriptor without
    /// commands; the runtime then lists it as failed, and `!plugin reload` tries again.
    public static func registrations(_ configurations: [ExternalPluginConfiguration], logger: Logger) async -> [PluginRegistration] {
        await withTaskGroup(of: (Int, PluginRegistration).self) { group in
            for (index, configuration) in configurations.enumerated() {
                group.addTask { (index, await registration(configuration, logger: logger)) }
            }
            var result: [(Int, PluginRegistration)] = []
            for await item in group { result.append(item) }
            return result.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The descriptor a plugin is registered under when its first handshake failed.
    public static func standIn(_ id: String) -> PluginDescriptor {
        PluginDescriptor(id: id, summary: "An external plugin that has not started yet.")
    }

    /// Whether `descriptor` is a stand-in: the plugin's settings cannot be checked yet.
    @Sendable public static func isStandIn(_ descriptor: PluginDescriptor) -> Bool { descriptor == standIn(descriptor.id) }

    /// Starts one plugin, reads its manifest and returns its registration; the running process
    /// serves the first instance the runtime makes.
    public static func registration(_ configuration: ExternalPluginConfiguration, logger: Logger) async -> PluginRegistration {
        let first = ExternalPluginSupervisor(configuration, logger: logger)
        let prestarted = Mutex<ExternalPluginSupervisor?>(nil)
        let descriptor: PluginDescriptor
        do {
            descriptor = try await first.start().descriptor
            prestarted.withLock { $0 = first }
        } catch {
            logger.error("external plugin did not start", metadata: ["plugin": "\(configuration.id)", "error": "\(error)"])
            descriptor = standIn(configuration.id)
        }
        return PluginRegistration(descriptor: descriptor) { context in
            let supervisor: ExternalPluginSupervisor
            if let ready = prestarted.withLock({ $0.take() }) {
                supervisor = ready
            } else {
                supervisor = ExternalPluginSupervisor(configuration, logger: context.logger)
                try await supervisor.start()
            }
            guard let manifest = await supervisor.attach(context) else {
                await supervisor.stop()
                throw ExternalPluginError("the plugin has no manifest")
            }
            return ExternalPlugin(descriptor: manifest.descriptor, supervisor: supervisor)
        }
    }
}
