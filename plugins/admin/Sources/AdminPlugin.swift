import Foundation
public import RapportCore

/// Run-time administration by chat: plugins, settings, admins, channels, ignores, audit log.
///
/// Channel operators may switch plugins and change settings for their own channel; admins may
/// do so anywhere; only owners make admins. Every change is kept in the store and audit-logged.
public struct AdminPlugin: BuiltInPlugin {
    public static let descriptor = PluginDescriptor(
        id: "admin",
        summary: "Administer the bot by chat: plugins, settings, admins, channels and ignores.",
        version: RapportVersion.current,
        commands: [
            .init(
                "plugin", usage: "plugin list|info|enable|disable|reload [NAME] [#channel]",
                help: "List plugins, show one, or switch one on or off for a channel (operators) or everywhere (admins); reload restarts it (admins)."),
            .init(
                "config", usage: "config get|set|unset|list PLUGIN.KEY [VALUE] [#channel]",
                help: "Read or change a plugin setting, for a channel (operators) or everywhere (admins). Values are checked before they are kept."),
            .init("admin", usage: "admin add|remove|list [IDENTITY]", help: "Grant or take away the admin role (owners); list admins (admins). Identities look like irc:NETWORK:ACCOUNT or matrix:@user:server.", requires: .admin),
            .init("join", usage: "join #channel", help: "Join a channel on this network and stay there across restarts.", requires: .admin),
            .init("part", usage: "part #channel", help: "Leave a channel on this network and stay out across restarts.", requires: .admin),
            .init("ignore", usage: "ignore add|remove|list [MASK|IDENTITY]", help: "Ignore commands from a nick mask (spam*) or an identity.", requires: .admin),
            .init("audit", usage: "audit [COUNT]", help: "Show the latest administrative changes: who, what, when.", requires: .admin),
        ],
        handlesEvents: false)

    public init(context: PluginContext) async throws {}

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        let admin = context.administration
        var words = command.arguments
        let sub = words.isEmpty ? "" : words.removeFirst().lowercased()
        let reply: String
        switch command.name {
        case "plugin": reply = try await plugin(sub, words, command, admin)
        case "config": reply = try await config(sub, words, command, admin)
        case "admin": reply = try await admins(sub, words, command, admin)
        case "join", "part":
            guard let channel = command.arguments.first, Self.isChannel(channel) else {
                throw CommandError.usage("\(command.name) #channel")
            }
            if command.name == "join" {
                try await admin.join(channel, on: command.network, by: AdminActor(command))
                reply = "Joining \(channel)."
            } else {
                try await admin.part(channel, on: command.network, by: AdminActor(command))
                reply = "Leaving \(channel)."
            }
        case "ignore": reply = try await ignore(sub, words, command, admin)
        case "audit":
            let count = min(max(Int(command.arguments.first ?? "") ?? 5, 1), 20)
            let entries = try await admin.audit(limit: count)
            reply = entries.isEmpty
                ? "The audit log is empty."
                : entries.map { "\($0.at.formatted(.iso8601)) \($0.actor) \($0.action) \($0.detail)\($0.origin == .web ? " (on the web)" : "")" }
                    .joined(separator: "\n")
        default: throw CommandError.unknownCommand(command.name)
        }
        try await context.reply(to: command, reply)
    }

    // MARK: - plugin

    private func plugin(_ sub: String, _ words: [String], _ command: CommandInvocation, _ admin: Administration) async throws -> String {
        var words = words
        let scope = try Self.scope(from: &words, command)
        switch sub {
        case "list":
            let statuses = await admin.plugins(network: command.network, channel: scopeChannel(scope) ?? command.channel)
            return "Plugins: " + statuses.map { "\($0.descriptor.id) (\($0.failure != nil ? "failed" : $0.enabled ? "on" : "off"))" }.joined(separator: ", ")
        case "info":
            guard let name = words.first?.lowercased() else { throw CommandError.usage("plugin info NAME") }
            let statuses = await admin.plugins(network: command.network, channel: command.channel)
            guard let status = statuses.first(where: { $0.descriptor.id == name }) else {
                throw CommandError(.notFound, "There is no plugin '\(name)'.")
            }
            let d = status.descriptor
            let commands = d.commands.map(\.name).joined(separator: ", ")
            let settings = d.settings.map(\.key).joined(separator: ", ")
            return "\(d.id) \(d.version): \(d.summary) Commands: \(commands.isEmpty ? "none" : commands). Settings: \(settings.isEmpty ? "none" : settings). "
                + (status.failure.map { "Failed to start: \($0)" } ?? (status.enabled ? "On here." : "Off here."))
        case "enable", "disable":
            guard let name = words.first else { throw CommandError.usage("plugin \(sub) NAME [#channel]") }
            try await admin.setEnabled(name, sub == "enable", in: scope, by: AdminActor(command))
            return "\(name.lowercased()) is now \(sub == "enable" ? "on" : "off") \(scope)."
        case "reload":
            guard let name = words.first else { throw CommandError.usage("plugin reload NAME") }
            try await admin.reload(name, by: AdminActor(command))
            return "\(name.lowercased()) reloaded."
        default:
            throw CommandError.usage(Self.descriptor.commands[0].usage)
        }
    }

    // MARK: - config

    private func config(_ sub: String, _ words: [String], _ command: CommandInvocation, _ admin: Administration) async throws -> String {
        var words = words
        let scope = try Self.scope(from: &words, command)
        let channel = scopeChannel(scope)
        if sub == "list" {
            guard let plugin = words.first else { throw CommandError.usage("config list PLUGIN [#channel]") }
            let settings = try await admin.settings(plugin, network: command.network, channel: channel ?? command.channel)
            if settings.isEmpty { return "\(plugin) has no settings." }
            return settings.map { "\(plugin).\($0.key) = \($0.value)" }.joined(separator: ", ")
        }
        guard let path = words.first, let dot = path.firstIndex(of: ".") else {
            throw CommandError.usage(Self.descriptor.commands[1].usage)
        }
        let plugin = String(path[..<dot])
        let key = String(path[path.index(after: dot)...])
        switch sub {
        case "get":
            let value = try await admin.setting(plugin, key, network: command.network, channel: channel ?? command.channel)
            return "\(path) = \(value)"
        case "set":
            guard words.count >= 2 else { throw CommandError.usage("config set PLUGIN.KEY VALUE [#channel]") }
            let shown = try await admin.set(plugin, key, to: words.dropFirst().joined(separator: " "), in: scope, by: AdminActor(command))
            return "\(path) = \(shown) \(scope)."
        case "unset":
            try await admin.unset(plugin, key, in: scope, by: AdminActor(command))
            return "\(path) is back to its default \(scope)."
        default:
            throw CommandError.usage(Self.descriptor.commands[1].usage)
        }
    }

    // MARK: - admin, ignore

    private func admins(_ sub: String, _ words: [String], _ command: CommandInvocation, _ admin: Administration) async throws -> String {
        switch sub {
        case "list":
            let (owners, admins) = await admin.admins()
            return "Owners: \(Self.list(owners.map(\.rawValue))). Admins: \(Self.list(admins.map(\.rawValue)))."
        case "add", "remove":
            guard let text = words.first, let identity = Identity(text) else {
                throw CommandError(.badArguments, "Give an identity such as irc:\(command.network):ACCOUNT or matrix:@user:server — never a bare nick.")
            }
            if sub == "add" {
                try await admin.addAdmin(identity, by: AdminActor(command))
                return "\(identity) is now a bot admin."
            }
            try await admin.removeAdmin(identity, by: AdminActor(command))
            return "\(identity) is no longer a bot admin."
        default:
            throw CommandError.usage("admin add|remove|list [IDENTITY]")
        }
    }

    private func ignore(_ sub: String, _ words: [String], _ command: CommandInvocation, _ admin: Administration) async throws -> String {
        switch sub {
        case "list":
            return "Ignored: \(Self.list(await admin.ignores()))."
        case "add", "remove":
            guard let mask = words.first else { throw CommandError.usage("ignore \(sub) MASK|IDENTITY") }
            let canonical = try await admin.ignore(mask, sub == "add", by: AdminActor(command))
            return sub == "add" ? "Ignoring commands from \(canonical)." : "No longer ignoring \(canonical)."
        default:
            throw CommandError.usage("ignore add|remove|list [MASK|IDENTITY]")
        }
    }

    // MARK: - Scopes and permissions

    static func isChannel(_ word: String) -> Bool { word.first.map { "#&!+".contains($0) } ?? false }

    /// Takes a trailing `#channel` off `words`: that channel's scope, else everywhere.
    static func scope(from words: inout [String], _ command: CommandInvocation) throws -> Scope {
        if let last = words.last, isChannel(last) {
            words.removeLast()
            return .channel(network: command.network, channel: last)
        }
        return .everywhere
    }

    private func scopeChannel(_ scope: Scope) -> String? {
        if case .channel(_, let channel) = scope { return channel }
        return nil
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
}
