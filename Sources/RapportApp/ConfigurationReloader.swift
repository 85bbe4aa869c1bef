import Foundation
public import Logging
public import RapportCore
import RapportPluginHost
import UnixSignals

/// Re-reads the configuration file while the bot runs (on SIGHUP), without dropping a connection.
///
/// A file that does not load or validate is refused with a log line, and the running
/// configuration stays. A good one takes effect at once for owners, plugin settings and
/// switches, and the command and output limits. Changes to `networks`, `storage`, `logging` and
/// `external_plugins` are logged and take effect at the next start.
public actor ConfigurationReloader {
    public let path: String
    private var running: ConfigurationFile
    private let bot: Bot
    private let logger: Logger

    public init(path: String, running: ConfigurationFile, bot: Bot, logger: Logger) {
        self.path = path
        self.running = running
        self.bot = bot
        self.logger = logger
    }

    /// Loads the file again and hands it to the bot.
    ///
    /// - Returns: Whether the new file was taken; errors are logged, never thrown.
    @discardableResult
    public func reload() async -> Bool {
        let descriptors = await bot.descriptors
        let file: ConfigurationFile
        let configuration: BotConfiguration
        do {
            let builtIn = BuiltInPlugins.all.map(\.descriptor)
            (file, configuration) = try ConfigurationLoader(descriptors: builtIn).load(path)
        } catch {
            logger.error("configuration reload refused; the running configuration stays", metadata: ["problem": "\(error)"])
            return false
        }
        let validated: BotConfiguration
        do {
            validated = try configuration.validated(
                against: descriptors, skipping: RapportApplication.unstartedPlugins(descriptors))
        } catch {
            logger.error(
                "configuration reload refused; the running configuration stays",
                metadata: ["problem": "\(ConfigurationError(file: path, path: "", problem: error.description))"])
            return false
        }
        for section in changedSections(file) {
            logger.warning("a change needs a restart to take effect", metadata: ["section": "\(section)"])
        }
        running = file
        await bot.reconfigure(validated)
        logger.notice("configuration reloaded", metadata: ["file": "\(path)"])
        return true
    }

    /// Reloads on every SIGHUP until the returned task is cancelled.
    public func watchSIGHUP() async -> Task<Void, Never> {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        return Task {
            for await _ in signals {
                if Task.isCancelled { return }
                await self.reload()
            }
        }
    }

    private func changedSections(_ file: ConfigurationFile) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func same<T: Encodable>(_ a: T, _ b: T) -> Bool { (try? encoder.encode(a)) == (try? encoder.encode(b)) }
        var changed: [String] = []
        if !same(file.networks, running.networks) { changed.append("networks") }
        if !same(file.storage, running.storage) { changed.append("storage") }
        if !same(file.logging, running.logging) { changed.append("logging") }
        if file.externalPlugins != running.externalPlugins { changed.append("external_plugins") }
        if file.bot.nick != running.bot.nick { changed.append("bot.nick") }
        return changed
    }
}
