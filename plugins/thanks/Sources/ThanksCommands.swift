import Foundation
import RapportCore
import RapportReciprocity

/// The plugin's commands: each returns the one line to answer.
struct ThanksCommands {
    let plugin: ThanksPlugin
    let context: PluginContext

    func run(_ command: CommandInvocation) async throws -> String {
        let casemapping = await context.casemapping(of: command.network)
        let me = command.sender.nick
        switch command.name {
        case "thanks":
            guard let channel = command.channel else { throw CommandError(.badArguments, "Thank people in the channel where they helped you.") }
            guard let nick = command.arguments.first.map(Self.cleanNick), !nick.isEmpty else {
                throw CommandError.usage("thanks NICK [reason]")
            }
            if casemapping.equal(nick, me) { throw CommandError(.badArguments, "Nice try, but you can't thank yourself.") }
            if let bot = await context.botNick(on: command.network), casemapping.equal(nick, bot) {
                return "You're welcome! (I don't keep karma for myself.)"
            }
            let reason = command.arguments.dropFirst().joined(separator: " ")
            let event = HelpEvent(
                kind: .thanked, from: me, to: nick, detection: .command, network: command.network, channel: channel,
                time: context.time.now, messageID: command.event.id)
            let settings = await context.settings(network: command.network, channel: channel)
            let recorded = try await plugin.recordCapped(
                event, casemapping: casemapping, cap: settings.int("daily_cap"), context: context, reason: reason.isEmpty ? nil : reason)
            guard recorded else { return "You've already thanked \(nick) a lot today; it's noted, though!" }
            return reason.isEmpty ? "Noted: \(me) thanked \(nick)." : "Noted: \(me) thanked \(nick) (\(reason))."
        case "karma":
            guard let channel = command.channel else { throw CommandError(.badArguments, "Ask in a channel: karma counts per channel.") }
            let nick = command.arguments.first.map(Self.cleanNick) ?? me
            let karma = try await plugin.ledger.karma(network: command.network, channel: channel, receiver: casemapping.fold(nick))
            return "\(nick): \(Self.plural(karma.thanks, "thanks", "thanks")) and \(Self.plural(karma.answers, "answer", "answers")) in \(channel)."
        case "top":
            guard let channel = command.channel else { throw CommandError(.badArguments, "Ask in a channel: the top list is per channel.") }
            guard let period = HelpPeriod(named: command.arguments.first ?? "week", containing: context.time.now) else {
                throw CommandError.usage("top [week|month|all]")
            }
            let settings = await context.settings(network: command.network, channel: channel)
            let top = try await plugin.ledger.top(network: command.network, channel: channel, period: period, limit: settings.int("top_size"))
            guard !top.isEmpty else { return "Nobody has been thanked in \(channel) \(period.label) yet." }
            return "Most thanked in \(channel), \(period.label): " + top.map { "\($0.nick) (\($0.count))" }.joined(separator: ", ")
        case "helped":
            let nick = command.arguments.first.map(Self.cleanNick) ?? me
            let helped = try await plugin.ledger.helped(PersonMatch(network: command.network, nick: casemapping.fold(nick)), limit: 5)
            let by = helped.by.isEmpty ? "nobody yet" : helped.by.map { "\($0.nick) (\($0.count))" }.joined(separator: ", ")
            let to = helped.to.isEmpty ? "nobody yet" : helped.to.map { "\($0.nick) (\($0.count))" }.joined(separator: ", ")
            return "\(nick) was helped by \(by); \(nick) helped \(to)."
        case "owe":
            let settings = await context.settings(network: command.network, channel: command.channel)
            let since = context.time.now.addingTimeInterval(-settings.duration("owe_window").timeInterval)
            let owed = try await plugin.ledger.owed(network: command.network, person: casemapping.fold(me), since: since, limit: 5)
            guard !owed.isEmpty else { return "You're all square: everyone who answered you lately has been thanked." }
            return "Answered you and not thanked yet: " + owed.map { "\($0.nick) (in \($0.channel))" }.joined(separator: ", ")
        default:
            throw CommandError.unknownCommand(command.name)
        }
    }

    /// `@bob:` → `bob`.
    static func cleanNick(_ text: String) -> String {
        String(text.drop { $0 == "@" }.reversed().drop { $0 == ":" || $0 == "," }.reversed())
    }

    static func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}
