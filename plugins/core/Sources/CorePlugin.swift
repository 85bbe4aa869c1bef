public import RapportCore

/// The basics every bot answers: help, ping, version and the plugin list.
public struct CorePlugin: BuiltInPlugin {
    public static let descriptor = PluginDescriptor(
        id: "core",
        summary: "Help, ping, version and the list of plugins.",
        version: RapportVersion.current,
        commands: [
            .init("help", usage: "help [command|plugin]", help: "List the commands you can use here, or explain one command or plugin."),
            .init("ping", help: "Check that the bot is alive; it answers pong."),
            .init("version", help: "Show which version of Rapport is running."),
            .init("plugins", help: "List the plugins and whether they are on here."),
        ],
        settings: [
            SettingSpec("prefix", .string, default: .string("!"), help: "The character(s) that start a command, e.g. ! or . (empty: only by name).")
        ],
        handlesEvents: false)

    public init(context: PluginContext) async throws {}

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        switch command.name {
        case "ping": try await context.reply(to: command, "pong")
        case "version": try await context.reply(to: command, "Rapport \(RapportVersion.current)")
        case "plugins": try await context.reply(to: command, await pluginList(command, context))
        case "help": try await context.reply(to: command, await help(command, context))
        default: throw CommandError.unknownCommand(command.name)
        }
    }

    private func pluginList(_ command: CommandInvocation, _ context: PluginContext) async -> String {
        let statuses = await context.administration.plugins(network: command.network, channel: command.channel)
        let items = statuses.map { status in
            let state = status.failure != nil ? "failed" : status.enabled ? "on" : "off"
            return "\(status.descriptor.id) (\(state))"
        }
        return "Plugins: " + items.joined(separator: ", ")
    }

    private func help(_ command: CommandInvocation, _ context: PluginContext) async -> String {
        let prefix = await context.administration.commandPrefix(network: command.network, channel: command.channel)
        let statuses = await context.administration.plugins(network: command.network, channel: command.channel)
        guard let topic = command.arguments.first?.lowercased() else {
            let names = statuses.filter(\.enabled).flatMap(\.descriptor.commands)
                .filter { $0.requires <= command.role }.map(\.name)
            return "Commands: \(names.joined(separator: ", ")). Say \(prefix)help <command> for details."
        }
        let name = topic.hasPrefix(prefix) && !prefix.isEmpty ? String(topic.dropFirst(prefix.count)) : topic
        for status in statuses {
            if let spec = status.descriptor.commands.first(where: { $0.name == name }) {
                let role = spec.requires == .anyone ? "" : " (for \(spec.requires.phrase))"
                let off = status.enabled ? "" : " The \(status.descriptor.id) plugin is off here."
                return "\(prefix)\(spec.usage) — \(spec.help)\(role)\(off)"
            }
        }
        if let status = statuses.first(where: { $0.descriptor.id == name }) {
            let commands = status.descriptor.commands.map { prefix + $0.name }.joined(separator: ", ")
            return "\(status.descriptor.id): \(status.descriptor.summary)" + (commands.isEmpty ? "" : " Commands: \(commands).")
        }
        return "There is no command or plugin called '\(name)'. Say \(prefix)help for the list."
    }
}
